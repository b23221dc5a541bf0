/** Alerts: what needs a human now, opened when a condition appears and resolved when it goes. */

export const ALERT_KINDS = ['NODE_NOT_READY', 'POD_CRASH_LOOPING', 'WORKLOAD_UNAVAILABLE', 'CRITICAL_VULNERABILITY', 'USAGE_OVER_THRESHOLD'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_SEVERITIES = ['CRITICAL', 'WARNING'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** A condition seen in a cluster now; its fingerprint names it across evaluations (and replicas). */
export interface AlertCondition {
  readonly fingerprint: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly clusterId: string;
  /** The one workspace that sees it (a usage alert: its threshold was crossed); null or absent: every workspace the object is allotted to. */
  readonly workspaceId?: string | null;
  /** null for cluster-scoped objects (nodes). */
  readonly namespace: string | null;
  readonly objectKind: string;
  readonly objectName: string;
  readonly message: string;
}

export interface AlertRecord extends AlertCondition {
  readonly id: string;
  readonly openedAt: Date;
  /** null while open. */
  readonly resolvedAt: Date | null;
}

export type AlertState = 'OPEN' | 'RESOLVED' | 'ALL';

/** A workspace's usage thresholds, in percent of a node's allocatable; null: off. */
export interface AlertThresholds {
  readonly workspaceId: string;
  readonly cpuPercent: number | null;
  readonly memoryPercent: number | null;
  readonly updatedAt: Date | null;
}
