import { namespaceVisible, storageClassVisible, type AccessScope, type NamespaceScope, type Permission } from '../../shared/access.js';
import { isBuildNamespace } from '../../shared/build-namespaces.js';
import { BadInputError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../shared/errors.js';
import { localKeyOf } from '../../shared/global-id.js';
import { compileLabelSelector, LabelSelectorSyntaxError, type LabelMatcher } from '../../shared/label-selector.js';
import type { ClusterService, ClusterSnapshot } from './cluster-service.js';
import type { Cluster } from './cluster-type.js';
import { guardStream } from './guarded-stream.js';
import { toCluster } from './mappers.js';
import type { ClusterObjectEvent } from './model.js';
import type { ClusterLiveView, StreamedEvent } from './ports.js';
import { scopeLiveView } from './scoped-view.js';
import type { DayTwoService } from './day-two-service.js';
import type { ClusterLoaders } from './loaders.js';
import type { PagingContext } from '../../shared/pagination.js';

/** The part of the per-request context this domain reads. */
export interface ClustersContext extends PagingContext {
  readonly principal: unknown;
  readonly clusters: ClusterService;
  readonly dayTwo: DayTwoService;
  readonly loaders: ClusterLoaders;
  /** The caller's rights now (shared cache, refreshed whenever memberships or allotments change). */
  readonly access: () => Promise<AccessScope>;
  /** The clusters allotted to a workspace the caller belongs to; null when it is not theirs to see. */
  readonly allotmentsOf: (workspaceId: string) => Promise<readonly WorkspaceAllotment[] | null>;
}

export interface WorkspaceAllotment {
  readonly clusterId: string;
  /** null: the whole cluster (but other workspaces' build namespaces). */
  readonly namespaces: readonly string[] | null;
  /** The workspace's own build namespace, which comes with every cluster allotted to it. */
  readonly buildNamespace?: string;
  /** The storage classes allotted with it (only read when limited to namespaces); omitted: none. */
  readonly storageClasses?: readonly string[];
}

/**
 * A cluster seen through one workspace: only the namespaces and storage classes allotted to it (and
 * visible to the caller). The whole cluster allotted brings all its storage classes.
 */
export function narrowToAllotment(cluster: Cluster, allotment: WorkspaceAllotment): Cluster {
  const { buildNamespace } = allotment;
  const seen = cluster.namespaceScope;
  if (allotment.namespaces === null) {
    // What the workspace holds of the cluster: everything but build namespaces, and its own one.
    const namespaceScope = { has: (namespace: string) => namespaceVisible(seen, namespace) && (!isBuildNamespace(namespace) || namespace === buildNamespace) };
    return { ...cluster, namespaceScope };
  }
  const allotted = [...allotment.namespaces, ...(buildNamespace === undefined ? [] : [buildNamespace])].filter((namespace) => namespaceVisible(seen, namespace));
  const storageClasses = (allotment.storageClasses ?? []).filter((name) => storageClassVisible(cluster.storageClassScope, name));
  return { ...cluster, namespaceScope: new Set(allotted), storageClassScope: new Set(storageClasses) };
}

/** The allotments of a workspace the caller may see; FORBIDDEN otherwise (unknown ids look the same). */
export async function requireAllotments(context: ClustersContext, workspaceId: string): Promise<readonly WorkspaceAllotment[]> {
  const allotments = await context.allotmentsOf(workspaceId);
  // Another team's workspace looks exactly like one that does not exist.
  if (allotments === null) throw new NotFoundError('Workspace', workspaceId, 'workspaceId');
  return allotments;
}

export const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkNamespace(namespace: string | null | undefined): string | undefined {
  if (namespace == null) return undefined;
  if (namespace.length > 63 || !NAMESPACE_NAME.test(namespace)) throw new BadInputError('namespace', 'is not a valid namespace name');
  return namespace;
}

export function labelMatcher(selector: string | null | undefined): LabelMatcher {
  try {
    return compileLabelSelector(selector);
  } catch (error) {
    if (error instanceof LabelSelectorSyntaxError) throw new BadInputError('labelSelector', error.message);
    throw error;
  }
}

export interface ClusterStreamArgs {
  readonly clusterId: string;
  readonly namespace?: string | null;
  readonly after?: string | null;
}

/** The namespaces of a cluster the caller may see, or null when the cluster is not visible at all. */
export function namespaceScopeOf(scope: AccessScope, clusterId: string): NamespaceScope | null {
  const clusters = scope.visibleClusterIds();
  return clusters === 'ALL' || clusters.has(clusterId) ? scope.namespacesOf(clusterId) : null;
}

/** The cluster as the caller may see it; null when they may not see it at all. */
export async function visibleCluster(context: ClustersContext, snapshot: ClusterSnapshot): Promise<Cluster | null> {
  const scope = await context.access();
  const namespaces = namespaceScopeOf(scope, snapshot.record.id);
  return namespaces === null ? null : toCluster(snapshot, context.clusters.liveStatus(snapshot), namespaces, scope.storageClassesOf(snapshot.record.id));
}

/** A cluster the caller may see: absent and invisible clusters are the same NOT_FOUND, so ids cannot be probed. */
export async function requireVisibleCluster(context: ClustersContext, clusterId: string): Promise<Cluster> {
  const snapshot = await context.loaders.clusterById.load(clusterId);
  const cluster = snapshot === null ? null : await visibleCluster(context, snapshot);
  if (cluster === null) throw new NotFoundError('Cluster', clusterId, 'clusterId');
  return cluster;
}

/** The live caches of a visible, reachable cluster, narrowed to what the caller may see. */
export function scopedLiveView(context: ClustersContext, cluster: Cluster): ClusterLiveView {
  return scopeLiveView(context.clusters.liveViewOf(cluster.snapshot), cluster.namespaceScope, cluster.storageClassScope);
}

/**
 * Throws NOT_FOUND for a cluster the caller cannot see, FORBIDDEN for an action they may not take.
 * In a namespace they cannot see (another team's), the object acted on is `missing` — the very error
 * a missing object gives — so nothing there can be probed.
 */
export async function requirePermission(context: ClustersContext, permission: Permission, clusterId: string, namespace?: string, missing?: () => Error): Promise<void> {
  const cluster = await requireVisibleCluster(context, clusterId);
  if (namespace !== undefined && !namespaceVisible(cluster.namespaceScope, namespace)) throw missing?.() ?? new NotFoundError('Namespace', namespace, 'namespace');
  if (!(await context.access()).allows(permission, clusterId, namespace)) {
    throw new ForbiddenError(`Not allowed to ${permission.replace(':', ' ')} ${namespace ? `in namespace ${namespace} of` : 'on'} cluster ${clusterId}`);
  }
}

export interface ClusterStreamArgs {
  readonly clusterId: string;
  readonly namespace?: string | null;
  readonly after?: string | null;
}

/**
 * The common start of every per-cluster subscription: a caller who may see the cluster (and the
 * namespace), checked before the stream opens; then each event is checked again when it arrives,
 * so rights revoked mid-subscription end it with FORBIDDEN.
 */
export async function openClusterStream<E extends ClusterObjectEvent<{ namespace: string }>>(
  rawContext: unknown,
  args: unknown,
  open: (clusters: ClusterService, clusterId: string, namespace: string | undefined, after: string | undefined) => Promise<AsyncIterableIterator<StreamedEvent<E>>>,
): Promise<AsyncIterableIterator<StreamedEvent<E>>> {
  const context = rawContext as ClustersContext;
  if (context.principal === null) throw new UnauthenticatedError();
  const { namespace, after } = args as ClusterStreamArgs;
  const clusterId = localKeyOf((args as ClusterStreamArgs).clusterId, 'Cluster');
  const validNamespace = checkNamespace(namespace);
  const cluster = await requireVisibleCluster(context, clusterId);
  if (validNamespace !== undefined && !namespaceVisible(cluster.namespaceScope, validNamespace)) throw new NotFoundError('Namespace', validNamespace);
  const stream = await open(context.clusters, clusterId, validNamespace, after ?? undefined);
  return guardStream(stream, async (message) => {
    const namespaces = namespaceScopeOf(await context.access(), clusterId);
    if (namespaces === null) throw new ForbiddenError(`Access to cluster ${cluster.name} was revoked`);
    return namespaceVisible(namespaces, message.event.object.namespace) ? 'deliver' : 'skip';
  });
}
