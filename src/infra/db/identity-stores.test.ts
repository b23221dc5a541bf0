import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { ApiTokenRecord, UserRecord } from '../../domains/identity/records.js';
import { createTestDatabase } from '../../../test/support/database.js';
import { createApiTokenStore } from './api-token-store.js';
import { createDataSource } from './data-source.js';
import { createUserStore } from './user-store.js';

interface OpenedDatabase {
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

async function openEmbedded(): Promise<OpenedDatabase> {
  const folder = await mkdtemp(path.join(tmpdir(), 'kda-identity-'));
  const dataSource = await createDataSource({ kind: 'embedded', file: path.join(folder, 'kda.sqlite') }).initialize();
  await dataSource.runMigrations();
  return {
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function openMariadb(): Promise<OpenedDatabase> {
  const database = await createTestDatabase();
  const dataSource = await createDataSource({ kind: 'mysql', url: database.url }).initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}

const user = (email: string): UserRecord => ({
  id: randomUUID(),
  name: 'Ada',
  email,
  systemRole: 'USER',
  createdAt: new Date('2030-01-01T00:00:00.123Z'),
  updatedAt: new Date('2030-01-01T00:00:00.123Z'),
});

describe.each([
  ['the embedded database (SQLite)', openEmbedded],
  ['MariaDB', openMariadb],
])('identity stores on %s', (_name, open) => {
  let opened: OpenedDatabase;

  beforeAll(async () => {
    opened = await open();
  });

  afterAll(async () => {
    await opened?.close();
  });

  test('users: insert, find, and a duplicate email refused by the unique index', async () => {
    const users = createUserStore(opened.dataSource);
    const ada = user('ada@example.com');
    expect(await users.insert(ada)).toBe('inserted');
    expect(await users.insert(user('ada@example.com'))).toBe('duplicate-email');
    expect(await users.findByEmail('ada@example.com')).toMatchObject({ id: ada.id, systemRole: 'USER' });
    expect((await users.findByIds([ada.id, 'missing'])).map((found) => found.id)).toEqual([ada.id]);
  });

  test('tokens: scopes and instants round-trip; last use and revocation are recorded; the first revocation stays', async () => {
    const owner = user('owner@example.com');
    await createUserStore(opened.dataSource).insert(owner);
    const tokens = createApiTokenStore(opened.dataSource);
    const token: ApiTokenRecord = {
      id: randomUUID(),
      userId: owner.id,
      name: 'ci',
      tokenHash: 'a'.repeat(64),
      prefix: 'kda_abcdefgh',
      scopes: ['read', 'write'],
      expiresAt: new Date('2031-02-03T04:05:06.789Z'),
      lastUsedAt: null,
      revokedAt: null,
      createdAt: new Date('2030-01-01T00:00:00.000Z'),
    };
    await tokens.insert(token);
    expect(await tokens.findByHash('a'.repeat(64))).toMatchObject({ id: token.id, scopes: ['read', 'write'], expiresAt: token.expiresAt, revokedAt: null });

    const usedAt = new Date('2030-06-01T00:00:00.500Z');
    await tokens.markUsed(token.id, usedAt);
    await tokens.revoke(token.id, new Date('2030-07-01T00:00:00.000Z'));
    await tokens.revoke(token.id, new Date('2030-08-01T00:00:00.000Z'));
    const [listed] = await tokens.listByUserIds([owner.id]);
    expect(listed).toMatchObject({ lastUsedAt: usedAt, revokedAt: new Date('2030-07-01T00:00:00.000Z') });
  });
});
