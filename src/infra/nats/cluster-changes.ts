import type { ClusterChanges } from '../../domains/clusters/ports.js';
import type { EventBus } from '../../shared/event-bus.js';
import { subjects } from './subjects.js';

interface ClusterChangedMessage {
  readonly v: 1;
  readonly clusterId: string;
  readonly at: string;
}

/** Announces registrations, changes and removals of clusters on the bus, so every replica follows them. */
export function createClusterChanges(bus: EventBus): ClusterChanges {
  return {
    announce: (clusterId) => bus.publish(subjects.clusterChanged, { v: 1, clusterId, at: new Date().toISOString() } satisfies ClusterChangedMessage),
    listen: (onChange) =>
      bus.subscribe<Partial<ClusterChangedMessage>>(subjects.clusterChanged, (message) => {
        // Only the id is trusted, and only as a key to read the database with.
        if (typeof message.data.clusterId === 'string') onChange(message.data.clusterId);
      }),
  };
}
