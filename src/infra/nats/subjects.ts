import type { ClusterObjectKindName } from '../../domains/clusters/model.js';

/**
 * Every NATS subject the gateway uses, in one place (DESIGN.md, "Public contract").
 * Tokens are validated so that a namespace or id can never inject wildcards or extra tokens.
 */
const SUBJECT_TOKEN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** Namespace token used for cluster-scoped objects (nodes, namespaces, cluster status). */
export const CLUSTER_SCOPE = '_';
export const ANY_TOKEN = '*';

export type ClusterObjectKind = ClusterObjectKindName | 'status';

function token(value: string): string {
  if (value === ANY_TOKEN) return value;
  // Dots would split a token in two; namespaces and ids never contain them.
  if (!SUBJECT_TOKEN.test(value) || value.includes('.')) {
    throw new Error(`Not a valid subject token: ${JSON.stringify(value)}`);
  }
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
  clusterObjects(clusterId: string, kind: ClusterObjectKind, namespace: string = CLUSTER_SCOPE): string {
    return `kda.v1.${token(clusterId)}.${kind}.${token(namespace)}`;
  },
  clusterMetrics(clusterId: string, kind: 'nodes' | 'pods', namespace: string = CLUSTER_SCOPE): string {
    return `kda.v1.${token(clusterId)}.metrics.${kind}.${token(namespace)}`;
  },
  /** A cluster's usage samples (or outages), normalized, `v: 1` (issue 11); `*` for every cluster. */
  metricsSamples(clusterId: string): string {
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
