import type { ClusterProvider, ClusterService } from './domains/clusters/index.js';
import type { Logger } from './shared/logger.js';
import { demoClusterProfiles, seedDemoCluster, startSimulatedCluster, type SimulatedCluster } from './simulator/index.js';

export interface DemoClusters {
  readonly clusters: readonly SimulatedCluster[];
  close(): Promise<void>;
}

const PROVIDERS: Record<string, ClusterProvider> = { 'on-premise': 'ON_PREMISE', gcp: 'GKE', aws: 'EKS', azure: 'AKS' };

/**
 * The embedded default's world: simulated apiservers on loopback, seeded like the product demo,
 * with pods that keep changing, registered by kubeconfig exactly as a real cluster would be.
 */
export async function startDemoClusters(clusters: ClusterService, logger: Logger): Promise<DemoClusters> {
  const started: SimulatedCluster[] = [];
  const close = async () => {
    await Promise.all(started.map((cluster) => cluster.close()));
  };
  try {
    for (const [index, profile] of demoClusterProfiles.entries()) {
      const simulated = await startSimulatedCluster({ name: profile.name });
      started.push(simulated);
      seedDemoCluster(simulated, profile);
      simulated.startScenario({ intervalMs: 3_000, seed: index + 1 });
      await clusters.registerOrRefresh({
        name: profile.name,
        provider: PROVIDERS[profile.provider] ?? 'OTHER',
        region: profile.region,
        kubeconfig: simulated.kubeconfig(),
      });
      logger.info('simulated cluster started', { name: profile.name, url: simulated.url });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { clusters: started, close };
}
