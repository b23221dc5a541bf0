import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClusterProvider, ClusterService } from '../domains/clusters/index.js';
import type { Logger } from '../shared/logger.js';
import { demoClusterProfiles, seedDemoCluster, startSimulatedCluster, type SimulatedCluster } from '../simulator/index.js';

export interface DemoClusters {
  readonly clusters: readonly SimulatedCluster[];
  close(): Promise<void>;
}

const PROVIDERS: Record<string, ClusterProvider> = { 'on-premise': 'ON_PREMISE', gcp: 'GKE', aws: 'EKS', azure: 'AKS' };

/**
 * The embedded default's world: simulated apiservers on loopback, seeded like the product demo,
 * with pods that keep changing, registered by kubeconfig exactly as a real cluster would be.
 */
/** `allowEgress`: the egress policy learns each simulated apiserver's loopback host:port before it is registered. */
export async function startDemoClusters(clusters: ClusterService, logger: Logger, kubeconfigDir: string, allowEgress: (hostAndPort: string) => void): Promise<DemoClusters> {
  const started: SimulatedCluster[] = [];
  const close = async () => {
    await Promise.all(started.map((cluster) => cluster.close()));
  };
  try {
    await mkdir(kubeconfigDir, { recursive: true });
    for (const [index, profile] of demoClusterProfiles.entries()) {
      // A human pace: a rollout moves a pod every couple of seconds, a load balancer takes a few.
      const simulated = await startSimulatedCluster({ name: profile.name, podReadyDelayMs: 2_000, loadBalancerDelayMs: 3_000 });
      started.push(simulated);
      seedDemoCluster(simulated, profile);
      simulated.startScenario({ intervalMs: 3_000, seed: index + 1 });
      allowEgress(new URL(simulated.url).host);
      await clusters.registerOrRefresh({
        name: profile.name,
        provider: PROVIDERS[profile.provider] ?? 'OTHER',
        region: profile.region,
        kubeconfig: simulated.kubeconfig(),
      });
      // So a person can point kubectl at the same cluster the gateway watches.
      const kubeconfigFile = path.join(kubeconfigDir, `kubeconfig-${profile.name}.yaml`);
      await writeFile(kubeconfigFile, simulated.kubeconfig(), { mode: 0o600 });
      logger.info('simulated cluster started', { name: profile.name, url: simulated.url, kubeconfig: kubeconfigFile });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { clusters: started, close };
}
