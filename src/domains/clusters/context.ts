import { BadInputError, UnauthenticatedError } from '../../shared/errors.js';
import { compileLabelSelector, LabelSelectorSyntaxError, type LabelMatcher } from '../../shared/label-selector.js';
import type { ClusterService } from './cluster-service.js';
import type { DayTwoService } from './day-two-service.js';
import type { ClusterLoaders } from './loaders.js';

/** The part of the per-request context this domain reads. */
export interface ClustersContext {
  readonly principal: unknown;
  readonly clusters: ClusterService;
  readonly dayTwo: DayTwoService;
  readonly loaders: ClusterLoaders;
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

/**
 * The common start of every per-cluster subscription: a caller, a valid namespace, an existing
 * cluster — checked before the stream opens, so a bad request fails instead of staying silent.
 */
export async function openClusterStream<T>(
  context: unknown,
  args: unknown,
  open: (clusters: ClusterService, clusterId: string, namespace: string | undefined, after: string | undefined) => Promise<T>,
): Promise<T> {
  const { clusters, principal } = context as ClustersContext;
  if (principal === null) throw new UnauthenticatedError();
  const { clusterId, namespace, after } = args as ClusterStreamArgs;
  const validNamespace = checkNamespace(namespace);
  await clusters.require(clusterId);
  return open(clusters, clusterId, validNamespace, after ?? undefined);
}
