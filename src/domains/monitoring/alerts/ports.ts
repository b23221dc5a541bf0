import type { AlertView } from './conditions.js';
import type { AlertCondition, AlertRecord, AlertState, AlertThresholds } from './records.js';

/** Where alerts are visible: cluster id → its namespaces allotted to the workspace (null: the whole cluster). */
export type AlertScope = ReadonlyMap<string, readonly string[] | null>;

/** Persistence (implemented in src/infra/db). Opening and resolving are idempotent, so replicas may evaluate side by side. */
export interface AlertStore {
  /** The open alerts of a cluster. */
  openOf(clusterId: string): Promise<AlertRecord[]>;
  /** Opens an alert for each condition not open already (one open alert per fingerprint, whoever writes first). */
  open(conditions: readonly AlertCondition[], at: Date): Promise<void>;
  /** Resolves the open alerts with these fingerprints (already resolved ones stay as they are). */
  resolve(fingerprints: readonly string[], at: Date): Promise<void>;
  /** The workspace's alerts within the scope (node alerts: of any allotted cluster; usage alerts: its own only), newest first, at most `limit`. */
  list(workspaceId: string, scope: AlertScope, state: AlertState, limit: number): Promise<AlertRecord[]>;
  /** Deletes alerts resolved before `before`; how many went. */
  purgeResolved(before: Date): Promise<number>;
}

/** Usage thresholds per workspace (src/infra/db). */
export interface AlertThresholdStore {
  get(workspaceId: string): Promise<AlertThresholds | null>;
  set(thresholds: AlertThresholds): Promise<void>;
  /** Every workspace with at least one threshold on. */
  allSet(): Promise<AlertThresholds[]>;
}

export interface AlertPrincipal {
  readonly userId: string | null;
  readonly systemRole: string;
}

/** The workspaces domain's answers (its access scope and allotments), plugged in by the composition root. */
export interface AlertGate {
  exists(workspaceId: string): Promise<boolean>;
  allows(principal: AlertPrincipal, workspaceId: string, permission: 'cluster:read'): Promise<boolean>;
  allotmentsOfWorkspaces(workspaceIds: readonly string[]): Promise<ReadonlyMap<string, AlertScope>>;
  /** Whether the caller may manage the workspace (its MANAGERs and administrators). */
  manages(principal: AlertPrincipal, workspaceId: string): Promise<boolean>;
}

/** The clusters' watch caches (implemented over the informer pool): the connected clusters and their views. */
export interface AlertSources {
  clusterIds(): readonly string[];
  /** undefined when the cluster is not connected or not synced: its alerts are left as they are. */
  view(clusterId: string): AlertView | undefined;
}
