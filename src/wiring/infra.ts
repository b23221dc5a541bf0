import type { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config/config.js';
import { loadOrCreateLocalSecretKey } from '../infra/crypto/secret-box.js';
import { openDatabase } from '../infra/db/data-source.js';
import { InformerPool } from '../infra/k8s/informer-pool.js';
import { createMemoryBus } from '../infra/nats/memory-bus.js';
import { createNatsBus } from '../infra/nats/nats-bus.js';
import { SubscriptionHub } from '../infra/nats/subscription-hub.js';
import type { EventBus } from '../shared/event-bus.js';
import type { Logger } from '../shared/logger.js';
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
  readonly logger: Logger;
}

export interface InfraOptions {
  readonly logger: Logger;
  readonly onDatabaseOpen?: ((dataSource: DataSource) => void) | undefined;
}

export async function openInfra(config: GatewayConfig, options: InfraOptions, stops: StopList): Promise<Infra> {
  const { logger } = options;
  const secretKey = config.secretKey ?? (await loadOrCreateLocalSecretKey(config.dataDir));
  const dataSource = await openDatabase(config.database);
  stops.add(() => dataSource.destroy());
  options.onDatabaseOpen?.(dataSource);

  const bus = config.bus.kind === 'nats' ? await createNatsBus({ url: config.bus.url, logger }) : createMemoryBus();
  stops.add(() => bus.close());

  const hub = new SubscriptionHub(bus);
  stops.add(async () => hub.close());

  const informers = new InformerPool({ bus, logger });
  stops.add(() => informers.stopAll());
  return { secretKey, dataSource, bus, hub, informers, logger };
}
