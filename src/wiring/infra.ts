import type { DataSource } from 'typeorm';
import { DEFAULT_LIMITS, type GatewayConfig } from '../config/config.js';
import { loadOrCreateLocalSecretKey } from '../infra/crypto/secret-box.js';
import { openDatabase } from '../infra/db/data-source.js';
import { timeQueries } from '../infra/db/instrumentation.js';
import { createAddressPolicy, type AddressPolicy } from '../infra/egress/address-policy.js';
import { createEgress, type Egress } from '../infra/egress/egress.js';
import { InformerPool, type SharedClusters } from '../infra/k8s/informer-pool.js';
import { createNatsClusterStateStore } from '../infra/nats/cluster-state-store.js';
import { createLocalLeases, createNatsLeases, type Leases } from '../infra/nats/lease.js';
import type { KubeconfigAllowances } from '../infra/k8s/kubeconfig.js';
import { createMemoryBus } from '../infra/nats/memory-bus.js';
import { createNatsBus } from '../infra/nats/nats-bus.js';
import { SubscriptionHub } from '../infra/nats/subscription-hub.js';
import type { EventBus } from '../shared/event-bus.js';
import type { Logger } from '../shared/logger.js';
import type { GatewayMetrics } from '../shared/metrics.js';
import type { StopList } from './stop-list.js';

/** The shared edges every domain's wiring draws on. */
export interface Infra {
  /** Seals kubeconfigs and registry passwords at rest. */
  readonly secretKey: string;
  readonly dataSource: DataSource;
  readonly bus: EventBus;
  /** One bus subscription per subject for all GraphQL subscriptions of this process. */
  readonly hub: SubscriptionHub;
  /** One informer set per connected cluster. */
  readonly informers: InformerPool;
  /** Leases of this gateway (one NATS connection per process, shared by every job that needs one; all held without NATS). */
  readonly leases: Leases;
  /** The one way out for user-supplied URLs (DESIGN.md, "Egress"); the demo widens its policy for its own services. */
  readonly egress: Egress;
  readonly egressPolicy: Pick<AddressPolicy, 'allow'>;
  /** What a kubeconfig may ask of this host beyond its API server. */
  readonly kubeconfigAllowances: KubeconfigAllowances;
  readonly logger: Logger;
  /** This gateway's Prometheus registry and instruments. */
  readonly metrics: GatewayMetrics;
}

export interface InfraOptions {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly onDatabaseOpen?: ((dataSource: DataSource) => void) | undefined;
  /** Each dependency's verdict while opening (`database`, `bus`), for /readyz during the start. */
  readonly onDependency?: (name: 'database' | 'bus', ok: boolean) => void;
}

export async function openInfra(config: GatewayConfig, options: InfraOptions, stops: StopList): Promise<Infra> {
  const { logger, metrics } = options;
  const secretKey = config.secretKey ?? (await loadOrCreateLocalSecretKey(config.dataDir));
  const dataSource = await openDatabase(config.database);
  stops.add(() => dataSource.destroy());
  options.onDatabaseOpen?.(dataSource);
  options.onDependency?.('database', true);
  timeQueries(dataSource, metrics);

  const bus = config.bus.kind === 'nats' ? await createNatsBus({ url: config.bus.url, logger, metrics, onWaiting: () => options.onDependency?.('bus', false) }) : createMemoryBus();
  options.onDependency?.('bus', true);
  stops.add(() => bus.close());

  const hub = new SubscriptionHub(bus, { onDropped: (count) => metrics.eventsDropped.inc({ reason: 'slow_consumer' }, count) });
  stops.add(async () => hub.close());

  const egressPolicy = createAddressPolicy(config.outbound?.egressAllow ?? []);
  const egress = createEgress(egressPolicy);
  const kubeconfigAllowances: KubeconfigAllowances = {
    execCredentials: config.allowExecCredentials ?? false,
    fileReferences: config.outbound?.allowKubeconfigFiles ?? false,
    proxy: config.outbound?.allowKubeconfigProxy ?? false,
    insecureTransport: config.outbound?.allowInsecureClusters ?? false,
  };
  const limits = config.limits ?? DEFAULT_LIMITS;
  // Stopped after the informers (stops run in reverse): their last changes and lease releases need them.
  const leases = config.bus.kind === 'nats' ? await createNatsLeases({ url: config.bus.url, logger }) : createLocalLeases();
  stops.add(() => leases.close());
  let shared: SharedClusters | undefined;
  if (config.bus.kind === 'nats') {
    const state = await createNatsClusterStateStore({ url: config.bus.url, logger });
    stops.add(() => state.close());
    shared = { leases, state, leaseTtlMs: limits.clusterLeaseSeconds * 1000 };
  }
  const informers = new InformerPool({ bus, logger, kubeconfigAllowances, outboxMaxEvents: limits.outboxMaxEvents, ...(shared === undefined ? {} : { shared }) });
  stops.add(() => informers.stopAll());
  return { secretKey, dataSource, bus, hub, informers, leases, egress, egressPolicy, kubeconfigAllowances, logger, metrics };
}
