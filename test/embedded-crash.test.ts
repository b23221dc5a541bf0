import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';

/**
 * The embedded default as a user runs it (`node dist/src/main.js`, no DATABASE_URL), killed with
 * SIGKILL while it acknowledges writes: every acknowledged write must be there after a restart,
 * and a file that is not a readable database must stop the start without being touched.
 */
const run = promisify(execFile);
const ADMIN_TOKEN = `crash-admin-${randomBytes(8).toString('hex')}`;

interface RunningGateway {
  readonly process: ChildProcess;
  readonly graphqlUrl: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function embeddedEnvironment(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KDA_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', KDA_ADMIN_TOKEN: ADMIN_TOKEN };
  delete env.DATABASE_URL;
  delete env.NATS_URL;
  delete env.KDA_SIMULATOR;
  return env;
}

function startGateway(dataDir: string): { child: ChildProcess; ready: Promise<RunningGateway>; exited: RunningGateway['exited'] } {
  const child = spawn(process.execPath, ['dist/src/main.js'], { env: embeddedEnvironment(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  const ready = new Promise<RunningGateway>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const url = /open (http:\/\/\S+\/graphql)/.exec(stdout)?.[1];
      if (url !== undefined) resolve({ process: child, graphqlUrl: url, exited });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    void exited.then(({ code, signal }) => reject(new Error(`the gateway exited before it was up (code ${code}, signal ${signal}): ${stderr}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exited };
}

async function createWorkspace(graphqlUrl: string, name: string): Promise<boolean> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query: 'mutation ($name: String!) { createWorkspace(input: { name: $name }) { workspace { id } } }', variables: { name } }),
  });
  const body = (await response.json()) as { data?: { createWorkspace?: { workspace: { id: string } } | null } };
  return typeof body.data?.createWorkspace?.workspace.id === 'string';
}

function workspaceNamesIn(file: string): string[] {
  const database = new DatabaseSync(file, { readOnly: true });
  try {
    return (database.prepare('SELECT name FROM workspaces').all() as Array<{ name: string }>).map((row) => row.name);
  } finally {
    database.close();
  }
}

describe('the embedded database through SIGKILL', () => {
  let dataDir: string;

  beforeAll(async () => {
    // The test runs the gateway as `npm start` does: from the compiled build.
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { maxBuffer: 16 * 1024 * 1024 });
  }, 300_000);

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'kda-crash-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('every acknowledged write survives SIGKILL under concurrent writes, three times over', async () => {
    const acknowledged: string[] = [];
    for (let round = 1; round <= 3; round += 1) {
      const started = startGateway(dataDir);
      const gateway = await started.ready;
      // Before this round writes anything: what earlier rounds acknowledged is all there.
      const present = new Set(workspaceNamesIn(path.join(dataDir, 'kda.sqlite')));
      expect(acknowledged.filter((name) => !present.has(name))).toEqual([]);
      // The demo teams were seeded once, not again after a crash.
      expect([...present].filter((name) => name === 'Cloud Team')).toEqual(['Cloud Team']);

      const killAfter = acknowledged.length + 20 + round * 5;
      let killed = false;
      const writer = async (worker: number) => {
        for (let index = 0; !killed; index += 1) {
          const name = `crash-${round}-${worker}-${index}`;
          const ok = await createWorkspace(gateway.graphqlUrl, name).catch(() => false);
          if (!ok) continue;
          acknowledged.push(name);
          if (!killed && acknowledged.length >= killAfter) {
            killed = true;
            gateway.process.kill('SIGKILL');
          }
        }
      };
      await Promise.all([0, 1, 2, 3].map(writer));
      expect((await gateway.exited).signal).toBe('SIGKILL');
    }

    const last = startGateway(dataDir);
    await last.ready;
    const present = new Set(workspaceNamesIn(path.join(dataDir, 'kda.sqlite')));
    expect(acknowledged.length).toBeGreaterThanOrEqual(75);
    expect(acknowledged.filter((name) => !present.has(name))).toEqual([]);
    last.child.kill('SIGTERM');
    expect((await last.exited).code).toBe(0);
    // Private to the user that runs the gateway: it holds sealed secrets and token hashes.
    expect((await stat(path.join(dataDir, 'kda.sqlite'))).mode & 0o777).toBe(0o600);
  });

  test('a file that is not a database stops the start and is left untouched', async () => {
    const file = path.join(dataDir, 'kda.sqlite');
    await writeFile(file, 'these are not the bytes of a SQLite database\n'.repeat(200));
    const before = await readFile(file);
    const started = startGateway(dataDir);
    const exit = await started.exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(`The embedded database ${file} cannot be read (not a SQLite database)`);
    expect(exit.stderr).toContain('left untouched');
    expect(exit.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect((await readFile(file)).equals(before)).toBe(true);
  });

  test('a torn database (a damaged page) stops the start and is left untouched', async () => {
    const file = path.join(dataDir, 'kda.sqlite');
    const first = startGateway(dataDir);
    await first.ready;
    first.child.kill('SIGTERM');
    expect(await first.exited).toMatchObject({ code: 0 });
    // Everything in the main file (no write-ahead log left), then garbage over pages in its middle.
    const checkpointed = new DatabaseSync(file);
    checkpointed.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    checkpointed.close();
    await rm(`${file}-wal`, { force: true });
    await rm(`${file}-shm`, { force: true });
    const size = (await stat(file)).size;
    const handle = await open(file, 'r+');
    await handle.write(randomBytes(8192), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    await handle.close();
    const before = await readFile(file);

    const second = startGateway(dataDir);
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(`The embedded database ${file} cannot be read`);
    expect((await readFile(file)).equals(before)).toBe(true);
  });
});
