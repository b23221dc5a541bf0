import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { MARIADB_URL } from './services.js';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

async function withServerConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
  const server = new URL(MARIADB_URL);
  const connection = await createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username || 'root'),
    password: decodeURIComponent(server.password),
  });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** A fresh database per test file, so files can run in parallel workers without sharing tables. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `kda_test_${randomBytes(6).toString('hex')}`;
  await withServerConnection((connection) => connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
  const url = new URL(MARIADB_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withServerConnection((connection) => connection.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}
