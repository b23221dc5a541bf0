import { namespaceVisible, storageClassVisible, type NamespaceScope, type StorageClassScope } from '../../shared/access.js';
import type { ClusterLiveView } from './ports.js';

/**
 * A cluster's caches as one caller may see them: namespaced objects only in the namespaces allotted
 * to them; storage classes only those allotted to them; persistent volumes (cluster-wide, anyone's)
 * only with the whole cluster allotted. Nodes stay visible, since a workspace must see the capacity
 * it runs on.
 */
export function scopeLiveView(live: ClusterLiveView, scope: NamespaceScope, storageClasses: StorageClassScope): ClusterLiveView {
  if (scope === 'ALL') return live;
  const visible = <T extends { namespace: string }>(items: T[]) => items.filter((item) => scope.has(item.namespace));
  const within =
    <T extends { namespace: string }>(read: (namespace?: string) => T[]) =>
    (namespace?: string) =>
      namespace === undefined ? visible(read()) : namespaceVisible(scope, namespace) ? read(namespace) : [];
  return {
    status: () => live.status(),
    nodes: () => live.nodes(),
    namespaces: () => live.namespaces().filter((namespace) => scope.has(namespace.name)),
    pods: within((namespace) => live.pods(namespace)),
    workloads: within((namespace) => live.workloads(namespace)),
    services: within((namespace) => live.services(namespace)),
    persistentVolumes: () => [],
    persistentVolumeClaims: within((namespace) => live.persistentVolumeClaims(namespace)),
    storageClasses: () => live.storageClasses().filter((storageClass) => storageClassVisible(storageClasses, storageClass.name)),
    events: within((namespace) => live.events(namespace)),
    podDisruptionBudgets: within((namespace) => live.podDisruptionBudgets(namespace)),
  };
}
