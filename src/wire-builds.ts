import type { DataSource } from 'typeorm';
import type { GatewayConfig } from './config/config.js';
import { BuildService, RegistryService, RunFollowers, type RegistryRecord, type WorkspaceGate } from './domains/builds/index.js';
import { roleAllowsOnClusters } from './domains/workspaces/index.js';
import { createBuildEventPublisher, createBuildEventSource } from './graphql/build-event-source.js';
import type { SubscriptionHub } from './graphql/subscription-hub.js';
import { createSecretBox } from './infra/crypto/secret-box.js';
import type { Egress } from './infra/egress/egress.js';
import { createBuildStores } from './infra/db/build-stores.js';
import type { createWorkspaceStores } from './infra/db/workspace-stores.js';
import { createBuildJobs } from './infra/k8s/build-jobs.js';
import type { InformerPool } from './infra/k8s/informer-pool.js';
import { createRegistryClient } from './infra/registry/registry-client.js';
import { createSourceProbe } from './infra/registry/source-probe.js';
import type { EventBus } from './shared/event-bus.js';
import type { Logger } from './shared/logger.js';

export interface BuildWiring {
  readonly dataSource: DataSource;
  readonly secretKey: string;
  readonly informers: InformerPool;
  readonly bus: EventBus;
  readonly hub: SubscriptionHub;
  readonly workspaceStores: ReturnType<typeof createWorkspaceStores>;
  readonly config: GatewayConfig;
  readonly logger: Logger;
  /** Where the composition root collects what to stop. */
  readonly cleanups: Array<() => Promise<void>>;
  /** Source repositories and registries are user-supplied URLs. */
  readonly egress: Egress;
  /** The embedded default's simulated registry, the BUILTIN one when KDA_REGISTRY_URL is not set. */
  readonly simulatedRegistryUrl?: string | undefined;
}

/** Part of the composition root: builds and registries, gated by the workspaces' role matrix. */
export async function wireBuilds(wiring: BuildWiring): Promise<{ builds: BuildService; registries: RegistryService; builtinRegistry: RegistryRecord | null }> {
  const { dataSource, secretKey, informers, bus, hub, workspaceStores, config, logger, cleanups } = wiring;
  const buildStores = createBuildStores(dataSource);
  const buildGate: WorkspaceGate = {
    exists: async (workspaceId) => (await workspaceStores.workspaces.findById(workspaceId)) !== null,
    allows: async (principal, workspaceId, permission) => {
      if (principal.systemRole === 'ADMIN') return true;
      const member = principal.userId === null ? null : await workspaceStores.members.find(workspaceId, principal.userId);
      return member !== null && roleAllowsOnClusters(member.role, permission);
    },
    allowedAmong: async (principal, workspaceIds, permission) => {
      if (principal.systemRole === 'ADMIN') return new Set(workspaceIds);
      if (principal.userId === null) return new Set();
      const memberships = await workspaceStores.members.listByUserIds([principal.userId]);
      const wanted = new Set(workspaceIds);
      return new Set(memberships.filter((member) => wanted.has(member.workspaceId) && roleAllowsOnClusters(member.role, permission)).map((member) => member.workspaceId));
    },
    clusterAllotted: async (workspaceId, clusterId) => (await workspaceStores.allotments.find(workspaceId, clusterId)) !== null,
  };
  const registryApi = createRegistryClient({ egress: wiring.egress });
  const registries = new RegistryService({ store: buildStores.registries, api: registryApi, sealer: createSecretBox(secretKey), gate: buildGate, now: () => new Date() });
  const buildJobs = createBuildJobs(informers);
  const buildPublisher = createBuildEventPublisher(bus);
  const followers = new RunFollowers({
    jobs: buildJobs,
    runs: buildStores.runs,
    logs: buildStores.logs,
    events: buildPublisher,
    imageOf: async (run) => {
      const build = await buildStores.builds.findById(run.buildId);
      const registry = build === null ? null : await buildStores.registries.findById(build.registryId);
      const tag = run.image.slice(run.image.lastIndexOf(':') + 1);
      return build === null || registry === null ? null : registryApi.manifest(registry.url, registries.credentialsOf(registry), build.imageRepository, tag);
    },
    logger,
    now: () => new Date(),
  });
  cleanups.push(() => followers.stopAll());
  const builds = new BuildService({
    ...buildStores,
    registryStore: buildStores.registries,
    registries,
    gate: buildGate,
    sources: createSourceProbe({ egress: wiring.egress }),
    jobs: buildJobs,
    followers,
    publisher: buildPublisher,
    events: createBuildEventSource(hub),
    now: () => new Date(),
  });
  // Before resuming: a resumed run reads its image from the registry's current address.
  const builtinUrl = config.registryUrl ?? wiring.simulatedRegistryUrl;
  const builtinRegistry = builtinUrl === undefined ? null : await registries.ensureBuiltin(builtinUrl);
  await builds.resumeUnfinished();
  const retentionMs = (config.buildLogRetentionDays ?? 30) * 86_400_000;
  const pruneLogs = setInterval(() => {
    buildStores.logs.prune(new Date(Date.now() - retentionMs)).catch((error: unknown) => logger.warn('cannot prune build logs', { error: String(error) }));
  }, 3_600_000);
  pruneLogs.unref();
  cleanups.push(async () => clearInterval(pruneLogs));
  return { builds, registries, builtinRegistry };
}
