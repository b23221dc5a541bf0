import type { JsonObject } from '../rendering/json.js';
import type { ObjectRef } from '../releases/ports.js';
import type { PrincipalLike } from '../ports.js';

/** A workload of a map, as the caches show it now. */
export interface MapWorkloadFact {
  readonly kind: string;
  readonly name: string;
  /** The kind of its controller (CronJob for a Job a CronJob started); null when none. */
  readonly ownerKind: string | null;
}

/** An application map and what the caches show of it now. */
export interface MapFacts {
  readonly id: string;
  readonly name: string;
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly namespace: string;
  /**
   * READY: drawn from the caches; UNAVAILABLE: its cluster cannot be read now; UNREADABLE: it cannot
   * be drawn at all (its cluster is gone, its namespace no longer allotted) — `reason` says why.
   */
  readonly state: 'READY' | 'UNAVAILABLE' | 'UNREADABLE';
  readonly reason: string | null;
  readonly workloads: readonly MapWorkloadFact[];
  /** The Services its picture holds (those sending traffic to its workloads, and those its selector takes). */
  readonly services: readonly string[];
}

/**
 * The application maps as the catalog reads them (plugged in by the composition root from the
 * app-maps domain's service): the map only if the caller may read it.
 */
export interface AppMapSource {
  /** null when the map does not exist or the caller may not read it. */
  read(principal: PrincipalLike, appMapId: string): Promise<MapFacts | null>;
}

/** Full objects from a cluster's apiserver, with the gateway's credentials (implemented in src/infra/k8s). Failures are ClusterRequestErrors. */
export interface ClusterObjects {
  /** The object as the apiserver has it; null when absent. */
  read(clusterId: string, ref: ObjectRef): Promise<JsonObject | null>;
  /** Every object of a kind in a namespace, each with its apiVersion and kind. */
  list(clusterId: string, kind: { readonly apiVersion: string; readonly kind: string; readonly namespace: string }): Promise<JsonObject[]>;
}
