import { In, LessThan, MoreThanOrEqual, Not, type DataSource } from 'typeorm';
import type { BuildLogStore, BuildRunStore, BuildStore, RegistryStore } from '../../domains/builds/ports.js';
import type { BuildRecord, BuildRunRecord, RegistryRecord, BuildLogLineRecord } from '../../domains/builds/records.js';
import { BuildEntity, BuildLogLineEntity, BuildRunEntity, RegistryEntity, WorkspaceRegistryEntity } from './build-entities.js';
import { isUniqueViolation } from './unique-violation.js';
import { keysetWindow } from './keyset-window.js';
import { workspaceIdScope, workspaceScope } from './tenant-scope.js';

const UNFINISHED = ['PENDING', 'RUNNING'];
/** Rows per INSERT: MySQL's placeholder limit is far away, this keeps statements small. */
const LOG_INSERT_CHUNK = 200;

export interface BuildStores {
  readonly registries: RegistryStore;
  readonly builds: BuildStore;
  readonly runs: BuildRunStore;
  readonly logs: BuildLogStore;
}

function strip<T extends object>(row: T & { workspace?: unknown; registry?: unknown; build?: unknown; run?: unknown }): T {
  const { workspace: _w, registry: _r, build: _b, run: _run, ...rest } = row;
  return rest as T;
}

export function createBuildStores(dataSource: DataSource): BuildStores {
  const registries = dataSource.getRepository(RegistryEntity);
  const allotments = dataSource.getRepository(WorkspaceRegistryEntity);
  const builds = dataSource.getRepository(BuildEntity);
  const runs = dataSource.getRepository(BuildRunEntity);
  const lines = dataSource.getRepository(BuildLogLineEntity);

  const registryStore: RegistryStore = {
    list: () => registries.find({ order: { name: 'ASC' } }),
    findById: (id) => registries.findOneBy({ id }),
    findByIds: async (ids) => (ids.length === 0 ? [] : registries.findBy({ id: In([...ids]) })),
    insert: async (record: RegistryRecord) => {
      try {
        await registries.insert(record);
        return 'inserted';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate-name';
        throw error;
      }
    },
    updateUrl: async (id, url) => {
      await registries.update({ id }, { url });
    },
    allot: async (workspaceId, registryId, project) => {
      try {
        const existing = await allotments.findOneBy({ workspaceId, registryId });
        if (existing === null) await allotments.insert({ workspaceId, registryId, project, createdAt: new Date() });
        else if (existing.project !== project) await allotments.update({ workspaceId, registryId }, { project });
        return 'allotted';
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Another workspace holds the project, or a concurrent allotment of this same pair got in first.
        return (await allotments.findOneBy({ registryId, project }))?.workspaceId === workspaceId ? 'allotted' : 'project-taken';
      }
    },
    projectOf: async (workspaceId, registryId) => (await allotments.findOneBy({ workspaceId, registryId }))?.project ?? null,
    allotmentsOf: async (registryId) => (await allotments.findBy({ registryId })).map(({ workspaceId, project }) => ({ workspaceId, project })),
    listByWorkspaces: async (workspaceIds) => {
      const byWorkspace = new Map<string, RegistryRecord[]>();
      if (workspaceIds.length === 0) return byWorkspace;
      const rows = await allotments.findBy({ workspaceId: In([...workspaceIds]) });
      if (rows.length === 0) return byWorkspace;
      const found = new Map((await registries.findBy({ id: In([...new Set(rows.map((row) => row.registryId))]) })).map((record) => [record.id, record]));
      for (const row of rows) {
        const record = found.get(row.registryId);
        if (record !== undefined) byWorkspace.set(row.workspaceId, [...(byWorkspace.get(row.workspaceId) ?? []), record]);
      }
      return byWorkspace;
    },
  };

  const buildStore: BuildStore = {
    findById: async (id) => {
      const row = await builds.findOneBy({ id });
      return row === null ? null : strip<BuildRecord>(row);
    },
    findByIds: async (ids) => (ids.length === 0 ? [] : (await builds.findBy({ id: In([...ids]) })).map((row) => strip<BuildRecord>(row))),
    listByWorkspace: async (workspaceId) =>
      (await builds.find({ where: { workspaceId: workspaceIdScope('builds', workspaceId) }, order: { name: 'ASC' } })).map((row) => strip<BuildRecord>(row)),
    listByWorkspaces: async (workspaceIds) =>
      workspaceScope('builds', workspaceIds).length === 0
        ? []
        : (await builds.find({ where: { workspaceId: In([...workspaceIds]) }, order: { name: 'ASC' } })).map((row) => strip<BuildRecord>(row)),
    insert: async (record) => {
      try {
        await builds.insert(record);
        return 'inserted';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate-name';
        throw error;
      }
    },
  };

  const runStore: BuildRunStore = {
    findById: async (id) => {
      const row = await runs.findOneBy({ id });
      return row === null ? null : strip<BuildRunRecord>(row);
    },
    findByIds: async (ids) => (ids.length === 0 ? [] : (await runs.findBy({ id: In([...ids]) })).map((row) => strip<BuildRunRecord>(row))),
    runsOfBuilds: async (buildIds) => {
      if (buildIds.length === 0) return new Map();
      const rows = await runs
        .createQueryBuilder('run')
        .where('run.build_id IN (:...ids)', { ids: [...buildIds] })
        .orderBy('run.number', 'DESC')
        .getMany();
      const byBuild = new Map<string, BuildRunRecord[]>();
      for (const row of rows) byBuild.set(row.buildId, [...(byBuild.get(row.buildId) ?? []), strip<BuildRunRecord>(row)]);
      return byBuild;
    },
    lastRuns: async (buildIds) => {
      if (buildIds.length === 0) return new Map();
      // One statement: each build's highest number, joined back to its row.
      const rows = await runs
        .createQueryBuilder('run')
        .innerJoin(
          (query) =>
            query
              .select('latest.build_id', 'build_id')
              .addSelect('MAX(latest.number)', 'number')
              .from('build_runs', 'latest')
              .where('latest.build_id IN (:...ids)', { ids: [...buildIds] })
              .groupBy('latest.build_id'),
          'newest',
          'newest.build_id = run.build_id AND newest.number = run.number',
        )
        .getMany();
      return new Map(rows.map((row) => [row.buildId, strip<BuildRunRecord>(row)]));
    },
    insertNumbered: async (record) => {
      // Two runs started at once may pick the same number: the unique index refuses one, which tries again.
      for (let attempt = 0; ; attempt += 1) {
        const newest = await runs.findOne({ where: { buildId: record.buildId }, order: { number: 'DESC' }, select: { number: true, id: true } });
        const numbered: BuildRunRecord = { ...record, number: (newest?.number ?? 0) + 1 };
        try {
          await runs.insert(numbered);
          return numbered;
        } catch (error) {
          if (!isUniqueViolation(error) || attempt >= 10) throw error;
        }
      }
    },
    update: async (id, changes) => {
      await runs.update({ id }, changes);
      const row = await runs.findOneBy({ id });
      return row === null ? null : strip<BuildRunRecord>(row);
    },
    delete: async (id) => {
      await runs.delete({ id });
    },
    listUnfinished: async () => (await runs.findBy({ status: In(UNFINISHED) })).map((row) => strip<BuildRunRecord>(row)),
  };

  const logStore: BuildLogStore = {
    append: async (batch) => {
      for (let index = 0; index < batch.length; index += LOG_INSERT_CHUNK) {
        await lines.insert(batch.slice(index, index + LOG_INSERT_CHUNK).map((line) => ({ ...line })));
      }
    },
    read: async (runId, fromLine, limit) =>
      (await lines.find({ where: { runId, number: MoreThanOrEqual(fromLine) }, order: { number: 'ASC' }, take: limit })).map((row) => strip<BuildLogLineRecord>(row)),
    page: async (runId, fromLine, page) => {
      const window = await keysetWindow(
        () => lines.createQueryBuilder('line').where('line.run_id = :runId', { runId }).andWhere('line.number >= :fromLine', { fromLine }),
        'line.number',
        false,
        page,
      );
      return { ...window, rows: window.rows.map((row) => strip<BuildLogLineRecord>(row)) };
    },
    lastNumber: async (runId) => (await lines.findOne({ where: { runId }, order: { number: 'DESC' }, select: { number: true, runId: true } }))?.number ?? 0,
    prune: async (before) => {
      const old = await runs.find({ where: { finishedAt: LessThan(before), status: Not(In(UNFINISHED)) }, select: { id: true } });
      if (old.length === 0) return 0;
      return (await lines.delete({ runId: In(old.map((run) => run.id)) })).affected ?? 0;
    },
  };

  return { registries: registryStore, builds: buildStore, runs: runStore, logs: logStore };
}
