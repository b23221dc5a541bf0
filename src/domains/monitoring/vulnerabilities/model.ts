/** What the informers keep of a Trivy Operator VulnerabilityReport: counts and the findings, nothing else. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface SeverityCounts {
  readonly critical: number;
  readonly high: number;
  readonly medium: number;
  readonly low: number;
  readonly unknown: number;
}

export interface VulnerabilityFinding {
  /** CVE-…, GHSA-…: the advisory. */
  readonly id: string;
  /** The package it is found in. */
  readonly package: string;
  readonly installedVersion: string;
  /** null: no fix released yet. */
  readonly fixedVersion: string | null;
  readonly severity: Severity;
  readonly title: string;
  readonly link: string | null;
}

export interface VulnerabilityReportProjection {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  /** The controller it reports on (trivy-operator.resource.kind/name): ReplicaSet, StatefulSet, DaemonSet, Job, Pod… */
  readonly ownerKind: string;
  readonly ownerName: string;
  readonly container: string;
  /** registry.server, e.g. index.docker.io. */
  readonly registry: string;
  /** artifact.repository, e.g. library/nginx. */
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
  /** report.updateTimestamp (creation time when absent). */
  readonly scannedAt?: string;
  readonly counts: SeverityCounts;
  /** At most MAX_FINDINGS_PER_REPORT, the most severe first; `counts` still counts them all. */
  readonly findings: readonly VulnerabilityFinding[];
}
