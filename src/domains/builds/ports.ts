import type { PageWindow } from '../../shared/pagination.js';
import type { BuildArg, BuildLogLineRecord, BuildRecord, BuildRunRecord, RegistryRecord, RunStatus } from './records.js';

/** Persistence (implemented in src/infra/db). */
export interface RegistryStore {
  list(): Promise<RegistryRecord[]>;
  findById(id: string): Promise<RegistryRecord | null>;
  findByIds(ids: readonly string[]): Promise<RegistryRecord[]>;
  /** `duplicate-name` when the unique index refuses it. */
  insert(record: RegistryRecord): Promise<'inserted' | 'duplicate-name'>;
  /** Points a registry at a new address (the built-in one when its URL changed between starts). */
  updateUrl(id: string, url: string): Promise<void>;
  /**
   * Allots the registry to the workspace with its project there (or moves an allotment to another
   * project); `project-taken` when another workspace holds that project of the registry.
   */
  allot(workspaceId: string, registryId: string, project: string): Promise<'allotted' | 'project-taken'>;
  /** The workspace's project in the registry; null when the registry is not allotted to it. */
  projectOf(workspaceId: string, registryId: string): Promise<string | null>;
  /** The registries allotted to each workspace, by name, in one batch. */
  listByWorkspaces(workspaceIds: readonly string[]): Promise<Map<string, RegistryRecord[]>>;
  /** The workspaces the registry is allotted to, each with its project there. */
  allotmentsOf(registryId: string): Promise<RegistryAllotment[]>;
}

export interface RegistryAllotment {
  readonly workspaceId: string;
  /** The first path component of every repository of the workspace in the registry. */
  readonly project: string;
}

export interface BuildStore {
  findById(id: string): Promise<BuildRecord | null>;
  findByIds(ids: readonly string[]): Promise<BuildRecord[]>;
  listByWorkspace(workspaceId: string): Promise<BuildRecord[]>;
  listByWorkspaces(workspaceIds: readonly string[]): Promise<BuildRecord[]>;
  insert(record: BuildRecord): Promise<'inserted' | 'duplicate-name'>;
}

export interface BuildRunStore {
  findById(id: string): Promise<BuildRunRecord | null>;
  findByIds(ids: readonly string[]): Promise<BuildRunRecord[]>;
  /** Every run of each build, newest first, in one statement (paged per build in memory). */
  runsOfBuilds(buildIds: readonly string[]): Promise<Map<string, BuildRunRecord[]>>;
  /** The newest run of each build. */
  lastRuns(buildIds: readonly string[]): Promise<Map<string, BuildRunRecord>>;
  /** Numbers the run (max + 1 for its build) in one transaction; returns the stored record. */
  insertNumbered(record: Omit<BuildRunRecord, 'number'>): Promise<BuildRunRecord>;
  update(id: string, changes: Partial<Omit<BuildRunRecord, 'id' | 'buildId' | 'workspaceId' | 'number'>>): Promise<BuildRunRecord | null>;
  delete(id: string): Promise<void>;
  /** Runs not finished (to follow again after a restart). */
  listUnfinished(): Promise<BuildRunRecord[]>;
}

export interface LogPageRequest {
  readonly size: number;
  readonly fromEnd: boolean;
  readonly after?: number | undefined;
  readonly before?: number | undefined;
}

export interface BuildLogStore {
  append(lines: readonly BuildLogLineRecord[]): Promise<void>;
  /** Lines with number >= fromLine, in order, at most `limit`. */
  read(runId: string, fromLine: number, limit: number): Promise<BuildLogLineRecord[]>;
  lastNumber(runId: string): Promise<number>;
  /** A page of the lines numbered from `fromLine` on, by number; `after`/`before` are line numbers. */
  page(runId: string, fromLine: number, page: LogPageRequest): Promise<PageWindow<BuildLogLineRecord>>;
  /** Drops lines of runs finished before `before` (the retention setting). */
  prune(before: Date): Promise<number>;
}

/** What the caller may do with a workspace's builds; answered by the workspaces' role matrix. */
export type BuildPermission = 'build:read' | 'build:run';

export interface PrincipalLike {
  readonly userId: string | null;
  readonly systemRole: string;
}

/**
 * The workspaces' answers this domain needs (plugged in by the composition root from the workspaces
 * domain's access scope): builds never re-derive a role rule.
 */
export interface WorkspaceGate {
  exists(workspaceId: string): Promise<boolean>;
  allows(principal: PrincipalLike, workspaceId: string, permission: BuildPermission): Promise<boolean>;
  /** The workspaces among `workspaceIds` where the caller has `permission`, in one lookup. */
  allowedAmong(principal: PrincipalLike, workspaceIds: readonly string[], permission: BuildPermission): Promise<ReadonlySet<string>>;
  clusterAllotted(workspaceId: string, clusterId: string): Promise<boolean>;
  /** Whether the caller sees every workspace's registries (system administrators). */
  isSystemAdmin(principal: PrincipalLike): Promise<boolean>;
  /** The workspace's slug: its build namespace and its default project in a registry. Null when it does not exist. */
  slugOf(workspaceId: string): Promise<string | null>;
}

export interface RegistryCredentials {
  readonly username: string | null;
  readonly password: string | null;
}

export interface ImageManifestInfo {
  readonly digest: string;
  /** Config plus layers, as the manifest declares them. */
  readonly sizeBytes: number;
}

/** The registry HTTP API v2 (implemented in src/infra/registry). Errors are RegistryAccessError. */
export interface RegistryApi {
  /** GET /v2/: resolves when reachable and the credentials are accepted. */
  check(url: string, credentials: RegistryCredentials): Promise<void>;
  repositories(url: string, credentials: RegistryCredentials): Promise<string[]>;
  tags(url: string, credentials: RegistryCredentials, repository: string): Promise<string[]>;
  manifest(url: string, credentials: RegistryCredentials, repository: string, reference: string): Promise<ImageManifestInfo | null>;
}

export type RegistryProblem = 'unreachable' | 'unauthorized' | 'protocol';

export class RegistryAccessError extends Error {
  constructor(
    readonly problem: RegistryProblem,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryAccessError';
  }
}

/** Checks that a source repository can be reached before a build is saved. */
export interface SourceProbe {
  /** Resolves when reachable; rejects with a reason a person can act on. */
  check(url: string): Promise<void>;
}

export interface BuildJobSpec {
  readonly runId: string;
  readonly jobName: string;
  readonly namespace: string;
  readonly clusterId: string;
  readonly sourceUrl: string;
  readonly ref: string;
  readonly preset: string;
  readonly dockerfile: string | null;
  /** The preset's Dockerfile, built when the repository has none at its root; null for DOCKERFILE. */
  readonly presetDockerfile: string | null;
  readonly buildArgs: readonly BuildArg[];
  /** host[:port]/repository:tag */
  readonly destination: string;
  readonly registryUrl: string;
  readonly credentials: RegistryCredentials;
  readonly steps: readonly string[];
}

export type JobOutcome = 'succeeded' | 'failed' | 'missing';

export interface BuildJobHandlers {
  /** The pod started: log lines follow. */
  onStarted(): void;
  /** Each log line, in order. */
  onLine(text: string, at: Date): void;
}

/** Build Jobs in a cluster (implemented in src/infra/k8s/build-jobs.ts). */
export interface BuildJobs {
  /** Creates the Job (and its registry credentials Secret). Throws on failure, leaving nothing behind. */
  create(spec: BuildJobSpec): Promise<void>;
  /** Deletes the Job, its pods and its Secret; missing ones are fine. */
  delete(clusterId: string, namespace: string, jobName: string): Promise<void>;
  /** Follows the Job's pod log until the pod ends; resolves with how the Job ended. */
  follow(clusterId: string, namespace: string, jobName: string, handlers: BuildJobHandlers, signal: AbortSignal): Promise<JobOutcome>;
}

/** Payloads on the bus (DESIGN.md: normalized JSON with a version field). */
export type BuildLogEvent =
  | { readonly v: 1; readonly type: 'line'; readonly runId: string; readonly number: number; readonly step: number; readonly text: string; readonly at: string }
  | { readonly v: 1; readonly type: 'end'; readonly runId: string; readonly lastLine: number; readonly status: RunStatus };

export interface BuildRunUpdateEvent {
  readonly v: 1;
  readonly workspaceId: string;
  readonly runId: string;
  readonly status: RunStatus;
}

export interface BuildEventPublisher {
  logEvent(event: BuildLogEvent): Promise<void>;
  runUpdate(event: BuildRunUpdateEvent): Promise<void>;
}

/** Live streams from the bus; each resolves once the subscription is live. */
export interface BuildEventSource {
  logEvents(runId: string): Promise<AsyncIterableIterator<BuildLogEvent>>;
  runUpdates(workspaceId: string): Promise<AsyncIterableIterator<BuildRunUpdateEvent>>;
}

export interface SecretSealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
}
