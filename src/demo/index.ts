import type { GatewayConfig } from '../config/config.js';
import type { BuildService, RegistryService } from '../domains/builds/index.js';
import type { AppMapService } from '../domains/app-maps/index.js';
import type { CatalogService } from '../domains/catalog/index.js';
import type { ClusterService } from '../domains/clusters/index.js';
import { BOOTSTRAP_ADMIN, type IdentityService } from '../domains/identity/index.js';
import type { WorkspaceService } from '../domains/workspaces/index.js';
import type { Logger } from '../shared/logger.js';
import { seedDemoAppMaps } from './app-maps.js';
import { seedDemoBuilds, startDemoRegistry } from './builds.js';
import { seedDemoCatalog } from './catalog.js';
import { startDemoClusters } from './clusters.js';
import { seedDemoWorkspaces } from './workspaces.js';

export interface DemoDeps {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly clusters: ClusterService;
  readonly identity: IdentityService;
  readonly workspaces: WorkspaceService;
  readonly builds: BuildService;
  readonly registries: RegistryService;
  readonly catalog: CatalogService;
  readonly appMaps: AppMapService;
  /** Stops every watch; called before the simulated apiservers go away, so no reconnect noise is logged. */
  readonly stopWatching: () => Promise<void>;
  /** Lets the egress policy reach one simulated service (loopback host:port), which it otherwise refuses. */
  readonly allowEgress: (hostAndPort: string) => void;
}

export interface Demo {
  stop(): Promise<void>;
}

/**
 * The embedded default's world (KDA_SIMULATOR): simulated clusters registered by kubeconfig, a
 * simulated registry as the platform one (unless KDA_REGISTRY_URL names a real one), the demo teams
 * and their builds, the catalog's demo cards, the teams' application maps — all made through the domain services, as a person would. Runs before the
 * domains start, so resumed build runs already read images from this start's registry address.
 */
export async function startDemo(deps: DemoDeps): Promise<Demo> {
  const { config, logger } = deps;
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step();
  };
  try {
    const registry = config.registryUrl === undefined ? await startDemoRegistry(logger) : undefined;
    if (registry !== undefined) {
      deps.allowEgress(new URL(registry.url).host);
      stops.push(() => registry.close());
    }
    const started = await startDemoClusters(deps.clusters, logger, config.dataDir, deps.allowEgress);
    stops.push(async () => {
      await deps.stopWatching();
      await started.close();
    });

    const clusterIdByName = new Map((await deps.clusters.list()).map((snapshot) => [snapshot.record.name, snapshot.record.id]));
    await seedDemoWorkspaces({ identity: deps.identity, workspaces: deps.workspaces, admin: BOOTSTRAP_ADMIN, clusterIdByName, logger });
    await seedDemoCatalog({ catalog: deps.catalog, admin: BOOTSTRAP_ADMIN, logger });
    await seedDemoAppMaps({ appMaps: deps.appMaps, workspaces: deps.workspaces, admin: BOOTSTRAP_ADMIN, clusterIdByName, logger });
    if (registry !== undefined) {
      const platformRegistry = await deps.registries.ensureBuiltin(registry.url);
      await seedDemoBuilds({
        builds: deps.builds,
        registries: deps.registries,
        workspaces: deps.workspaces,
        admin: BOOTSTRAP_ADMIN,
        registry: platformRegistry,
        clusterIdByName,
        logger,
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
