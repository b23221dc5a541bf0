import type { AppMapChange, AppMapChangeFeed, MapTarget, ObservedKind } from '../../domains/app-maps/index.js';
import type { ClusterObjectEvent } from '../../domains/clusters/index.js';
import type { BusMessage, EventBus } from '../../shared/event-bus.js';
import type { Logger } from '../../shared/logger.js';
import { openMerged, type MergedSubject } from './merged-subscription.js';
import { subjects } from './subjects.js';
import type { SubscriptionHub } from './subscription-hub.js';

const OBSERVED_KINDS: readonly ObservedKind[] = ['workloads', 'pods', 'services', 'persistentvolumeclaims'];

/** Published on `kda.v1.appmaps.changed`. */
interface AppMapChangedMessage {
  readonly v: 1;
  readonly appMapId: string;
}

function objectChange(kind: ObservedKind, message: BusMessage<unknown>): AppMapChange | undefined {
  const event = message.data as ClusterObjectEvent<{ namespace?: unknown; uid?: unknown }>;
  if (event.v !== 1 || typeof event.object?.uid !== 'string' || typeof event.object.namespace !== 'string') return undefined;
  // The informers publish projections, which are the shapes the domain reads.
  return { source: kind, clusterId: event.clusterId, type: event.type, object: event.object } as AppMapChange;
}

/**
 * The bus side of appMapEvents: the object events of the maps' namespaces, their clusters' status
 * changes and the maps' own changes, through the process-wide hub (one bus subscription per
 * subject, however many streams read it).
 */
export function createAppMapChangeFeed(hub: SubscriptionHub, bus: EventBus, logger: Logger): AppMapChangeFeed {
  return {
    open: (targets: readonly MapTarget[], appMapIds: readonly string[]) => {
      const wanted = new Set(appMapIds);
      const sources: MergedSubject<AppMapChange>[] = [];
      for (const { clusterId, namespace } of targets) {
        for (const kind of OBSERVED_KINDS) sources.push({ subject: subjects.clusterObjects(clusterId, kind, namespace), map: (message) => objectChange(kind, message) });
      }
      for (const clusterId of new Set(targets.map((target) => target.clusterId))) {
        sources.push({
          subject: subjects.clusterObjects(clusterId, 'status'),
          map: (message) => {
            const status = message.data as { v?: unknown; state?: unknown; reason?: unknown };
            if (status.v !== 1 || typeof status.state !== 'string') return undefined;
            return { source: 'cluster', clusterId, state: status.state, ...(typeof status.reason === 'string' ? { reason: status.reason } : {}) };
          },
        });
      }
      sources.push({
        subject: subjects.appMapChanged,
        map: (message) => {
          const changed = message.data as Partial<AppMapChangedMessage>;
          return changed.v === 1 && typeof changed.appMapId === 'string' && wanted.has(changed.appMapId) ? { source: 'map', appMapId: changed.appMapId } : undefined;
        },
      });
      return openMerged(hub, sources);
    },
    announce: (appMapId) => {
      const message: AppMapChangedMessage = { v: 1, appMapId };
      // Not awaited: a bus outage must not hold the mutation that saved the change. A stream that
      // misses the announcement keeps drawing the map as it was until it restarts.
      bus.publish(subjects.appMapChanged, message).catch((error: unknown) => logger.warn('an application map change was not announced', { appMapId, error: String(error) }));
      return Promise.resolve();
    },
  };
}
