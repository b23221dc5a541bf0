import { DEFAULT_LIMITS, type GatewayConfig } from '../config/config.js';
import { BuildService, RegistryService, RunFollowers, type WorkspaceGate } from '../domains/builds/index.js';
import { createSecretBox } from '../infra/crypto/secret-box.js';
import { createBuildStores } from '../infra/db/build-stores.js';
import { createBuildJobs } from '../infra/k8s/build-jobs.js';
import { createBuildEventPublisher, createBuildEventSource } from '../infra/nats/build-event-source.js';
import { createRegistryClient } from '../infra/registry/registry-client.js';
import { createSourceProbe } from '../infra/registry/source-probe.js';
import type { OutboxStats } from '../infra/nats/outbox.js';
import type { Infra } from './infra.js';
import type { StopList } from './stop-list.js';

const LOG_PRUNE_INTERVAL_MS = 3_600_000;
/** With replicas: how often the holder of a cluster's lease looks for runs another replica started there. */
const RUN_SWEEP_INTERVAL_MS = 5_000;

export interface BuildsWiring {
  readonly builds: BuildService;
  readonly registries: RegistryService;
  /**
   * Registers KDA_REGISTRY_URL as the platform registry (when set), resumes following unfinished runs
   * and starts pruning old log lines. After the demo, which registers its own registry first.
   */
  start(): Promise<void>;
  /** Build events not yet on the bus. */
  outboxStats(): OutboxStats;
}

export interface BuildsNeighbours {
  /** Who may read and run a workspace's builds: the workspaces domain's access scope. */
  readonly workspaceGate: WorkspaceGate;
  /** A run's image is in the registry: continuous deployment (the catalog's releases) rolls maps forward. */
  readonly onImagePushed: (pushed: { workspaceId: string; buildName: string; runId: string; runNumber: number; image: string; digest: string }) => Promise<void>;
}

/** Builds and registries on the database, the build cluster's Jobs, the registry API and the bus. */
export function wireBuilds(infra: Infra, config: GatewayConfig, neighbours: BuildsNeighbours, stops: StopList): BuildsWiring {
  const { logger } = infra;
  const stores = createBuildStores(infra.dataSource);
  const gate = neighbours.workspaceGate;
  const registryApi = createRegistryClient({ egress: infra.egress });
  const registries = new RegistryService({ store: stores.registries, api: registryApi, sealer: createSecretBox(infra.secretKey), gate, now: () => new Date() });
  const jobs = createBuildJobs(infra.informers);
  const publisher = createBuildEventPublisher(infra.bus, { maxEvents: (config.limits ?? DEFAULT_LIMITS).outboxMaxEvents, logger });
  // Registered before the followers: stops run in reverse, so followers stop first, then this drains.
  stops.add(() => publisher.close());
  const followers = new RunFollowers({
    jobs,
    runs: stores.runs,
    logs: stores.logs,
    events: publisher,
    imageOf: async (run) => {
      const build = await stores.builds.findById(run.buildId);
      const registry = build === null ? null : await stores.registries.findById(build.registryId);
      const tag = run.image.slice(run.image.lastIndexOf(':') + 1);
      return build === null || registry === null ? null : registryApi.manifest(registry.url, registries.credentialsOf(registry), build.imageRepository, tag);
    },
    logger,
    now: () => new Date(),
    onImagePushed: async (run, digest) => {
      const build = await stores.builds.findById(run.buildId);
      await neighbours.onImagePushed({ workspaceId: run.workspaceId, buildName: build?.name ?? run.buildId, runId: run.id, runNumber: run.number, image: run.image, digest });
    },
    // A run's log is read by the replica that watches its cluster (the holder of the cluster's lease).
    mayFollow: (clusterId) => infra.informers.holds(clusterId),
  });
  stops.add(() => followers.stopAll());
  const builds = new BuildService({
    ...stores,
    registryStore: stores.registries,
    registries,
    gate,
    sources: createSourceProbe({ egress: infra.egress }),
    jobs,
    followers,
    publisher,
    events: createBuildEventSource(infra.hub),
    now: () => new Date(),
  });
  const resume = (clusterId?: string): void => {
    builds.resumeUnfinished(clusterId).catch((error: unknown) => logger.warn('cannot follow unfinished build runs', { clusterId, error: String(error) }));
  };
  const start = async () => {
    // Before resuming: a resumed run reads its image from the registry's current address.
    if (config.registryUrl !== undefined) await registries.ensureBuiltin(config.registryUrl);
    // A cluster's lease won: its unfinished runs are followed here from now on; lost: let go of them.
    const stopHoldListener = infra.informers.onHoldChange((clusterId, holds) => {
      if (holds) resume(clusterId);
      else void followers.release(clusterId);
    });
    stops.add(async () => stopHoldListener());
    await builds.resumeUnfinished();
    if (config.bus.kind === 'nats') {
      // Runs started on a replica that does not hold their cluster's lease are found here.
      const sweep = setInterval(() => resume(), RUN_SWEEP_INTERVAL_MS);
      sweep.unref();
      stops.add(async () => clearInterval(sweep));
    }
    const retentionMs = (config.buildLogRetentionDays ?? 30) * 86_400_000;
    const pruneLogs = setInterval(() => {
      stores.logs.prune(new Date(Date.now() - retentionMs)).catch((error: unknown) => logger.warn('cannot prune build logs', { error: String(error) }));
    }, LOG_PRUNE_INTERVAL_MS);
    pruneLogs.unref();
    stops.add(async () => clearInterval(pruneLogs));
  };
  return { builds, registries, start, outboxStats: () => publisher.stats() };
}
