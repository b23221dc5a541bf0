/**
 * In-memory implementations of this domain's ports for unit tests of the build and registry
 * services: the database's contract (unique names, run numbers per build), no database, no cluster.
 */
import type { BuildPermission, BuildJobs, BuildJobSpec, BuildLogStore, BuildRunStore, BuildStore, PrincipalLike, RegistryStore, WorkspaceGate } from './ports.js';
import type { BuildLogLineRecord, BuildRecord, BuildRunRecord, RegistryRecord } from './records.js';

export function memoryRegistryStore(initial: readonly RegistryRecord[] = []): RegistryStore & { readonly rows: RegistryRecord[] } {
  const rows = [...initial];
  /** `<workspaceId>/<registryId>` → project. */
  const allotted = new Map<string, string>();
  return {
    rows,
    list: async () => [...rows].sort((a, b) => a.name.localeCompare(b.name)),
    findById: async (id) => rows.find((row) => row.id === id) ?? null,
    findByIds: async (ids) => rows.filter((row) => ids.includes(row.id)),
    insert: async (record) => {
      if (rows.some((row) => row.name === record.name)) return 'duplicate-name';
      rows.push(record);
      return 'inserted';
    },
    updateUrl: async (id, url) => {
      const index = rows.findIndex((row) => row.id === id);
      const row = rows[index];
      if (row !== undefined) rows[index] = { ...row, url };
    },
    allot: async (workspaceId, registryId, project) => {
      const key = `${workspaceId}/${registryId}`;
      if ([...allotted].some(([other, held]) => other !== key && other.endsWith(`/${registryId}`) && held === project)) return 'project-taken';
      allotted.set(key, project);
      return 'allotted';
    },
    projectOf: async (workspaceId, registryId) => allotted.get(`${workspaceId}/${registryId}`) ?? null,
    allotmentsOf: async (registryId) =>
      [...allotted].filter(([key]) => key.endsWith(`/${registryId}`)).map(([key, project]) => ({ workspaceId: key.slice(0, key.indexOf('/')), project })),
    listByWorkspaces: async (workspaceIds) => new Map(workspaceIds.map((workspaceId) => [workspaceId, rows.filter((row) => allotted.has(`${workspaceId}/${row.id}`))])),
  };
}

export function memoryBuildStores(): { builds: BuildStore; runs: BuildRunStore; logs: BuildLogStore } {
  const builds: BuildRecord[] = [];
  let runs: BuildRunRecord[] = [];
  const lines: BuildLogLineRecord[] = [];
  const newestFirst = (a: BuildRunRecord, b: BuildRunRecord) => b.number - a.number;
  return {
    builds: {
      findById: async (id) => builds.find((build) => build.id === id) ?? null,
      findByIds: async (ids) => builds.filter((build) => ids.includes(build.id)),
      listByWorkspace: async (workspaceId) => builds.filter((build) => build.workspaceId === workspaceId).sort((a, b) => a.name.localeCompare(b.name)),
      listByWorkspaces: async (ids) => builds.filter((build) => ids.includes(build.workspaceId)),
      insert: async (record) => {
        if (builds.some((build) => build.workspaceId === record.workspaceId && build.name === record.name)) return 'duplicate-name';
        builds.push(record);
        return 'inserted';
      },
    },
    runs: {
      findById: async (id) => runs.find((run) => run.id === id) ?? null,
      findByIds: async (ids) => runs.filter((run) => ids.includes(run.id)),
      runsOfBuilds: async (buildIds) => new Map(buildIds.map((id) => [id, runs.filter((run) => run.buildId === id).sort(newestFirst)])),
      lastRuns: async (buildIds) =>
        new Map(
          buildIds
            .flatMap((id) =>
              runs
                .filter((run) => run.buildId === id)
                .sort(newestFirst)
                .slice(0, 1),
            )
            .map((run) => [run.buildId, run]),
        ),
      insertNumbered: async (record) => {
        const run = { ...record, number: Math.max(0, ...runs.filter((other) => other.buildId === record.buildId).map((other) => other.number)) + 1 };
        runs.push(run);
        return run;
      },
      update: async (id, changes) => {
        const index = runs.findIndex((run) => run.id === id);
        const run = runs[index];
        if (run === undefined) return null;
        const updated = { ...run, ...changes };
        runs[index] = updated;
        return updated;
      },
      delete: async (id) => {
        runs = runs.filter((run) => run.id !== id);
      },
      listUnfinished: async () => runs.filter((run) => run.status === 'PENDING' || run.status === 'RUNNING'),
    },
    logs: {
      append: async (batch) => void lines.push(...batch),
      read: async (runId, fromLine, limit) => lines.filter((line) => line.runId === runId && line.number >= fromLine).slice(0, limit),
      lastNumber: async (runId) => Math.max(0, ...lines.filter((line) => line.runId === runId).map((line) => line.number)),
      page: async (runId, fromLine, page) => {
        const all = lines.filter(
          (line) =>
            line.runId === runId && line.number >= fromLine && (page.after === undefined || line.number > page.after) && (page.before === undefined || line.number < page.before),
        );
        const rows = page.fromEnd ? all.slice(-page.size) : all.slice(0, page.size);
        const total = lines.filter((line) => line.runId === runId && line.number >= fromLine).length;
        return { rows, totalCount: total, hasPreviousPage: rows.length > 0 && all[0] !== rows[0], hasNextPage: rows.length > 0 && all.at(-1) !== rows.at(-1) };
      },
      prune: async () => 0,
    },
  };
}

/** Build Jobs that never end by themselves (a follower waits until it is cancelled or stopped). */
export function idleBuildJobs(): BuildJobs & { readonly created: BuildJobSpec[]; readonly deleted: string[] } {
  const created: BuildJobSpec[] = [];
  const deleted: string[] = [];
  return {
    created,
    deleted,
    create: async (spec) => void created.push(spec),
    delete: async (_clusterId, _namespace, jobName) => void deleted.push(jobName),
    follow: (_clusterId, _namespace, _jobName, _handlers, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve('missing'), { once: true })),
  };
}

/**
 * The workspaces' answers as a table: which permissions each user holds in each workspace. Which
 * role grants what is the workspaces domain's matrix, tested there; here only the build service's
 * use of the answers is under test.
 */
export function tableGate(table: {
  readonly workspaces: readonly string[];
  readonly admins?: readonly string[];
  readonly grants: Readonly<Record<string, Readonly<Record<string, readonly BuildPermission[]>>>>;
  readonly allotted: readonly string[];
}): WorkspaceGate {
  const isAdmin = (principal: PrincipalLike) => principal.userId !== null && (table.admins ?? []).includes(principal.userId);
  const holds = (principal: PrincipalLike, workspaceId: string, permission: BuildPermission) =>
    isAdmin(principal) || (principal.userId !== null && (table.grants[principal.userId]?.[workspaceId] ?? []).includes(permission));
  return {
    exists: async (workspaceId) => table.workspaces.includes(workspaceId),
    allows: async (principal, workspaceId, permission) => holds(principal, workspaceId, permission),
    allowedAmong: async (principal, workspaceIds, permission) => new Set(workspaceIds.filter((workspaceId) => holds(principal, workspaceId, permission))),
    clusterAllotted: async (workspaceId, clusterId) => table.allotted.includes(`${workspaceId}/${clusterId}`),
    isSystemAdmin: async (principal) => isAdmin(principal),
    // Slugs as the tests name workspaces: `w1` → team-w1.
    slugOf: async (workspaceId) => (table.workspaces.includes(workspaceId) ? `team-${workspaceId}` : null),
  };
}
