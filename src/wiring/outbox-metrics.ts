import type { OutboxStats } from '../infra/nats/outbox.js';
import type { ObservedMetric } from '../shared/metrics.js';

export interface LabelledOutbox {
  readonly labels: Readonly<Record<string, string>>;
  readonly stats: OutboxStats;
}

/**
 * The lag between what the gateway saw and what reached the bus, per outbox (one per cluster
 * with `outbox="cluster"` and its `cluster_id`, one for build events with `outbox="builds"`).
 * Zero pending and zero age mean every change is on the bus.
 */
export function outboxMetrics(outboxes: () => readonly LabelledOutbox[]): ObservedMetric[] {
  const family = (name: string, help: string, type: 'gauge' | 'counter', value: (stats: OutboxStats) => number): ObservedMetric => ({
    name,
    help,
    type,
    labelNames: ['outbox', 'cluster_id'],
    collect: () => outboxes().map(({ labels, stats }) => ({ labels, value: value(stats) })),
  });
  return [
    family('kda_outbox_pending_events', 'Events waiting to be published on the bus (they pile up while NATS is unreachable).', 'gauge', (stats) => stats.pending),
    family(
      'kda_outbox_oldest_pending_age_seconds',
      'Age of the oldest change not yet on the bus (a dropped one counts until its resync is published); 0 when none.',
      'gauge',
      (stats) => stats.oldestPendingAgeMs / 1000,
    ),
    family(
      'kda_outbox_dropped_events_total',
      'Events dropped because KDA_OUTBOX_MAX_EVENTS were already waiting; each drop leads to a resync.',
      'counter',
      (stats) => stats.dropped,
    ),
    family('kda_outbox_resyncs_total', 'Resyncs published after dropped events (the current state of what the dropped events were about).', 'counter', (stats) => stats.resyncs),
  ];
}
