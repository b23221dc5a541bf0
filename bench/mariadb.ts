/**
 * A database of its own on the MariaDB server (BENCH_DATABASE_URL, default the local one), for the
 * scenarios that need MySQL: statement counts, and replicas that share one database.
 */
import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';

export const MARIADB_URL = process.env.BENCH_DATABASE_URL ?? 'mariadb://root@127.0.0.1:3306/test';

export interface BenchDatabase {
  /** mariadb://…/<name>, as DATABASE_URL. */
  readonly url: string;
  /** A connection of the benchmark's own to it (seeding). */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

function serverOptions() {
  const server = new URL(MARIADB_URL);
  return { host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username || 'root'), password: decodeURIComponent(server.password) };
}

/** True when the MariaDB server answers (the scenarios that need it are skipped otherwise). */
export async function mariadbReachable(): Promise<boolean> {
  try {
    const connection = await createConnection({ ...serverOptions(), connectTimeout: 1_000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

export async function createBenchDatabase(prefix: string): Promise<BenchDatabase> {
  const name = `kda_bench_${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection(serverOptions());
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = new URL(MARIADB_URL);
  url.pathname = `/${name}`;
  let seeding: Connection | undefined;
  return {
    url: url.toString(),
    async query<T>(sql: string, params: unknown[] = []) {
      seeding ??= await createConnection({ ...serverOptions(), database: name, timezone: 'Z' });
      return (await seeding.query(sql, params))[0] as T[];
    },
    async drop() {
      await seeding?.end();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}
