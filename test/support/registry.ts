/**
 * A real image registry for tests: Debian's `docker-registry` (distribution 2.8) on a free loopback
 * port with a temporary storage directory, optionally behind htpasswd Basic auth (the registry
 * provisions the htpasswd file itself and logs the generated password, which is read here).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from './wait.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface TestRegistry {
  /** http://127.0.0.1:port */
  readonly url: string;
  /** Set when started with auth. */
  readonly username: string | undefined;
  readonly password: string | undefined;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startTestRegistry(options: { readonly auth?: boolean } = {}): Promise<TestRegistry> {
  try {
    await access(REGISTRY_BINARY);
  } catch {
    throw new Error('docker-registry is not installed: apt-get install -y docker-registry');
  }
  const directory = await mkdtemp(path.join(tmpdir(), 'kda-registry-'));
  const port = await freePort();
  const config = [
    'version: 0.1',
    'log:',
    '  level: info',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(directory, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(options.auth ? ['auth:', '  htpasswd:', '    realm: kda-test', `    path: ${path.join(directory, 'htpasswd')}`] : []),
  ].join('\n');
  const configFile = path.join(directory, 'config.yml');
  await writeFile(configFile, `${config}\n`);
  const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await waitFor(`docker-registry to listen on ${url}`, async () => {
      if (child.exitCode !== null) throw new Error(`docker-registry exited: ${output.slice(-500)}`);
      const response = await fetch(`${url}/v2/`).catch(() => undefined);
      await response?.body?.cancel();
      return response !== undefined && (response.status === 200 || response.status === 401);
    });
    if (!options.auth) return { url, username: undefined, password: undefined, stop };
    const provisioned = await waitFor('the provisioned htpasswd password', () => {
      const match = /htpasswd is missing, provisioning with default user.*?password=(\S+).*?user=(\S+)/.exec(output);
      return match?.[1] !== undefined && match[2] !== undefined ? { password: match[1], username: match[2] } : undefined;
    });
    return { url, username: provisioned.username, password: provisioned.password, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
