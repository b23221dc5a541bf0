/**
 * A nats-server of a test's own (the machine's binary, JetStream on), on a free port with its own
 * store directory, so it can be stopped and started again on the same port and store without
 * touching the shared server other test files use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NATS_SERVER_BINARY = process.env['NATS_SERVER_BINARY'] ?? '/usr/sbin/nats-server';

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

export class PrivateNatsServer {
  private process: ChildProcess | undefined;

  private constructor(
    private readonly port: number,
    private readonly storeDir: string,
  ) {}

  static async start(): Promise<PrivateNatsServer> {
    const server = await PrivateNatsServer.create();
    await server.start();
    return server;
  }

  /** A server with its port and store chosen, not started yet (`start()` it). */
  static async create(): Promise<PrivateNatsServer> {
    const storeDir = await mkdtemp(join(tmpdir(), `kda-nats-${randomBytes(3).toString('hex')}-`));
    return new PrivateNatsServer(await freePort(), storeDir);
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null;
  }

  /** Resolves once the server accepts connections (JetStream may still be recovering its streams). */
  async start(): Promise<void> {
    const child = spawn(NATS_SERVER_BINARY, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], { stdio: 'ignore' });
    this.process = child;
    let ready = false;
    const deadline = Date.now() + 10_000;
    while (!ready) {
      if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('nats-server did not start');
      ready = await acceptsConnections(this.port);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the server (SIGTERM, or SIGKILL for a crash) and resolves once it has exited. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server: its clients stay connected, and what they send waits in its socket. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    if (!this.running) throw new Error('the server is not running');
    this.process?.kill(signal);
  }

  /** Empties the store directory of a stopped server: it starts again as a new one, without streams or buckets. */
  async wipeStore(): Promise<void> {
    if (this.running) throw new Error('stop the server before wiping its store');
    await rm(this.storeDir, { recursive: true, force: true });
    await mkdir(this.storeDir, { recursive: true });
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.storeDir, { recursive: true, force: true });
  }
}
