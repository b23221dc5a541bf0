/**
 * The build Job as a real cluster gets it: the source init container and the kaniko builder, their
 * environment, and — run here with sh and git on a local repository, kaniko replaced by a stub that
 * records its arguments — which Dockerfile each kind of build hands to kaniko. Hostile values show
 * that nothing a user gives reaches the scripts' text or runs as a command.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { V1Container } from '@kubernetes/client-node';
import type { BuildJobSpec } from '../../domains/builds/ports.js';
import { presetDockerfile } from '../../domains/builds/preset-dockerfiles.js';
import { BUILD_STEPS } from '../../domains/builds/validation.js';
import { buildJobManifest, SOURCE_CONTAINER, SOURCE_IMAGE } from './build-jobs.js';

const run = promisify(execFile);

function spec(overrides: Partial<BuildJobSpec> = {}): BuildJobSpec {
  return {
    runId: 'run-1',
    jobName: 'kda-build-run-1',
    namespace: 'kda-builds-team',
    clusterId: 'c1',
    sourceUrl: 'https://git.example.com/team/app.git',
    ref: 'main',
    preset: 'NODEJS',
    dockerfile: null,
    presetDockerfile: presetDockerfile('NODEJS'),
    buildArgs: [],
    destination: 'registry.example.com/team/app:run-1',
    registryUrl: 'https://registry.example.com',
    credentials: { username: null, password: null },
    steps: BUILD_STEPS,
    ...overrides,
  };
}

function containersOf(jobSpec: BuildJobSpec): { source: V1Container; builder: V1Container } {
  const pod = buildJobManifest(jobSpec).spec?.template.spec;
  const source = pod?.initContainers?.[0];
  const builder = pod?.containers[0];
  if (source === undefined || builder === undefined) throw new Error('the Job has no source or builder container');
  return { source, builder };
}

function envOf(container: V1Container): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((entry) => [entry.name, entry.value ?? '']));
}

const HOSTILE: Partial<BuildJobSpec> = {
  sourceUrl: 'https://git.example.com/$(touch /tmp/pwned)/`id`.git',
  ref: '--upload-pack=touch /tmp/pwned',
  buildArgs: [{ name: 'GREETING', value: 'hello "world" $(touch /tmp/pwned); `id`' }],
  destination: 'registry.example.com/team/app:run-1"; touch /tmp/pwned; "',
};

describe('the build Job', () => {
  it('a language preset build: the source init container fetches, the builder gets the preset Dockerfile by env', () => {
    const { source, builder } = containersOf(spec());
    expect(source).toMatchObject({ name: SOURCE_CONTAINER, image: SOURCE_IMAGE, command: ['/bin/sh', '-c', expect.any(String)] });
    expect(envOf(source)).toEqual({
      KDA_BUILD_SOURCE: 'https://git.example.com/team/app.git',
      KDA_BUILD_REF: 'main',
      GIT_ALLOW_PROTOCOL: 'http:https:git:ssh',
      GIT_TERMINAL_PROMPT: '0',
    });
    const env = envOf(builder);
    expect(env.KDA_BUILD_PRESET).toBe('NODEJS');
    expect(env.KDA_BUILD_PRESET_DOCKERFILE).toBe(presetDockerfile('NODEJS'));
    expect(env).not.toHaveProperty('KDA_BUILD_DOCKERFILE');
    expect(builder.command?.[2]).toContain('--context dir:///workspace --dockerfile "$dockerfile"');
    // Both see the checkout; only the builder sees the registry credentials (none here).
    const pod = buildJobManifest(spec()).spec?.template.spec;
    expect(pod?.volumes).toEqual([
      { name: 'workspace', emptyDir: {} },
      { name: 'kda-build', emptyDir: {} },
    ]);
    expect(source.volumeMounts).toEqual(builder.volumeMounts);
  });

  it("a DOCKERFILE build: the repository's path by env, no preset Dockerfile", () => {
    const env = envOf(containersOf(spec({ preset: 'DOCKERFILE', dockerfile: 'docker/app.Dockerfile', presetDockerfile: null })).builder);
    expect(env.KDA_BUILD_DOCKERFILE).toBe('docker/app.Dockerfile');
    expect(env).not.toHaveProperty('KDA_BUILD_PRESET_DOCKERFILE');
  });

  it('no user value is in either script: the commands are the same whatever the build', () => {
    const plain = containersOf(spec());
    const hostile = containersOf(spec({ ...HOSTILE, preset: 'DOCKERFILE', dockerfile: 'a"; touch /tmp/pwned; "', presetDockerfile: null }));
    expect(hostile.source.command).toEqual(plain.source.command);
    expect(hostile.builder.command).toEqual(plain.builder.command);
    const commands = JSON.stringify([hostile.source.command, hostile.builder.command]);
    expect(commands).not.toMatch(/pwned|git\.example|--upload-pack|GREETING/);
  });
});

/**
 * The two scripts run in sh, in order, as the pod would run them: paths moved under a temporary
 * folder, kaniko replaced by a stub writing its arguments one a line.
 */
describe('the build scripts, run', () => {
  let root: string;
  let canary: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'build-scripts-'));
    canary = path.join(root, 'pwned');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function repository(name: string, files: Record<string, string>): Promise<string> {
    const folder = path.join(root, 'repos', name);
    await mkdir(folder, { recursive: true });
    const git = (...args: string[]) => run('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'init.defaultBranch=main', ...args], { cwd: folder });
    await git('init', '-q');
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(folder, file)), { recursive: true });
      await writeFile(path.join(folder, file), content);
    }
    await git('add', '.');
    await git('commit', '-qm', 'source');
    return `file://${folder}`;
  }

  async function build(name: string, jobSpec: BuildJobSpec): Promise<{ log: string; kaniko: string[] | undefined; dockerfile: string | undefined }> {
    const pod = path.join(root, 'pods', name);
    const executor = path.join(pod, 'executor');
    await mkdir(path.join(pod, 'workspace'), { recursive: true });
    await mkdir(path.join(pod, 'kda-build'), { recursive: true });
    await writeFile(executor, `#!/bin/sh\nprintf '%s\\n' "$@" >"${pod}/kaniko-args"\n`);
    await chmod(executor, 0o755);
    const relocate = (script: string) =>
      script.replaceAll('/kaniko/executor', executor).replaceAll('/workspace', path.join(pod, 'workspace')).replaceAll('/kda-build', path.join(pod, 'kda-build'));
    const { source, builder } = containersOf(jobSpec);
    const shell = async (container: V1Container, extra: Record<string, string> = {}) => {
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pod, ...envOf(container), ...extra };
      try {
        return (await run('sh', ['-c', relocate(container.command?.[2] ?? '')], { env, cwd: pod })).stdout;
      } catch (error) {
        return (error as { stdout?: string }).stdout ?? '';
      }
    };
    // The test repositories are local: git may read file:// here (the Job allows network transports only).
    await shell(source, { GIT_ALLOW_PROTOCOL: 'file' });
    const log = await shell(builder);
    const args = path.join(pod, 'kaniko-args');
    const kaniko = existsSync(args) ? (await readFile(args, 'utf8')).trimEnd().split('\n') : undefined;
    const generated = path.join(pod, 'kda-build', 'Dockerfile');
    return { log, kaniko, dockerfile: existsSync(generated) ? await readFile(generated, 'utf8') : undefined };
  }

  function flag(args: readonly string[] | undefined, name: string): string | undefined {
    const index = args?.indexOf(name) ?? -1;
    return index < 0 ? undefined : args?.[index + 1];
  }

  it('NODEJS without a Dockerfile: the preset Dockerfile, written outside the checkout, is built', async () => {
    const sourceUrl = await repository('node-plain', { 'package.json': '{"name":"app"}' });
    const result = await build('node-plain', spec({ sourceUrl }));
    const lines = result.log.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('[kda] step'))).toEqual(BUILD_STEPS.map((step, index) => `[kda] step ${index + 1}/${BUILD_STEPS.length} ${step}`));
    expect(lines).toEqual(expect.arrayContaining([`Fetching main from ${sourceUrl}`, 'Using build preset NODEJS', 'Dockerfile: generated for preset NODEJS']));
    expect(lines.at(-1)).toBe('[kda] build finished');
    expect(result.dockerfile).toBe(presetDockerfile('NODEJS'));
    expect(flag(result.kaniko, '--context')).toBe(`dir://${path.join(root, 'pods', 'node-plain', 'workspace')}`);
    expect(flag(result.kaniko, '--dockerfile')).toBe(path.join(root, 'pods', 'node-plain', 'kda-build', 'Dockerfile'));
    expect(existsSync(path.join(root, 'pods', 'node-plain', 'workspace', 'package.json'))).toBe(true);
  });

  it("NODEJS with a Dockerfile at its root: the repository's own", async () => {
    const sourceUrl = await repository('node-own', { 'package.json': '{}', Dockerfile: 'FROM scratch\n' });
    const result = await build('node-own', spec({ sourceUrl }));
    expect(result.log).toContain("Dockerfile: the repository's Dockerfile (Dockerfile)");
    expect(result.dockerfile).toBeUndefined();
    expect(flag(result.kaniko, '--dockerfile')).toBe(path.join(root, 'pods', 'node-own', 'workspace', 'Dockerfile'));
  });

  it("DOCKERFILE: the repository's at its path; a missing one fails the prepare step", async () => {
    const sourceUrl = await repository('docker', { 'docker/app.Dockerfile': 'FROM scratch\n' });
    const found = await build('docker', spec({ sourceUrl, preset: 'DOCKERFILE', dockerfile: 'docker/app.Dockerfile', presetDockerfile: null }));
    expect(found.log).toContain("Dockerfile: the repository's Dockerfile (docker/app.Dockerfile)");
    expect(flag(found.kaniko, '--dockerfile')).toBe(path.join(root, 'pods', 'docker', 'workspace', 'docker/app.Dockerfile'));

    const missing = await build('docker-missing', spec({ sourceUrl, preset: 'DOCKERFILE', dockerfile: 'Dockerfile', presetDockerfile: null }));
    expect(missing.log.trimEnd().split('\n').slice(-3)).toEqual([
      '[kda] step 2/6 prepare',
      'Using build preset DOCKERFILE',
      'error: the repository has no Dockerfile at Dockerfile',
    ]);
    expect(missing.kaniko).toBeUndefined();
  });

  it('a ref that cannot be fetched fails the clone step, saying why', async () => {
    const sourceUrl = await repository('no-branch', { 'go.mod': 'module app\n' });
    const result = await build('no-branch', spec({ sourceUrl, ref: 'release/9' }));
    const lines = result.log.trimEnd().split('\n');
    expect(lines[0]).toBe('[kda] step 1/6 clone');
    expect(lines.at(-1)).toBe(`error: cannot fetch release/9 from ${sourceUrl}`);
    expect(lines.some((line) => line.startsWith('[kda] step 2/'))).toBe(false);
    expect(result.kaniko).toBeUndefined();
  });

  it('hostile values stay values: nothing runs, build arguments reach kaniko as single words', async () => {
    const sourceUrl = await repository('hostile', { 'package.json': '{}' });
    const args = [
      { name: 'GREETING', value: `hello "world" $(touch ${canary}); \`touch ${canary}\`` },
      { name: 'EMPTY', value: '' },
    ];
    const fine = await build('hostile-args', spec({ sourceUrl, buildArgs: args, destination: `registry.example.com/team/app:run-1"; touch ${canary}; "` }));
    expect(fine.kaniko?.filter((_, index, all) => all[index - 1] === '--build-arg')).toEqual(args.map((arg) => `${arg.name}=${arg.value}`));
    expect(flag(fine.kaniko, '--destination')).toBe(`registry.example.com/team/app:run-1"; touch ${canary}; "`);

    const optionRef = await build('hostile-ref', spec({ sourceUrl, ref: `--upload-pack=touch ${canary}` }));
    expect(optionRef.log).toMatch(/error: cannot fetch --upload-pack=/);
    const commandUrl = await build('hostile-url', spec({ sourceUrl: `${sourceUrl}$(touch ${canary})` }));
    expect(commandUrl.log).toMatch(/error: cannot fetch main from/);
    const pathOut = await build('hostile-path', spec({ sourceUrl, preset: 'DOCKERFILE', dockerfile: `x"; touch ${canary}; "`, presetDockerfile: null }));
    expect(pathOut.kaniko).toBeUndefined();
    expect(existsSync(canary)).toBe(false);
  });
});
