/**
 * A MariaDB server of a test's own (the machine's binaries), on a free port with its own data
 * directory, so a test can kill and restart it — on the same port and data — without touching the
 * shared server on 3306 that every other test file uses.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection, type Connection } from 'mysql2/promise';
import { freePort } from './private-nats-server.js';
import type { TestDatabase } from './database.js';

const MARIADBD = process.env['MARIADBD_BINARY'] ?? '/usr/sbin/mariadbd';
const INSTALL_DB = process.env['MARIADB_INSTALL_DB_BINARY'] ?? '/usr/bin/mariadb-install-db';

export interface PrivateMariaDbOptions {
  /** `--default-time-zone`, e.g. `+05:30`: the server's clock and every session's default. */
  readonly defaultTimeZone?: string;
}

export class PrivateMariaDb {
  private process: ChildProcess | undefined;

  private constructor(
    private readonly port: number,
    private readonly directory: string,
    private readonly options: PrivateMariaDbOptions,
  ) {}

  /** Creates a data directory (root without password) and starts the server on it. */
  static async start(options: PrivateMariaDbOptions = {}): Promise<PrivateMariaDb> {
    const directory = await mkdtemp(join(tmpdir(), `kda-mariadb-${randomBytes(3).toString('hex')}-`));
    await promisify(execFile)(INSTALL_DB, ['--no-defaults', `--datadir=${join(directory, 'data')}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--user=root']);
    const server = new PrivateMariaDb(await freePort(), directory, options);
    await server.start();
    return server;
  }

  /** Root's URL for a database of this server. */
  urlOf(database: string): string {
    return `mariadb://root@127.0.0.1:${this.port}/${database}`;
  }

  /** A fresh database on this server, shaped like the shared server's (test/support/database.ts). */
  async createDatabase(): Promise<TestDatabase> {
    const name = `kda_test_${randomBytes(6).toString('hex')}`;
    await this.withConnection((connection) => connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
    return { url: this.urlOf(name), name, drop: async () => undefined };
  }

  /** A connection of the test's own, e.g. to hold a lock or look at what was written. */
  connect(database?: string): Promise<Connection> {
    return createConnection({ host: '127.0.0.1', port: this.port, user: 'root', ...(database !== undefined ? { database } : {}), timezone: 'Z' });
  }

  async withConnection<T>(work: (connection: Connection) => Promise<T>, database?: string): Promise<T> {
    const connection = await this.connect(database);
    try {
      return await work(connection);
    } finally {
      await connection.end();
    }
  }

  /** Resolves once the server answers a query. */
  async start(): Promise<void> {
    const child = spawn(
      MARIADBD,
      [
        '--no-defaults',
        `--datadir=${join(this.directory, 'data')}`,
        `--socket=${join(this.directory, 'mysqld.sock')}`,
        `--pid-file=${join(this.directory, 'mysqld.pid')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        '--user=root',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
        '--innodb-log-file-size=16M',
        ...(this.options.defaultTimeZone !== undefined ? [`--default-time-zone=${this.options.defaultTimeZone}`] : []),
      ],
      { stdio: 'ignore' },
    );
    this.process = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mariadbd exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('mariadbd did not start');
      try {
        await this.withConnection((connection) => connection.query('SELECT 1'));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** SIGKILL, as a crash or an OOM kill would: no clean shutdown; resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the server and deletes its data. */
  async destroy(): Promise<void> {
    await this.kill();
    await rm(this.directory, { recursive: true, force: true });
  }
}
