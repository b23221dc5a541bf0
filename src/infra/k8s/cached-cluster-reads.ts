import type {
  KubernetesEventProjection,
  NamespaceProjection,
  NodeProjection,
  PersistentVolumeClaimProjection,
  PersistentVolumeProjection,
  PodDisruptionBudgetProjection,
  PodProjection,
  ServiceProjection,
  StorageClassProjection,
  WorkloadProjection,
} from '../../domains/clusters/model.js';
import type { VulnerabilityReportProjection } from '../../domains/monitoring/vulnerabilities/model.js';
import type { InformedKind, InformedProjections } from './informed-kinds.js';

const WORKLOAD_KINDS = ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'] as const;

/**
 * The read side of a cluster's caches, whatever fills them: the watches of the replica that holds
 * the cluster (cluster-informers.ts) or the mirror others follow (mirror-view.ts).
 */
export abstract class CachedClusterReads {
  /** One kind's cached projections, all of them or one namespace's. */
  protected abstract read<K extends InformedKind>(kind: K, namespace: string | undefined): InformedProjections[K][];

  nodes(): NodeProjection[] {
    return this.read('nodes', undefined);
  }

  namespaces(): NamespaceProjection[] {
    return this.read('namespaces', undefined);
  }

  pods(namespace?: string): PodProjection[] {
    return this.read('pods', namespace);
  }

  /** Deployments, StatefulSets, DaemonSets, Jobs and CronJobs together. */
  workloads(namespace?: string): WorkloadProjection[] {
    return WORKLOAD_KINDS.flatMap((kind) => this.read(kind, namespace));
  }

  services(namespace?: string): ServiceProjection[] {
    return this.read('services', namespace);
  }

  persistentVolumes(): PersistentVolumeProjection[] {
    return this.read('persistentvolumes', undefined);
  }

  persistentVolumeClaims(namespace?: string): PersistentVolumeClaimProjection[] {
    return this.read('persistentvolumeclaims', namespace);
  }

  storageClasses(): StorageClassProjection[] {
    return this.read('storageclasses', undefined);
  }

  /** The newest events first (at most MAX_EVENTS_PER_CLUSTER are kept). */
  events(namespace?: string): KubernetesEventProjection[] {
    return this.read('events', namespace).sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0));
  }

  podDisruptionBudgets(namespace?: string): PodDisruptionBudgetProjection[] {
    return this.read('poddisruptionbudgets', namespace);
  }

  /** Trivy Operator's reports; empty when the cluster does not run it (the kind is then absent). */
  vulnerabilityReports(namespace?: string): VulnerabilityReportProjection[] {
    return this.read('vulnerabilityreports', namespace);
  }
}
