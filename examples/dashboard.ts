/**
 * What a dashboard or a third-party tool does with KDA Gateway, typed end to end: list clusters,
 * page through a cluster's pods, look an object up by id, scale a workload, follow pod events and
 * resume them after a disconnect. The tests run each of these against a real gateway.
 */
import type { KdaClient } from './client.js';
import {
  ClustersDocument,
  NodeByIdDocument,
  PodEventsDocument,
  PodsPageDocument,
  ScaleWorkloadDocument,
  type ClustersQuery,
  type NodeByIdQuery,
  type PodEventsSubscription,
  type PodsPageQuery,
  type ScaleWorkloadMutation,
} from './generated/graphql.js';

export type ClusterSummary = ClustersQuery['clusters'][number];
export type PodSummary = NonNullable<NonNullable<PodsPageQuery['cluster']>['pods']>['edges'][number]['node'];
export type PodEvent = PodEventsSubscription['podEvents'];

export async function listClusters(client: KdaClient): Promise<ClusterSummary[]> {
  return (await client.request(ClustersDocument)).clusters;
}

/** Every pod of a cluster (or of one namespace), page after page, following `endCursor`. */
export async function allPods(client: KdaClient, clusterId: string, options: { readonly namespace?: string; readonly pageSize?: number } = {}): Promise<PodSummary[]> {
  const pods: PodSummary[] = [];
  let after: string | null = null;
  for (;;) {
    const page: PodsPageQuery = await client.request(PodsPageDocument, { clusterId, namespace: options.namespace ?? null, first: options.pageSize ?? 100, after });
    const connection = page.cluster?.pods;
    // null: no such cluster for this token, or the cluster cannot answer now (see the errors).
    if (connection === null || connection === undefined) throw new Error(`the pods of cluster ${clusterId} cannot be read`);
    pods.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage || connection.pageInfo.endCursor === null) return pods;
    after = connection.pageInfo.endCursor;
  }
}

export async function findById(client: KdaClient, id: string): Promise<NodeByIdQuery['node']> {
  return (await client.request(NodeByIdDocument, { id })).node;
}

export async function scaleDeployment(
  client: KdaClient,
  target: { clusterId: string; namespace: string; name: string },
  replicas: number,
): Promise<ScaleWorkloadMutation['scaleWorkload']['workload']> {
  return (await client.request(ScaleWorkloadDocument, { input: { ...target, kind: 'DEPLOYMENT', replicas } })).scaleWorkload.workload;
}

/**
 * Pod events as they happen. `after`: the cursor of the last event already handled — the stream
 * resumes right after it, as if it had never stopped.
 */
export function watchPods(client: KdaClient, clusterId: string, options: { readonly namespace?: string; readonly after?: string } = {}): AsyncGenerator<PodEventsSubscription> {
  return client.subscribe(PodEventsDocument, { clusterId, namespace: options.namespace ?? null, after: options.after ?? null });
}
