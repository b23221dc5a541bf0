import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * The production build in a directory of its own (not dist/, which other tests build too), inside
 * node_modules so the build finds the packages as dist/ does.
 */
export async function buildGateway(): Promise<{ readonly mainUrl: string; remove(): Promise<void> }> {
  const outDir = path.join(root, 'node_modules', '.cache', `kda-gateway-build-${randomBytes(4).toString('hex')}`);
  await promisify(execFile)(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  return { mainUrl: pathToFileURL(path.join(outDir, 'src', 'main.js')).href, remove: () => rm(outDir, { recursive: true, force: true }) };
}

export interface GatewayProcess {
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port>/graphql once it is up. */
  readonly graphqlUrl: string;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines it logged (stderr), for failure messages. */
  logTail(): string;
  kill(signal: NodeJS.Signals): void;
}

/**
 * `node <build>/src/main.js` with `env`, as a production replica runs, on a random loopback port.
 * It kills itself when this process goes away (its stdin closes), so a crashed test leaves no replica.
 */
export async function startGatewayProcess(mainUrl: string, env: NodeJS.ProcessEnv): Promise<GatewayProcess> {
  const orphanGuard = `process.stdin.resume(); process.stdin.on('end', () => process.kill(process.pid, 'SIGKILL')); await import(${JSON.stringify(mainUrl)});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', orphanGuard], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const graphqlUrl = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const url = /open (http:\/\/\S+\/graphql)/.exec(stdout)?.[1];
      if (url !== undefined) resolve(url);
    });
    void exited.then(({ code, signal }) => reject(new Error(`the gateway exited before it was up (code ${code}, signal ${signal}): ${stderr}`)));
  });
  return {
    child,
    graphqlUrl,
    url: graphqlUrl.replace(/\/graphql$/, ''),
    exited,
    logTail: () => stderr,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
