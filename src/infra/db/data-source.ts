import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../config/config.js';
import { migrations } from '../../../migrations/index.js';
import { ApiTokenEntity } from './api-token-entity.js';
import { ClusterEntity } from './cluster-entity.js';
import { UserEntity } from './user-entity.js';
import { WorkspaceClusterEntity, WorkspaceEntity, WorkspaceMemberEntity, WorkspaceStorageEntity } from './workspace-entities.js';
import { AuditEntryEntity } from './audit-entity.js';
import { buildEntities } from './build-entities.js';

export const entities = [ClusterEntity, UserEntity, ApiTokenEntity, WorkspaceEntity, WorkspaceMemberEntity, WorkspaceClusterEntity, WorkspaceStorageEntity, AuditEntryEntity, ...buildEntities];

/** Opens the database and brings its schema up to date with the checked-in migrations. */
export async function openDatabase(config: DatabaseConfig): Promise<DataSource> {
  if (config.kind === 'embedded') await mkdir(path.dirname(config.file), { recursive: true });
  const dataSource = await createDataSource(config).initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

export function createDataSource(config: DatabaseConfig): DataSource {
  const common = { entities, migrations, migrationsRun: false, synchronize: false, logging: false } as const;
  if (config.kind === 'mysql') {
    // typeorm reads MariaDB's catalog differently (e.g. quoted defaults): it must know which it talks to.
    const type = config.url.startsWith('mariadb:') ? 'mariadb' : 'mysql';
    return new DataSource({ ...common, type, url: config.url, timezone: 'Z', charset: 'utf8mb4', ...(config.connectionLimit !== undefined ? { extra: { connectionLimit: config.connectionLimit } } : {}) });
  }
  return new DataSource({
    ...common,
    type: 'sqljs',
    location: config.file,
    autoSave: true,
  });
}
