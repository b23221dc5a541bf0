import mysql from 'mysql2';
import { DataSource, type EntitySchema } from 'typeorm';
import type { DatabaseConfig } from '../../config/config.js';
import { migrations } from '../../../migrations/index.js';
import { ApiTokenEntity } from './api-token-entity.js';
import { ClusterEntity } from './cluster-entity.js';
import { UserEntity } from './user-entity.js';
import { WorkspaceClusterEntity, WorkspaceEntity, WorkspaceMemberEntity, WorkspaceStorageEntity } from './workspace-entities.js';
import { AuditEntryEntity } from './audit-entity.js';
import { AlertEntity, AlertThresholdEntity } from './alert-entities.js';
import { buildEntities } from './build-entities.js';
import { appMapEntities } from './app-map-entities.js';
import { catalogEntities, type DatabaseKind } from './catalog-entities.js';
import { EmbeddedDatabaseUnreadableError, prepareEmbeddedFile } from './embedded-file.js';
import { NodeSqliteDatabase } from './node-sqlite-driver.js';
import { releaseEntities } from './release-entities.js';
import { MetricRollupEntity, MetricSampleEntity } from './metric-entities.js';
import { guardPool } from './pool-guard.js';

const sharedEntities = [
  ClusterEntity,
  UserEntity,
  ApiTokenEntity,
  WorkspaceEntity,
  WorkspaceMemberEntity,
  WorkspaceClusterEntity,
  WorkspaceStorageEntity,
  AuditEntryEntity,
  AlertEntity,
  AlertThresholdEntity,
  ...buildEntities,
  MetricSampleEntity,
  MetricRollupEntity,
];

/** Every table's mapping for one database kind (a few column types differ, see catalog-entities.ts). */
export function entitiesFor(kind: DatabaseKind): EntitySchema[] {
  return [...sharedEntities, ...catalogEntities(kind), ...releaseEntities(kind), ...appMapEntities(kind)];
}

/** Opens the database and brings its schema up to date with the checked-in migrations. */
export async function openDatabase(config: DatabaseConfig): Promise<DataSource> {
  if (config.kind === 'mysql') {
    const dataSource = await createDataSource(config).initialize();
    guardPool(dataSource, { acquireTimeoutMs: config.acquireTimeoutMs ?? DEFAULT_POOL.acquireTimeoutMs });
    return migrated(dataSource);
  }
  await prepareEmbeddedFile(config.file);
  let dataSource: DataSource;
  try {
    dataSource = await createDataSource(config).initialize();
    // Reads every page's structure: a torn or foreign file fails here, before anything is written.
    const [check] = await dataSource.query<Array<{ quick_check?: string }>>('PRAGMA quick_check');
    if (check?.quick_check !== 'ok') throw new Error(check?.quick_check ?? 'integrity check failed');
  } catch (error) {
    if (error instanceof EmbeddedDatabaseUnreadableError) throw error;
    throw new EmbeddedDatabaseUnreadableError(config.file, error instanceof Error ? error.message : String(error));
  }
  return migrated(dataSource);
}

async function migrated(dataSource: DataSource): Promise<DataSource> {
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/** mysql2's pool, bounded: its queue for a connection is unlimited and waits for ever unless told. */
export const DEFAULT_POOL = Object.freeze({ connectionLimit: 10, queueLimit: 1000, acquireTimeoutMs: 10_000 });

/**
 * mysql2 with every pooled connection's session in UTC. Values are sent and read as UTC
 * (`timezone: 'Z'`), but the server's own clock — `CURRENT_TIMESTAMP` defaults and the
 * `updated_at` typeorm sets on update — follows the session's time zone, the server's by default.
 */
const mysqlInUtc = {
  ...mysql,
  createPool: (options: mysql.PoolOptions) => {
    const pool = mysql.createPool(options);
    // Queued on the new connection before anything the pool hands it out for; a failure shows on that next statement.
    pool.on('connection', (connection) => connection.query("SET time_zone = '+00:00'", () => undefined));
    return pool;
  },
};

export function createDataSource(config: DatabaseConfig): DataSource {
  const common = { entities: entitiesFor(config.kind), migrations, migrationsRun: false, synchronize: false, logging: false } as const;
  if (config.kind === 'mysql') {
    // typeorm reads MariaDB's catalog differently (e.g. quoted defaults): it must know which it talks to.
    const type = config.url.startsWith('mariadb:') ? 'mariadb' : 'mysql';
    return new DataSource({
      ...common,
      type,
      url: config.url,
      timezone: 'Z',
      charset: 'utf8mb4',
      driver: mysqlInUtc,
      extra: { connectionLimit: config.connectionLimit ?? DEFAULT_POOL.connectionLimit, queueLimit: config.queueLimit ?? DEFAULT_POOL.queueLimit },
    });
  }
  return new DataSource({
    ...common,
    // SQLite itself (node:sqlite) through typeorm's better-sqlite3 driver: journaled, so a commit
    // is durable once acknowledged and costs the same however large the file grows.
    type: 'better-sqlite3',
    driver: NodeSqliteDatabase,
    database: config.file,
    enableWAL: true,
    // FULL: the write-ahead log is synced before a commit returns (survives power loss, not only a crash).
    prepareDatabase: (database: NodeSqliteDatabase) => {
      database.pragma('synchronous = FULL');
    },
  });
}
