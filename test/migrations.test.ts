import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/infra/db/data-source.js';
import { migrations } from '../migrations/index.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

describe('migrations on MariaDB', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await createDataSource({ kind: 'mysql', url: database.url }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function tables(): Promise<string[]> {
    const rows = (await dataSource.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name')) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  }

  test('run up, then all the way down, then up again', async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.map((migration) => migration.name)).toEqual(migrations.map((migration) => migration.name));
    expect(await tables()).toEqual(expect.arrayContaining(['clusters', 'migrations']));
    expect(await dataSource.showMigrations()).toBe(false);

    for (let index = 0; index < migrations.length; index += 1) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual(['migrations']);

    await dataSource.runMigrations({ transaction: 'each' });
    expect(await tables()).toEqual(expect.arrayContaining(['clusters']));
  });

  test('the entity mapping agrees with the migrated tables', async () => {
    // Schema sync would emit statements if the entities and the migrations disagreed.
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });
});

describe('migrations on the embedded database (SQLite)', () => {
  test('run up and down', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'kda-migrations-'));
    const dataSource = await createDataSource({ kind: 'embedded', file: path.join(folder, 'kda.sqlite') }).initialize();
    try {
      expect((await dataSource.runMigrations()).length).toBe(migrations.length);
      await dataSource.query(`INSERT INTO clusters (id, name, provider, region, kubeconfig_encrypted, status) VALUES ('1', 'a', 'GKE', 'Tokyo', 'x', 'RUNNING')`);
      for (let index = 0; index < migrations.length; index += 1) await dataSource.undoLastMigration();
      const rows = (await dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'clusters'`)) as unknown[];
      expect(rows).toEqual([]);
    } finally {
      await dataSource.destroy();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
