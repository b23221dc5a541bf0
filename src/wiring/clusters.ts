import { ClusterService, DayTwoService } from '../domains/clusters/index.js';
import { createSecretBox } from '../infra/crypto/secret-box.js';
import { createClusterStore } from '../infra/db/cluster-store.js';
import { createClusterOperations } from '../infra/k8s/cluster-operations.js';
import { createClusterProbe } from '../infra/k8s/cluster-probe.js';
import { createClusterChanges } from '../infra/nats/cluster-changes.js';
import { createClusterEventSource } from '../infra/nats/cluster-event-source.js';
import { DEFAULT_LIMITS, type GatewayLimits } from '../config/config.js';
import type { Infra } from './infra.js';

export interface ClustersWiring {
  readonly service: ClusterService;
  readonly dayTwo: DayTwoService;
  /** Connects every stored cluster and follows what other replicas register, change or remove. */
  start(): Promise<void>;
  /** Stops following changes, then every watch: before simulated apiservers go away, so no reconnect noise is logged. */
  stopWatching(): Promise<void>;
}

/** The clusters domain on the informer pool, the database, the bus and the cluster probe. */
export function wireClusters(infra: Infra, limits: Pick<GatewayLimits, 'clusterResyncSeconds'> = DEFAULT_LIMITS): ClustersWiring {
  const { informers, logger } = infra;
  const service = new ClusterService({
    store: createClusterStore(infra.dataSource),
    connections: {
      connect: (clusterId, kubeconfig, context) => informers.connect(clusterId, kubeconfig, context),
      disconnect: (clusterId) => informers.disconnect(clusterId),
      remove: (clusterId) => informers.disconnect(clusterId, { removed: true }),
      view: (clusterId) => informers.get(clusterId),
      connectedIds: () => informers.clusterIds(),
      settled: (clusterId, timeoutMs) => informers.settled(clusterId, timeoutMs),
    },
    probe: createClusterProbe({ allowances: infra.kubeconfigAllowances, egress: infra.egress, timeoutMs: 10_000 }),
    sealer: createSecretBox(infra.secretKey),
    events: createClusterEventSource(infra.hub),
    changes: createClusterChanges(infra.bus),
    logger,
    resyncMs: limits.clusterResyncSeconds * 1000,
  });
  informers.onStatusChange((clusterId, status) => {
    service.recordStatus(clusterId, status).catch((error: unknown) => logger.warn('cannot record cluster status', { clusterId, error: String(error) }));
  });
  const dayTwo = new DayTwoService({
    operations: createClusterOperations(informers),
    liveView: (clusterId) => service.liveView(clusterId),
    now: () => new Date(),
    delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  return {
    service,
    dayTwo,
    start: () => service.start(),
    stopWatching: async () => {
      await service.stop();
      await informers.stopAll();
    },
  };
}
