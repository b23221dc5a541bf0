import { DateTimeResolver } from 'graphql-scalars';
import { Arg, Args, Authorized, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { ConnectionArgs } from '../../shared/connection-types.js';
import { connectionFromWindow, pageRequest, paginate, type CursorKey } from '../../shared/pagination.js';
import { BuildConnection, BuildLogLineConnection, BuildRunConnection, BY_NAME, RUNS_NEWEST_FIRST } from './connections.js';
import { localKeyOf } from '../../shared/global-id.js';
import { callerOf, loadersOf, type BuildsContext } from './context.js';
import { Build, BuildLogLine, BuildRun, CreateBuildInput, Registry } from './graphql-types.js';
import { statusDisplay } from './log-lines.js';
import { toBuild, toBuildRun, toLogLine, toRegistry } from './mappers.js';
import { CancelBuildRunInput, CancelBuildRunPayload, CreateBuildPayload, RunBuildInput, RunBuildPayload } from './payloads.js';
import type { BuildRunUpdateEvent } from './ports.js';
import type { BuildLogLineRecord } from './records.js';

@Resolver(() => Build)
export class BuildResolver {
  @Authorized()
  @Mutation(() => CreateBuildPayload, { description: 'Defines a build in a workspace. The cluster and the registry must be allotted to it; an http(s) source must answer.' })
  async createBuild(
    @Arg('input', () => CreateBuildInput, { description: 'The build definition.' }) input: CreateBuildInput,
    @Ctx() context: BuildsContext,
  ): Promise<CreateBuildPayload> {
    const ids = {
      workspaceId: localKeyOf(input.workspaceId, 'Workspace'),
      registryId: localKeyOf(input.registryId, 'Registry'),
      clusterId: localKeyOf(input.clusterId, 'Cluster'),
    };
    return { build: toBuild(await context.builds.create(callerOf(context), { ...input, ...ids })) };
  }

  @Authorized()
  @Mutation(() => RunBuildPayload, { description: 'Starts a run: a Job in the build cluster (clone, build, push). Follow it with buildLog and buildRunUpdates.' })
  async runBuild(@Arg('input', () => RunBuildInput, { description: 'The build to run.' }) input: RunBuildInput, @Ctx() context: BuildsContext): Promise<RunBuildPayload> {
    const caller = callerOf(context);
    const run = await context.builds.run(caller, localKeyOf(input.buildId, 'Build'));
    return { run: toBuildRun(run), build: toBuild(await context.builds.get(caller, run.buildId)) };
  }

  @Authorized()
  @Mutation(() => CancelBuildRunPayload, { description: 'Stops a run that has not finished: its Job is deleted.' })
  async cancelBuildRun(
    @Arg('input', () => CancelBuildRunInput, { description: 'The run to cancel.' }) input: CancelBuildRunInput,
    @Ctx() context: BuildsContext,
  ): Promise<CancelBuildRunPayload> {
    return { run: toBuildRun(await context.builds.cancel(callerOf(context), localKeyOf(input.id, 'BuildRun'))) };
  }

  @Authorized()
  @Query(() => Build, { nullable: true, description: 'A build of a workspace the caller belongs to.' })
  async build(@Arg('id', () => ID, { description: 'Build id.' }) id: string, @Ctx() context: BuildsContext): Promise<Build> {
    return toBuild(await context.builds.get(callerOf(context), localKeyOf(id, 'Build')));
  }

  @Authorized()
  @Query(() => BuildRun, { nullable: true, description: 'A run, with its status, image and stored log.' })
  async buildRun(@Arg('id', () => ID, { description: 'Run id.' }) id: string, @Ctx() context: BuildsContext): Promise<BuildRun> {
    return toBuildRun(await context.builds.getRun(callerOf(context), localKeyOf(id, 'BuildRun')));
  }

  @Authorized()
  @Query(() => BuildConnection, { description: 'The builds of a workspace, by name, paged (the build list).' })
  async builds(
    @Arg('workspaceId', () => ID, { description: 'The workspace.' }) workspaceId: string,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() context: BuildsContext,
  ): Promise<BuildConnection> {
    return paginate(context, 'Query.builds', page, (await context.builds.list(callerOf(context), localKeyOf(workspaceId, 'Workspace'))).map(toBuild), BY_NAME, (build) => build);
  }

  @FieldResolver(() => Registry, { nullable: true, description: 'Where its images are pushed.' })
  async registry(@Root() build: Build, @Ctx() context: BuildsContext): Promise<Registry | null> {
    const record = await loadersOf(context).registry.load(build.record.registryId);
    return record === null ? null : toRegistry(record);
  }

  @FieldResolver(() => BuildRunConnection, { description: 'Its runs, newest first, paged.' })
  async runs(@Root() build: Build, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() context: BuildsContext): Promise<BuildRunConnection> {
    // One batched load for every build of the response, then paged per build in memory.
    const runs = (await loadersOf(context).runsByBuild.load(build.id)).map(toBuildRun);
    return paginate(context, 'Build.runs', page, runs, RUNS_NEWEST_FIRST, (run) => run);
  }

  @FieldResolver(() => BuildRun, { nullable: true, description: 'Its newest run; null: never run.' })
  async lastRun(@Root() build: Build, @Ctx() context: BuildsContext): Promise<BuildRun | null> {
    const run = await loadersOf(context).lastRun.load(build.id);
    return run === null ? null : toBuildRun(run);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Of the last run: DONE, RUNNING, ERROR 4/6 (failed step of the total), CANCELLED; null: never run.' })
  async status(@Root() build: Build, @Ctx() context: BuildsContext): Promise<string | null> {
    return statusDisplay(await loadersOf(context).lastRun.load(build.id));
  }

  @FieldResolver(() => DateTimeResolver, { nullable: true, description: 'When the last run finished (or started, while it runs).' })
  async lastBuiltAt(@Root() build: Build, @Ctx() context: BuildsContext): Promise<string | null> {
    const run = await loadersOf(context).lastRun.load(build.id);
    return (run?.finishedAt ?? run?.startedAt)?.toISOString() ?? null;
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Size of the image the last run pushed, in bytes.' })
  async imageSizeBytes(@Root() build: Build, @Ctx() context: BuildsContext): Promise<number | null> {
    return (await loadersOf(context).lastRun.load(build.id))?.imageSizeBytes ?? null;
  }

  @Authorized()
  @Subscription(() => BuildLogLine, {
    description: "A run's log: the stored lines from fromLine (default 1), then live ones, without gap or repeat; completes when the run has finished.",
    subscribe: async ({ args, context }) => {
      const builds = context as BuildsContext;
      const { runId, fromLine } = args as { runId: string; fromLine?: number | null };
      return builds.builds.streamLog(callerOf(builds), localKeyOf(runId, 'BuildRun'), fromLine ?? 1);
    },
  })
  buildLog(
    @Root() line: BuildLogLineRecord,
    @Arg('runId', () => ID, { description: 'The run.' }) _runId: string,
    @Arg('fromLine', () => Int, { nullable: true, description: 'First line to send (default 1).' }) _fromLine: number | null,
  ): BuildLogLine {
    return toLogLine(line);
  }

  @Authorized()
  @Subscription(() => BuildRun, {
    description: "Runs of a workspace's builds as they start, move through their steps and end.",
    subscribe: async ({ args, context }) => {
      const builds = context as BuildsContext;
      const { workspaceId } = args as { workspaceId: string };
      return builds.builds.streamUpdates(callerOf(builds), localKeyOf(workspaceId, 'Workspace'));
    },
  })
  async buildRunUpdates(
    @Root() event: BuildRunUpdateEvent,
    @Arg('workspaceId', () => ID, { description: 'The workspace whose runs to follow.' }) _workspaceId: string,
    @Ctx() context: BuildsContext,
  ): Promise<BuildRun> {
    // Read now, with the caller's rights now: rights revoked mid-subscription end it with FORBIDDEN.
    return toBuildRun(await context.builds.getRun(callerOf(context), event.runId));
  }
}

@Resolver(() => BuildRun)
export class BuildRunResolver {
  @FieldResolver(() => BuildLogLineConnection, { description: 'Stored lines, by line number, from fromLine on, paged.' })
  async log(
    @Root() run: BuildRun,
    @Arg('fromLine', () => Int, { defaultValue: 1, description: 'First line number of the list (default 1).' }) fromLine: number,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() context: BuildsContext,
  ): Promise<BuildLogLineConnection> {
    const request = pageRequest('BuildRun.log', page, context.pageLimits, isLineKey);
    const window = await context.builds.logPage(run.record, fromLine, {
      size: request.size,
      fromEnd: request.fromEnd,
      after: request.after?.[0] as number | undefined,
      before: request.before?.[0] as number | undefined,
    });
    return connectionFromWindow(window, request, (line) => [line.number], toLogLine);
  }
}

const isLineKey = (key: CursorKey) => key.length === 1 && typeof key[0] === 'number' && Number.isInteger(key[0]);
