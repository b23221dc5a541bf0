import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');

/** Test files and the helpers only tests use: under test/, named *.test.ts or *.test-support.ts, or in a testing/ folder. */
export function isTestOnly(file: string): boolean {
  const relative = path.relative(root, file).split(path.sep).join('/');
  return relative.startsWith('test/') || /\.test(-support)?\.ts$/.test(relative) || /(^|\/)testing(\/|\.ts$)/.test(relative) || /(^|\/)test-support\.ts$/.test(relative);
}

describe('the production build (tsconfig.build.json)', () => {
  test('recognizes test files and helpers', () => {
    expect(
      ['test/support/gateway.ts', 'src/a/b.test.ts', 'src/domains/workspaces/memory-stores.test-support.ts', 'src/infra/nats/testing.ts', 'src/x/testing/y.ts'].map((file) =>
        isTestOnly(path.join(root, file)),
      ),
    ).toEqual([true, true, true, true, true]);
    expect(['src/app.ts', 'src/simulator/tls-fixture.ts', 'src/domains/builds/build-service.ts'].map((file) => isTestOnly(path.join(root, file)))).toEqual([false, false, false]);
  });

  test('compiles no test file and no test helper', async () => {
    const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
    const { stdout } = await promisify(execFile)(tsc, ['--listFilesOnly', '-p', 'tsconfig.build.json'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    const ours = stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.includes('/node_modules/'));
    expect(ours.length).toBeGreaterThan(50);
    expect(ours.filter(isTestOnly)).toEqual([]);
  });
});
