import { VulnerabilityService, type VulnerabilityReportSource, type WorkloadName } from '../domains/monitoring/vulnerabilities/index.js';
import type { InformerPool } from '../infra/k8s/informer-pool.js';

/**
 * The controller a report names, up to the workload the graph shows. ReplicaSets are not watched:
 * a Deployment names each of its ReplicaSets `<deployment>-<pod-template-hash>`, and the hash has
 * no dash, so the Deployment is the ReplicaSet's name without its last segment (when it exists).
 */
export function workloadOfController(
  workloads: ReadonlyArray<{ kind: string; name: string; owner?: { kind: string; name: string } }>,
  kind: string,
  name: string,
): WorkloadName | undefined {
  switch (kind) {
    case 'ReplicaSet': {
      const dash = name.lastIndexOf('-');
      const deployment = dash < 0 ? undefined : workloads.find((workload) => workload.kind === 'Deployment' && workload.name === name.slice(0, dash));
      return deployment === undefined ? undefined : { kind: 'Deployment', name: deployment.name };
    }
    case 'Job': {
      const owner = workloads.find((workload) => workload.kind === 'Job' && workload.name === name)?.owner;
      return owner?.kind === 'CronJob' ? { kind: 'CronJob', name: owner.name } : { kind: 'Job', name };
    }
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'CronJob':
      return { kind, name };
    default:
      return undefined;
  }
}

export function wireVulnerabilities(informers: InformerPool): VulnerabilityService {
  const source: VulnerabilityReportSource = {
    clusterIds: () => informers.clusterIds(),
    reports: (clusterId, namespace) => informers.get(clusterId)?.vulnerabilityReports(namespace) ?? [],
    workloadOf: (clusterId, namespace, kind, name) => workloadOfController(informers.get(clusterId)?.workloads(namespace) ?? [], kind, name),
  };
  return new VulnerabilityService(source);
}
