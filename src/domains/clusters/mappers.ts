import type { NamespaceScope, StorageClassScope } from '../../shared/access.js';
import type { Cluster } from './cluster-type.js';
import type { ClusterSnapshot } from './cluster-service.js';
import type { Container, ClusterNode, Pod, Resources } from './graphql-types.js';
import { clusterScopedKey, namespacedKey } from './object-keys.js';
import type { LiveClusterStatus } from './ports.js';
import type { ContainerProjection, NodeProjection, PodProjection, ResourceQuantities } from './model.js';

export function toCluster(snapshot: ClusterSnapshot, status: LiveClusterStatus, namespaceScope: NamespaceScope, storageClassScope: StorageClassScope = 'ALL'): Cluster {
  const { record } = snapshot;
  return {
    id: record.id,
    name: record.name,
    provider: record.provider,
    region: record.region,
    status: status.state,
    statusReason: status.reason ?? null,
    lastSeenAt: status.lastSeenAt ?? null,
    version: record.kubernetesVersion,
    snapshot,
    namespaceScope,
    storageClassScope,
  };
}

export function toResources(quantities: ResourceQuantities): Resources {
  return { cpuCores: quantities.cpuCores, memoryBytes: quantities.memoryBytes, storageBytes: quantities.storageBytes, pods: quantities.pods };
}

export function sumResources(items: readonly ResourceQuantities[]): Resources {
  const total: Resources = { cpuCores: 0, memoryBytes: 0, storageBytes: 0, pods: 0 };
  for (const item of items) {
    total.cpuCores += item.cpuCores;
    total.memoryBytes += item.memoryBytes;
    total.storageBytes += item.storageBytes;
    total.pods += item.pods;
  }
  // Cores are summed from millicores; keep the answer free of float noise.
  total.cpuCores = Math.round(total.cpuCores * 1000) / 1000;
  return total;
}

/** Pods that still hold their requests on a node (the scheduler's view). */
export function isActivePod(pod: PodProjection): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

export function requestedResources(pods: readonly PodProjection[]): Resources {
  return sumResources(
    pods.filter(isActivePod).map((pod) => ({
      cpuCores: pod.containers.reduce((sum, container) => sum + container.requests.cpuCores, 0),
      memoryBytes: pod.containers.reduce((sum, container) => sum + container.requests.memoryBytes, 0),
      storageBytes: 0,
      pods: 1,
    })),
  );
}

export function toNode(clusterId: string, node: NodeProjection, podCount: number): ClusterNode {
  return {
    id: clusterScopedKey(clusterId, node.name, node.uid),
    clusterId,
    name: node.name,
    roles: node.roles,
    ready: node.ready,
    schedulable: !node.unschedulable,
    kubeletVersion: node.kubeletVersion ?? null,
    internalIP: node.internalIP ?? null,
    capacity: toResources(node.capacity),
    allocatable: toResources(node.allocatable),
    conditions: node.conditions.map((condition) => ({ type: condition.type, status: condition.status, reason: condition.reason ?? null, message: condition.message ?? null })),
    taints: node.taints.map((taint) => ({ key: taint.key, value: taint.value ?? null, effect: taint.effect })),
    labels: node.labels,
    podCount,
  };
}

function toContainer(container: ContainerProjection): Container {
  return {
    name: container.name,
    image: container.image,
    ready: container.ready,
    restartCount: container.restartCount,
    state: container.state,
    reason: container.reason ?? null,
    startedAt: container.startedAt ?? null,
  };
}

/**
 * A pod as the graph shows it. Its containers are mapped when read: a page of pods rarely selects
 * them, and mapping them for every pod was a tenth of such a query.
 */
class PodValue implements Pod {
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly restarts: number;
  readonly nodeName: string | null;
  readonly podIP: string | null;
  readonly startedAt: string | null;
  readonly labels: Record<string, string>;
  readonly owner: Pod['owner'];
  readonly #projection: PodProjection;
  #containers: Container[] | undefined;

  constructor(
    readonly clusterId: string,
    pod: PodProjection,
  ) {
    this.#projection = pod;
    this.id = namespacedKey(clusterId, pod.namespace, pod.name, pod.uid);
    this.name = pod.name;
    this.namespace = pod.namespace;
    this.uid = pod.uid;
    this.phase = pod.phase;
    this.ready = pod.ready;
    this.restarts = pod.restarts;
    this.nodeName = pod.nodeName ?? null;
    this.podIP = pod.podIP ?? null;
    this.startedAt = pod.startedAt ?? null;
    this.labels = pod.labels;
    this.owner = pod.owner ? { kind: pod.owner.kind, name: pod.owner.name, uid: pod.owner.uid } : null;
  }

  get containers(): Container[] {
    return (this.#containers ??= this.#projection.containers.map(toContainer));
  }
}

export function toPod(clusterId: string, pod: PodProjection): Pod {
  return new PodValue(clusterId, pod);
}
