/**
 * A cluster's watch caches as the replica holding its lease last published them (issue 12,
 * "Replicas"): every cached projection, the status, and per kind the resourceVersion a new holder
 * may resume its watch from. The holder writes it after each change is on the bus; the other
 * replicas read it (they open no watch of their own) and a replica that takes the lease over
 * starts from it. Implemented on a JetStream KV bucket in src/infra/nats/cluster-state-store.ts.
 */
import type { ClusterConnectionStatus } from './cluster-status.js';
import type { InformedKind } from './informed-kinds.js';

/** Where a holder's watch of one kind had got to: everything before it is published and mirrored. */
export interface ResumePoint {
  readonly resourceVersion: string;
  /** Which connection (kubeconfig and context) it was reached with: another one's versions mean nothing. */
  readonly connection: string;
}

export type MirrorUpdate =
  | { readonly type: 'object'; readonly kind: InformedKind; readonly key: string; readonly object: object }
  | { readonly type: 'deleted'; readonly kind: InformedKind; readonly key: string }
  | { readonly type: 'resume'; readonly kind: InformedKind; readonly point: ResumePoint }
  | { readonly type: 'status'; readonly status: ClusterConnectionStatus };

/** The holder's side; every write resolves once stored, in the order made. */
export interface ClusterStateWriter {
  putObject(kind: InformedKind, key: string, object: object): Promise<void>;
  deleteObject(kind: InformedKind, key: string): Promise<void>;
  putResumePoint(kind: InformedKind, point: ResumePoint): Promise<void>;
  putStatus(status: ClusterConnectionStatus): Promise<void>;
  /** Deletes the mirrored objects of `kind` whose key is not in `keep` (after a list: what nobody deleted). */
  prune(kind: InformedKind, keep: ReadonlySet<string>): Promise<void>;
  /** Drops every entry of the cluster (it was removed). */
  purge(): Promise<void>;
}

export interface ClusterStateStore {
  writer(clusterId: string): ClusterStateWriter;
  /**
   * Every mirrored entry of the cluster, then every change; `onInitialized` once the entries there
   * were at the start have all been delivered. Resolves with a stop once listening.
   */
  follow(clusterId: string, onUpdate: (update: MirrorUpdate) => void, onInitialized: () => void): Promise<() => Promise<void>>;
}
