import { EntitySchema, type ValueTransformer } from 'typeorm';
import type { BuildLogLineRecord, BuildRecord, BuildRunRecord, RegistryRecord } from '../../domains/builds/records.js';

/** Parents declared only so the schema knows the foreign keys; the domain uses the id columns. */
type WithParents<T> = T & { workspace?: unknown; registry?: unknown; build?: unknown; run?: unknown };

export interface WorkspaceRegistryRow {
  workspaceId: string;
  registryId: string;
  /** The first path component of the repositories the workspace owns in the registry. */
  project: string;
  createdAt: Date;
}

/** MySQL hands BIGINT over as a string; image sizes fit a double exactly. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (stored: string | number | null) => (stored === null ? null : Number(stored)),
};

const time = (name: string, nullable = false) => ({ name, type: 'datetime' as const, precision: 6, nullable });
const cascade = 'CASCADE' as const;

export const RegistryEntity = new EntitySchema<RegistryRecord>({
  name: 'Registry',
  tableName: 'registries',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    name: { type: 'varchar', length: 63 },
    url: { type: 'varchar', length: 500 },
    kind: { type: 'varchar', length: 16 },
    username: { type: 'varchar', length: 255, nullable: true },
    sealedPassword: { name: 'sealed_password', type: 'text', nullable: true },
    createdAt: time('created_at'),
  },
  uniques: [{ name: 'UQ_registries_name', columns: ['name'] }],
});

export const WorkspaceRegistryEntity = new EntitySchema<WithParents<WorkspaceRegistryRow>>({
  name: 'WorkspaceRegistry',
  tableName: 'workspace_registries',
  columns: {
    workspaceId: { name: 'workspace_id', type: 'varchar', length: 36, primary: true },
    registryId: { name: 'registry_id', type: 'varchar', length: 36, primary: true },
    project: { type: 'varchar', length: 63 },
    createdAt: time('created_at'),
  },
  relations: {
    workspace: {
      type: 'many-to-one',
      target: 'Workspace',
      joinColumn: { name: 'workspace_id', foreignKeyConstraintName: 'FK_workspace_registries_workspace_id' },
      onDelete: cascade,
    },
    registry: { type: 'many-to-one', target: 'Registry', joinColumn: { name: 'registry_id', foreignKeyConstraintName: 'FK_workspace_registries_registry_id' }, onDelete: cascade },
  },
  indices: [
    { name: 'IDX_workspace_registries_registry_id', columns: ['registryId'] },
    // One workspace per project of a registry: the index is what keeps two allotments from racing to one.
    { name: 'UQ_workspace_registries_registry_id_project', columns: ['registryId', 'project'], unique: true },
  ],
});

export const BuildEntity = new EntitySchema<WithParents<BuildRecord>>({
  name: 'Build',
  tableName: 'builds',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    workspaceId: { name: 'workspace_id', type: 'varchar', length: 36 },
    name: { type: 'varchar', length: 63 },
    sourceUrl: { name: 'source_url', type: 'varchar', length: 1000 },
    ref: { type: 'varchar', length: 255 },
    preset: { type: 'varchar', length: 16 },
    dockerfile: { type: 'varchar', length: 500, nullable: true },
    buildArgs: { name: 'build_args', type: 'simple-json', nullable: true },
    imageRepository: { name: 'image_repository', type: 'varchar', length: 255 },
    registryId: { name: 'registry_id', type: 'varchar', length: 36 },
    clusterId: { name: 'cluster_id', type: 'varchar', length: 36 },
    createdAt: time('created_at'),
  },
  relations: {
    workspace: { type: 'many-to-one', target: 'Workspace', joinColumn: { name: 'workspace_id', foreignKeyConstraintName: 'FK_builds_workspace_id' }, onDelete: cascade },
  },
  uniques: [{ name: 'UQ_builds_workspace_id_name', columns: ['workspaceId', 'name'] }],
});

export const BuildRunEntity = new EntitySchema<WithParents<BuildRunRecord>>({
  name: 'BuildRun',
  tableName: 'build_runs',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    buildId: { name: 'build_id', type: 'varchar', length: 36 },
    workspaceId: { name: 'workspace_id', type: 'varchar', length: 36 },
    number: { type: 'int' },
    status: { type: 'varchar', length: 16 },
    stepsTotal: { name: 'steps_total', type: 'int' },
    stepsDone: { name: 'steps_done', type: 'int' },
    failedStep: { name: 'failed_step', type: 'int', nullable: true },
    image: { type: 'varchar', length: 600 },
    imageDigest: { name: 'image_digest', type: 'varchar', length: 100, nullable: true },
    imageSizeBytes: { name: 'image_size_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber },
    clusterId: { name: 'cluster_id', type: 'varchar', length: 36 },
    namespace: { type: 'varchar', length: 63 },
    jobName: { name: 'job_name', type: 'varchar', length: 63 },
    message: { type: 'varchar', length: 1000, nullable: true },
    createdAt: time('created_at'),
    startedAt: time('started_at', true),
    finishedAt: time('finished_at', true),
  },
  relations: {
    build: { type: 'many-to-one', target: 'Build', joinColumn: { name: 'build_id', foreignKeyConstraintName: 'FK_build_runs_build_id' }, onDelete: cascade },
  },
  uniques: [{ name: 'UQ_build_runs_build_id_number', columns: ['buildId', 'number'] }],
  indices: [{ name: 'IDX_build_runs_status', columns: ['status'] }],
});

export const BuildLogLineEntity = new EntitySchema<WithParents<BuildLogLineRecord>>({
  name: 'BuildLogLine',
  tableName: 'build_log_lines',
  columns: {
    runId: { name: 'run_id', type: 'varchar', length: 36, primary: true },
    number: { type: 'int', primary: true },
    step: { type: 'int' },
    text: { type: 'text' },
    at: time('at'),
  },
  relations: {
    run: { type: 'many-to-one', target: 'BuildRun', joinColumn: { name: 'run_id', foreignKeyConstraintName: 'FK_build_log_lines_run_id' }, onDelete: cascade },
  },
});

export const buildEntities = [RegistryEntity, WorkspaceRegistryEntity, BuildEntity, BuildRunEntity, BuildLogLineEntity];
