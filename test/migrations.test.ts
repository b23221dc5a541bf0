import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/infra/db/data-source.js';
import { migrations } from '../migrations/index.js';
import { AddWorkspaceSlugsAndRegistryProjects1764238200000 } from '../migrations/1764238200000-AddWorkspaceSlugsAndRegistryProjects.js';
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
    const rows = await dataSource.query<Array<{ name: string }>>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name');
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

  test("slugs and registry projects for what was there before: made from the names, unique, allotments under their workspace's slug", async () => {
    await dataSource.runMigrations({ transaction: 'each' });
    for (let index = 0; index < MIGRATIONS_FROM_SLUGS; index += 1) await dataSource.undoLastMigration({ transaction: 'each' });
    await seedBeforeSlugs(dataSource);
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await dataSource.query('SELECT id, slug FROM workspaces ORDER BY id')).toEqual(SLUGS_AFTER);
    expect(await dataSource.query('SELECT workspace_id, project FROM workspace_registries ORDER BY workspace_id')).toEqual([{ workspace_id: 'w1', project: 'cloud-team' }]);
    // The slug is unique from now on.
    await expect(dataSource.query(`INSERT INTO workspaces (id, name, slug) VALUES ('w9', 'Other', 'cloud-team')`)).rejects.toThrow(/Duplicate/);
  });

  test('the entity mapping agrees with the migrated tables', async () => {
    // Schema sync would emit statements if the entities and the migrations disagreed.
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });
});

/** The slug migration and every one after it: undone, they leave a database from before slugs. */
const MIGRATIONS_FROM_SLUGS = migrations.length - migrations.indexOf(AddWorkspaceSlugsAndRegistryProjects1764238200000);

/** Rows as a database from before slugs holds them: two names that make the same slug, one that makes none. */
async function seedBeforeSlugs(dataSource: DataSource): Promise<void> {
  await dataSource.query(`INSERT INTO users (id, name, email, system_role) VALUES ('u1', 'Minsu', 'minsu@example.com', 'USER')`);
  await dataSource.query(
    `INSERT INTO workspaces (id, name, created_at) VALUES ('w1', 'Cloud Team', '2025-01-01 00:00:00'), ('w2', 'cloud  team!', '2025-01-02 00:00:00'), ('w3', '클라우드 팀', '2025-01-03 00:00:00')`,
  );
  await dataSource.query(`INSERT INTO workspace_members (workspace_id, user_id, role) VALUES ('w1', 'u1', 'MANAGER')`);
  await dataSource.query(`INSERT INTO registries (id, name, url, kind, created_at) VALUES ('r1', 'platform', 'http://127.0.0.1:5000', 'BUILTIN', '2025-01-01 00:00:00')`);
  await dataSource.query(`INSERT INTO workspace_registries (workspace_id, registry_id, created_at) VALUES ('w1', 'r1', '2025-01-01 00:00:00')`);
}

const SLUGS_AFTER = [
  { id: 'w1', slug: 'cloud-team' },
  { id: 'w2', slug: 'cloud-team-w2' },
  { id: 'w3', slug: 'ws-w3' },
];

describe('migrations on the embedded database (SQLite)', () => {
  test('slugs for what was there before, and nothing that hung on the rebuilt tables is lost', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'kda-migrations-'));
    const dataSource = await createDataSource({ kind: 'embedded', file: path.join(folder, 'kda.sqlite') }).initialize();
    try {
      await dataSource.runMigrations();
      for (let index = 0; index < MIGRATIONS_FROM_SLUGS; index += 1) await dataSource.undoLastMigration();
      await seedBeforeSlugs(dataSource);
      await dataSource.runMigrations();
      expect(await dataSource.query('SELECT id, slug FROM workspaces ORDER BY id')).toEqual(SLUGS_AFTER);
      // SQLite rebuilds a table to change a column: its members and allotments (ON DELETE CASCADE) stay.
      expect(await dataSource.query('SELECT workspace_id, user_id FROM workspace_members')).toEqual([{ workspace_id: 'w1', user_id: 'u1' }]);
      expect(await dataSource.query('SELECT workspace_id, project FROM workspace_registries')).toEqual([{ workspace_id: 'w1', project: 'cloud-team' }]);
      await expect(dataSource.query(`INSERT INTO workspaces (id, name, slug) VALUES ('w9', 'Other', 'cloud-team')`)).rejects.toThrow(/UNIQUE/);
    } finally {
      await dataSource.destroy();
      await rm(folder, { recursive: true, force: true });
    }
  });

  test('run up and down', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'kda-migrations-'));
    const dataSource = await createDataSource({ kind: 'embedded', file: path.join(folder, 'kda.sqlite') }).initialize();
    try {
      expect((await dataSource.runMigrations()).length).toBe(migrations.length);
      await dataSource.query(`INSERT INTO clusters (id, name, provider, region, kubeconfig_encrypted, status) VALUES ('1', 'a', 'GKE', 'Tokyo', 'x', 'RUNNING')`);
      for (let index = 0; index < migrations.length; index += 1) await dataSource.undoLastMigration();
      const rows = await dataSource.query<unknown[]>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'clusters'`);
      expect(rows).toEqual([]);
    } finally {
      await dataSource.destroy();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
