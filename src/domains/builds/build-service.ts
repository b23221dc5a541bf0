import { randomUUID } from 'node:crypto';
import { buildNamespaceOf } from '../../shared/build-namespaces.js';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { openLogStream } from './log-stream.js';
import type { PageWindow } from '../../shared/pagination.js';
import type {
  BuildEventSource,
  BuildJobs,
  BuildLogStore,
  LogPageRequest,
  BuildPermission,
  BuildRunStore,
  BuildRunUpdateEvent,
  BuildStore,
  BuildEventPublisher,
  PrincipalLike,
  RegistryStore,
  SourceProbe,
  WorkspaceGate,
} from './ports.js';
import { isFinished, type BuildLogLineRecord, type BuildRecord, type BuildRunRecord } from './records.js';
import { presetDockerfile } from './preset-dockerfiles.js';
import type { RegistryService } from './registry-service.js';
import type { RunFollowers } from './run-follower.js';
import { BUILD_STEPS, checkBuildArgs, checkImageRepository, checkName, checkPreset, checkRef, checkRepositoryInProject, checkSourceUrl } from './validation.js';

export interface CreateBuildInput {
  readonly workspaceId: string;
  readonly name: string;
  readonly sourceUrl: string;
  readonly ref: string;
  readonly preset: string;
  readonly dockerfile?: string | null | undefined;
  readonly buildArgs?: ReadonlyArray<{ name: string; value: string }> | null | undefined;
  readonly imageRepository: string;
  readonly registryId: string;
  readonly clusterId: string;
}

export interface BuildServiceDeps {
  readonly builds: BuildStore;
  readonly runs: BuildRunStore;
  readonly logs: BuildLogStore;
  readonly registryStore: RegistryStore;
  readonly registries: RegistryService;
  readonly gate: WorkspaceGate;
  readonly sources: SourceProbe;
  readonly jobs: BuildJobs;
  readonly followers: RunFollowers;
  readonly publisher: BuildEventPublisher;
  readonly events: BuildEventSource;
  readonly now: () => Date;
}

/** The image reference pushed: registry host, repository, and the run number as tag. */
export function imageReference(registryUrl: string, repository: string, runNumber: number): string {
  return `${new URL(registryUrl).host}/${repository}:run-${runNumber}`;
}

export class BuildService {
  constructor(private readonly deps: BuildServiceDeps) {}

  /**
   * Another team's build, run or build list looks exactly like a missing one: `missing` is the error
   * a caller gets either way. A caller who may read but not do `permission` gets FORBIDDEN.
   */
  private async requireVisible(principal: PrincipalLike, workspaceId: string, permission: BuildPermission, what: string, missing: () => NotFoundError): Promise<void> {
    if (!(await this.deps.gate.allows(principal, workspaceId, 'build:read'))) throw missing();
    if (permission !== 'build:read') await this.require(principal, workspaceId, permission, what);
  }

  private async require(principal: PrincipalLike, workspaceId: string, permission: BuildPermission, what: string): Promise<void> {
    if (!(await this.deps.gate.allows(principal, workspaceId, permission))) {
      throw new ForbiddenError(`Not allowed to ${permission === 'build:run' ? 'create or run' : 'see'} ${what} of workspace ${workspaceId}`);
    }
  }

  async create(principal: PrincipalLike, input: CreateBuildInput): Promise<BuildRecord> {
    const { gate, registryStore, sources } = this.deps;
    const missing = () => new NotFoundError('Workspace', input.workspaceId, 'workspaceId');
    if (!(await gate.exists(input.workspaceId))) throw missing();
    await this.requireVisible(principal, input.workspaceId, 'build:run', 'builds', missing);
    const name = checkName('name', input.name);
    const source = checkSourceUrl(input.sourceUrl);
    const ref = checkRef(input.ref);
    const { preset, dockerfile } = checkPreset(input.preset, input.dockerfile);
    const buildArgs = checkBuildArgs(input.buildArgs);
    const imageRepository = checkImageRepository(input.imageRepository);
    if (!(await gate.clusterAllotted(input.workspaceId, input.clusterId)))
      throw new BadInputError('clusterId', `cluster ${input.clusterId} is not allotted to workspace ${input.workspaceId}`);
    const registry = await registryStore.findById(input.registryId);
    if (registry === null) throw new NotFoundError('Registry', input.registryId, 'registryId');
    const project = await registryStore.projectOf(input.workspaceId, input.registryId);
    if (project === null) throw new BadInputError('registryId', `registry ${input.registryId} is not allotted to workspace ${input.workspaceId}`);
    checkRepositoryInProject('imageRepository', imageRepository, project, registry.name);
    if (source.kind === 'http') {
      try {
        await sources.check(source.url);
      } catch (error) {
        throw new BadInputError('sourceUrl', `the repository cannot be reached: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const record: BuildRecord = {
      id: randomUUID(),
      workspaceId: input.workspaceId,
      name,
      sourceUrl: source.url,
      ref,
      preset,
      dockerfile,
      buildArgs,
      imageRepository,
      registryId: input.registryId,
      clusterId: input.clusterId,
      createdAt: this.deps.now(),
    };
    if ((await this.deps.builds.insert(record)) === 'duplicate-name') throw new ConflictError('name', `workspace ${input.workspaceId} already has a build named ${name}`);
    return record;
  }

  async get(principal: PrincipalLike, id: string): Promise<BuildRecord> {
    const build = await this.deps.builds.findById(id);
    const missing = () => new NotFoundError('Build', id, 'id');
    if (build === null) throw missing();
    await this.requireVisible(principal, build.workspaceId, 'build:read', 'builds', missing);
    return build;
  }

  async list(principal: PrincipalLike, workspaceId: string): Promise<BuildRecord[]> {
    const missing = () => new NotFoundError('Workspace', workspaceId);
    if (!(await this.deps.gate.exists(workspaceId))) throw missing();
    await this.requireVisible(principal, workspaceId, 'build:read', 'builds', missing);
    return this.deps.builds.listByWorkspace(workspaceId);
  }

  /** The builds of many workspaces at once (e.g. `workspaces { builds }`): a constant number of statements. */
  async listForWorkspaces(principal: PrincipalLike, workspaceIds: readonly string[]): Promise<Map<string, BuildRecord[] | ForbiddenError>> {
    const allowed = await this.deps.gate.allowedAmong(principal, workspaceIds, 'build:read');
    const builds = await this.deps.builds.listByWorkspaces(workspaceIds.filter((id) => allowed.has(id)));
    return new Map(
      workspaceIds.map((id) => [id, allowed.has(id) ? builds.filter((build) => build.workspaceId === id) : new ForbiddenError(`Not allowed to see the builds of workspace ${id}`)]),
    );
  }

  /** Batch reads for `nodes(ids:)`; the caller checks each row's workspace with `readableAmong`. */
  getMany(ids: readonly string[]): Promise<BuildRecord[]> {
    return this.deps.builds.findByIds(ids);
  }

  getRuns(ids: readonly string[]): Promise<BuildRunRecord[]> {
    return this.deps.runs.findByIds(ids);
  }

  /** The workspaces among these whose builds the caller may read, in one lookup. */
  readableAmong(principal: PrincipalLike, workspaceIds: readonly string[]): Promise<ReadonlySet<string>> {
    return this.deps.gate.allowedAmong(principal, workspaceIds, 'build:read');
  }

  async getRun(principal: PrincipalLike, id: string, permission: BuildPermission = 'build:read'): Promise<BuildRunRecord> {
    const run = await this.deps.runs.findById(id);
    const missing = () => new NotFoundError('BuildRun', id, 'id');
    if (run === null) throw missing();
    await this.requireVisible(principal, run.workspaceId, permission, 'build runs', missing);
    return run;
  }

  /** Every run of many builds at once, newest first. Callers have checked the builds. */
  runsOfBuilds(buildIds: readonly string[]): Promise<Map<string, BuildRunRecord[]>> {
    return this.deps.runs.runsOfBuilds(buildIds);
  }

  lastRuns(buildIds: readonly string[]): Promise<Map<string, BuildRunRecord>> {
    return this.deps.runs.lastRuns(buildIds);
  }

  /** A page of a run's stored log, keyed by line number (see BuildRunResolver.log). */
  async logPage(run: BuildRunRecord, fromLine: number, page: LogPageRequest): Promise<PageWindow<BuildLogLineRecord>> {
    if (!Number.isInteger(fromLine) || fromLine < 1) throw new BadInputError('fromLine', 'must be a line number from 1');
    return this.deps.logs.page(run.id, fromLine, page);
  }

  /**
   * Starts a run: the row first (PENDING), then the Job; if the Job cannot be created the row goes
   * again, and if recording the start fails the Job goes again — never one without the other.
   */
  async run(principal: PrincipalLike, buildId: string): Promise<BuildRunRecord> {
    const build = await this.deps.builds.findById(buildId);
    const missing = () => new NotFoundError('Build', buildId, 'buildId');
    if (build === null) throw missing();
    await this.requireVisible(principal, build.workspaceId, 'build:run', 'builds', missing);
    const { gate, registryStore, runs, jobs } = this.deps;
    // Allotments may have changed since the build was defined.
    if (!(await gate.clusterAllotted(build.workspaceId, build.clusterId)))
      throw new BadInputError('buildId', `the build's cluster ${build.clusterId} is no longer allotted to workspace ${build.workspaceId}`);
    const registry = await registryStore.findById(build.registryId);
    const project = registry === null ? null : await registryStore.projectOf(build.workspaceId, registry.id);
    if (registry === null || project === null)
      throw new BadInputError('buildId', `the build's registry ${build.registryId} is no longer allotted to workspace ${build.workspaceId}`);
    // A build defined before projects were enforced, or whose allotment moved to another project.
    if (!build.imageRepository.startsWith(`${project}/`))
      throw new BadInputError(
        'buildId',
        `the build pushes to ${build.imageRepository}, outside the workspace's project ${project}/ of registry ${registry.name}: define it again under ${project}/`,
      );
    const slug = await gate.slugOf(build.workspaceId);
    if (slug === null) throw missing();
    // Each workspace's Jobs in a namespace of its own, which only that workspace sees.
    const namespace = buildNamespaceOf(slug);

    const id = randomUUID();
    const jobName = `kda-build-${id}`;
    const pending = await runs.insertNumbered({
      id,
      buildId: build.id,
      workspaceId: build.workspaceId,
      status: 'PENDING',
      stepsTotal: BUILD_STEPS.length,
      stepsDone: 0,
      failedStep: null,
      image: '',
      imageDigest: null,
      imageSizeBytes: null,
      clusterId: build.clusterId,
      namespace,
      jobName,
      message: null,
      createdAt: this.deps.now(),
      startedAt: null,
      finishedAt: null,
    });
    const image = imageReference(registry.url, build.imageRepository, pending.number);
    let run: BuildRunRecord;
    try {
      run = (await runs.update(id, { image })) ?? { ...pending, image };
    } catch (error) {
      await runs.delete(id);
      throw error;
    }
    try {
      await jobs.create({
        runId: id,
        jobName,
        namespace,
        clusterId: build.clusterId,
        sourceUrl: build.sourceUrl,
        ref: build.ref,
        preset: build.preset,
        dockerfile: build.dockerfile,
        presetDockerfile: presetDockerfile(build.preset),
        buildArgs: build.buildArgs ?? [],
        destination: image,
        registryUrl: registry.url,
        credentials: this.deps.registries.credentialsOf(registry),
        steps: BUILD_STEPS,
      });
    } catch (error) {
      await runs.delete(id);
      // A create that failed after the apiserver accepted it (e.g. timeout) must not leave a Job.
      await jobs.delete(build.clusterId, namespace, jobName).catch(() => undefined);
      throw error;
    }
    await this.deps.publisher.runUpdate({ v: 1, workspaceId: run.workspaceId, runId: run.id, status: run.status });
    this.deps.followers.follow(run);
    return run;
  }

  async cancel(principal: PrincipalLike, runId: string): Promise<BuildRunRecord> {
    const run = await this.getRun(principal, runId, 'build:run');
    if (isFinished(run.status)) throw new ConflictError('id', `run ${runId} has already finished (${run.status})`);
    const undo = this.deps.followers.markCancelling(runId);
    try {
      await this.deps.jobs.delete(run.clusterId, run.namespace, run.jobName);
    } catch (error) {
      undo();
      throw error;
    }
    if (this.deps.followers.isFollowing(runId)) {
      await this.deps.followers.cancel(runId);
    } else {
      // Followed by another replica (or nobody): record it here.
      const cancelled = await this.deps.runs.update(runId, { status: 'CANCELLED', finishedAt: this.deps.now(), message: 'cancelled' });
      await this.deps.publisher.runUpdate({ v: 1, workspaceId: run.workspaceId, runId, status: 'CANCELLED' });
      await this.deps.publisher.logEvent({ v: 1, type: 'end', runId, lastLine: await this.deps.logs.lastNumber(runId), status: 'CANCELLED' });
      return cancelled ?? run;
    }
    return (await this.deps.runs.findById(runId)) ?? run;
  }

  /** Lines from `fromLine`, then the live tail; ends after the last line of a finished run. */
  async streamLog(principal: PrincipalLike, runId: string, fromLine: number): Promise<AsyncIterableIterator<BuildLogLineRecord>> {
    if (!Number.isInteger(fromLine) || fromLine < 1) throw new BadInputError('fromLine', 'must be a line number from 1');
    await this.getRun(principal, runId);
    const live = await this.deps.events.logEvents(runId);
    return openLogStream(runId, fromLine, live, { logs: this.deps.logs, statusOf: async () => (await this.deps.runs.findById(runId))?.status ?? null });
  }

  async streamUpdates(principal: PrincipalLike, workspaceId: string): Promise<AsyncIterableIterator<BuildRunUpdateEvent>> {
    const missing = () => new NotFoundError('Workspace', workspaceId);
    if (!(await this.deps.gate.exists(workspaceId))) throw missing();
    await this.requireVisible(principal, workspaceId, 'build:read', 'builds', missing);
    return this.deps.events.runUpdates(workspaceId);
  }

  /**
   * After a restart, or when this replica starts following a cluster's runs (its lease won), or
   * periodically for runs started on another replica: follow the runs that had not finished (their
   * log is read again from the start; lines stored already are skipped). `clusterId`: only its runs.
   */
  async resumeUnfinished(clusterId?: string): Promise<void> {
    for (const run of await this.deps.runs.listUnfinished()) {
      if (clusterId !== undefined && run.clusterId !== clusterId) continue;
      if (this.deps.followers.isFollowing(run.id)) continue;
      this.deps.followers.follow(run, await this.deps.logs.lastNumber(run.id));
    }
  }
}
