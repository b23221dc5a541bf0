import type { NodeLookups } from '../../shared/node-lookup.js';
import type { Cluster } from './cluster-type.js';
import { scopedLiveView, visibleCluster, type ClustersContext } from './context.js';
import { toNode, toPod } from './mappers.js';
import { parseClusterScopedKey, parseNamespacedKey } from './object-keys.js';
import { toClusterEvent, toPersistentVolume, toPersistentVolumeClaim, toService, toStorageClass, toWorkload } from './object-mappers.js';
import type { ClusterLiveView } from './ports.js';

/** The cluster through the request's loader (one statement for every id of a `nodes` call), as the caller may see it. */
async function clusterFor(context: ClustersContext, clusterId: string): Promise<Cluster | null> {
  const snapshot = await context.loaders.clusterById.load(clusterId);
  return snapshot === null ? null : visibleCluster(context, snapshot);
}

/**
 * An object of a namespaced kind, read from the caches narrowed to what the caller may see (a
 * namespace not allotted to them answers nothing). The uid must match: a recreated object is another.
 */
function namespaced<P extends { name: string; uid: string }>(read: (live: ClusterLiveView, namespace: string) => P[], map: (clusterId: string, projection: P) => object) {
  return async (context: ClustersContext, localKey: string): Promise<object | null> => {
    const key = parseNamespacedKey(localKey);
    const cluster = key === null ? null : await clusterFor(context, key.clusterId);
    if (key === null || cluster === null) return null;
    const found = read(scopedLiveView(context, cluster), key.namespace).find((item) => item.name === key.name && item.uid === key.uid);
    return found === undefined ? null : map(cluster.id, found);
  };
}

function clusterScoped<P extends { name: string; uid: string }>(read: (live: ClusterLiveView) => P[], map: (clusterId: string, projection: P, live: ClusterLiveView) => object) {
  return async (context: ClustersContext, localKey: string): Promise<object | null> => {
    const key = parseClusterScopedKey(localKey);
    const cluster = key === null ? null : await clusterFor(context, key.clusterId);
    if (key === null || cluster === null) return null;
    const live = scopedLiveView(context, cluster);
    const found = read(live).find((item) => item.name === key.name && item.uid === key.uid);
    return found === undefined ? null : map(cluster.id, found, live);
  };
}

/** `node(id:)` for the clusters domain: the same visibility as `cluster(id:)` and the cluster's fields. */
export const clusterNodeLookups: NodeLookups<ClustersContext> = {
  Cluster: (context, clusterId) => clusterFor(context, clusterId),
  Pod: namespaced((live, namespace) => live.pods(namespace), toPod),
  Workload: namespaced((live, namespace) => live.workloads(namespace), toWorkload),
  Service: namespaced((live, namespace) => live.services(namespace), toService),
  PersistentVolumeClaim: namespaced((live, namespace) => live.persistentVolumeClaims(namespace), toPersistentVolumeClaim),
  ClusterNode: clusterScoped(
    (live) => live.nodes(),
    (clusterId, node, live) => toNode(clusterId, node, live.pods().filter((pod) => pod.nodeName === node.name).length),
  ),
  PersistentVolume: clusterScoped((live) => live.persistentVolumes(), toPersistentVolume),
  StorageClass: clusterScoped((live) => live.storageClasses(), toStorageClass),
  // Events have no name in the caches: their key is cluster, namespace and uid.
  ClusterEvent: async (context, localKey) => {
    const key = parseClusterScopedKey(localKey);
    const cluster = key === null ? null : await clusterFor(context, key.clusterId);
    if (key === null || cluster === null) return null;
    const found = scopedLiveView(context, cluster)
      .events(key.name)
      .find((event) => event.uid === key.uid);
    return found === undefined ? null : toClusterEvent(cluster.id, found);
  },
};
