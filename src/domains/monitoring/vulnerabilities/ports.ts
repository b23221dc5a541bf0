import type { VulnerabilityReportProjection } from './model.js';

/** A workload by its controller kind and name (Deployment web, CronJob nightly…). */
export interface WorkloadName {
  readonly kind: string;
  readonly name: string;
}

/** What the informer caches know of Trivy Operator's reports (implemented on the informer pool). Reads never call the apiserver. */
export interface VulnerabilityReportSource {
  /** Every connected cluster. */
  clusterIds(): string[];
  /** Reports of a cluster (of one namespace); empty for a cluster without the CRD or not connected. */
  reports(clusterId: string, namespace?: string): readonly VulnerabilityReportProjection[];
  /**
   * The workload a report's controller belongs to: the Deployment of a ReplicaSet, the CronJob of a
   * Job, else the controller itself (a StatefulSet…); undefined when it is not a workload the graph shows.
   */
  workloadOf(clusterId: string, namespace: string, kind: string, name: string): WorkloadName | undefined;
}
