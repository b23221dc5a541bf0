/**
 * Local keys of Kubernetes objects (the schema makes them global ids). They hold what finds the
 * object in the informer caches (cluster, namespace, name) and its uid, checked on lookup, so an
 * object deleted and recreated under the same name gets a new id. Names, namespaces and uids never
 * contain a slash; cluster ids are uuids.
 */
export function namespacedKey(clusterId: string, namespace: string, name: string, uid: string): string {
  return `${clusterId}/${namespace}/${name}/${uid}`;
}

export function clusterScopedKey(clusterId: string, name: string, uid: string): string {
  return `${clusterId}/${name}/${uid}`;
}

export interface NamespacedKey {
  readonly clusterId: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export interface ClusterScopedKey {
  readonly clusterId: string;
  readonly name: string;
  readonly uid: string;
}

function parts(key: string, count: number): string[] | null {
  const split = key.split('/');
  return split.length === count && split.every((part) => part.length > 0) ? split : null;
}

export function parseNamespacedKey(key: string): NamespacedKey | null {
  const split = parts(key, 4);
  return split === null ? null : { clusterId: split[0]!, namespace: split[1]!, name: split[2]!, uid: split[3]! };
}

export function parseClusterScopedKey(key: string): ClusterScopedKey | null {
  const split = parts(key, 3);
  return split === null ? null : { clusterId: split[0]!, name: split[1]!, uid: split[2]! };
}
