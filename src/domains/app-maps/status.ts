/** What the live stream reports of a map: its verdict and replica counts, and a digest to tell a change. */
import { createHash } from 'node:crypto';
import type { Health } from './health.js';
import type { Picture, ReplicaTotals } from './picture.js';

/** Workloads one event lists at most (a namespace of thousands of workloads still makes a bounded event). */
export const MAX_EVENT_WORKLOADS = 200;

export interface WorkloadStatus extends ReplicaTotals {
  readonly kind: string;
  readonly name: string;
  readonly health: Health;
}

export interface MapStatus {
  readonly health: Health;
  readonly replicas: ReplicaTotals;
  readonly workloads: readonly WorkloadStatus[];
}

export function statusOf(picture: Picture): MapStatus {
  return {
    health: picture.health,
    replicas: picture.replicas,
    workloads: picture.workloads.slice(0, MAX_EVENT_WORKLOADS).map(({ object, health }) => ({
      kind: object.kind,
      name: object.name,
      desired: object.desired,
      ready: object.ready,
      available: object.available,
      updated: object.updated,
      health,
    })),
  };
}

/** A short fingerprint of a status: equal statuses, equal digests (the key order of statusOf is fixed). */
export function digestOf(status: MapStatus): string {
  return createHash('sha256').update(JSON.stringify(status)).digest('base64url').slice(0, 11);
}
