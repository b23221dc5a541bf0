import type { ClusterObjectKindName } from '../../domains/clusters/model.js';
import { DomainError } from '../../shared/errors.js';

/**
 * Every NATS subject the gateway uses, in one place (DESIGN.md, "Public contract").
 * Tokens are validated so that a namespace or id can never inject wildcards or extra tokens.
 */
const SUBJECT_TOKEN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** Namespace token used for cluster-scoped objects (nodes, namespaces, cluster status). */
export const CLUSTER_SCOPE = '_';
/**
 * The one way to ask for a wildcard token: a symbol, so that no id or name a caller sends (`*`,
 * `>`, `a.b`) can ever become one.
 */
export const ANY_TOKEN: unique symbol = Symbol('any subject token');
export type SubjectToken = string | typeof ANY_TOKEN;

export type ClusterObjectKind = ClusterObjectKindName | 'status';

function token(value: SubjectToken): string {
  if (value === ANY_TOKEN) return '*';
  // Dots would split a token in two; namespaces and ids never contain them. An id that cannot be a
  // token names nothing that exists: it reads as missing, like any other unknown id.
  if (!SUBJECT_TOKEN.test(value) || value.includes('.'))
    throw new DomainError('NOT_FOUND', `No object has the id ${JSON.stringify(value)}: not a valid subject token`, { id: value });
  return value;
}

export const subjects = {
  /** Everything the gateway publishes; the JetStream stream covers this. */
  all: 'kda.v1.>',
  /** Memberships or allotments changed: every replica drops its cached access scopes. */
  accessChanged: 'kda.v1.access.changed',
  /** A cluster was registered, changed or removed (`{ v: 1, clusterId }`): every replica reads it again and follows. */
  clusterChanged: 'kda.v1.clusters.changed',
  /** An application map was created, changed or deleted: live map streams reread it. */
  appMapChanged: 'kda.v1.appmaps.changed',
  clusterObjects(clusterId: SubjectToken, kind: ClusterObjectKind, namespace: SubjectToken = CLUSTER_SCOPE): string {
    return `kda.v1.${token(clusterId)}.${kind}.${token(namespace)}`;
  },
  clusterMetrics(clusterId: SubjectToken, kind: 'nodes' | 'pods', namespace: SubjectToken = CLUSTER_SCOPE): string {
    return `kda.v1.${token(clusterId)}.metrics.${kind}.${token(namespace)}`;
  },
  /** A cluster's usage samples (or outages), normalized, `v: 1` (issue 11); ANY_TOKEN for every cluster. */
  metricsSamples(clusterId: SubjectToken): string {
    return `kda.v1.clusters.${token(clusterId)}.metrics`;
  },
  buildLog(runId: string): string {
    return `kda.v1.builds.${token(runId)}.log`;
  },
  workspaceBuilds(workspaceId: string): string {
    return `kda.v1.workspaces.${token(workspaceId)}.builds`;
  },
  workspaceReleases(workspaceId: string): string {
    return `kda.v1.workspaces.${token(workspaceId)}.releases`;
  },
} as const;
