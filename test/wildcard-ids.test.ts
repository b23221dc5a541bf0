/**
 * Hardening part 2, websocket: ids and names that carry NATS wildcard or separator characters
 * (`*`, `>`, `.`) must never become a subject pattern that matches other clusters' or teams'
 * events. Every live subscription that takes an id refuses them as a missing object or bad input,
 * and the subscription hub opens no bus subscription for them.
 */
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { collect, SubscriptionFailedError } from './support/subscription.js';

const HOSTILE_IDS = ['*', '>', 'a.*', 'x.>', 'kda.v1.>', '*.pods.>'];

describe('ids containing NATS wildcard characters', () => {
  let gateway: TestGateway;
  let cluster: RegisteredCluster;

  const hubSubjects = async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    return Number(/^kda_subscription_hub_subjects (\d+)/m.exec(text)?.[1] ?? Number.NaN);
  };

  /**
   * The code the subscription was refused with: graphql-ws reports a refused subscribe as one result
   * carrying only errors, then completes (or as an error message); either way, no data.
   */
  async function refusal(query: string, variables: Record<string, unknown>): Promise<string | undefined> {
    const client = gateway.websocket();
    const subscription = collect(client, query, variables);
    try {
      // A subscription that is not refused streams (or waits) instead: that is the failure, named.
      let timer: NodeJS.Timeout | undefined;
      const streaming = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${query} with ${JSON.stringify(variables)} was accepted and is still open`)), 10_000);
      });
      await Promise.race([subscription.done, streaming]).finally(() => clearTimeout(timer));
      const [only, ...more] = subscription.results;
      if (only === undefined || more.length > 0 || only.data != null)
        throw new Error(`${query} with ${JSON.stringify(variables)} streamed ${JSON.stringify(subscription.results)}`);
      return only.errors?.[0]?.extensions?.['code'] as string | undefined;
    } catch (error) {
      if (!(error instanceof SubscriptionFailedError)) throw error;
      return error.errors?.[0]?.extensions?.['code'] as string | undefined;
    } finally {
      await client.dispose();
    }
  }

  beforeAll(async () => {
    gateway = await startTestGateway();
    cluster = await registerCluster(gateway, await startSmallCluster());
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  test.each(HOSTILE_IDS)('%s as a cluster, map, run or workspace id, or as a namespace, is refused and subscribes to nothing', async (hostile) => {
    const refusals = [
      ['subscription ($id: ID!) { podEvents(clusterId: $id) { cursor } }', { id: hostile }],
      ['subscription ($id: ID!) { workloadEvents(clusterId: $id) { cursor } }', { id: hostile }],
      ['subscription ($id: ID!) { clusterMetrics(clusterId: $id) { cursor } }', { id: hostile }],
      ['subscription ($ids: [ID!]!) { appMapEvents(appMapIds: $ids) { cursor } }', { ids: [hostile] }],
      ['subscription ($ids: [ID!]!) { appMapMetrics(appMapIds: $ids) { cursor } }', { ids: [hostile] }],
      ['subscription ($id: ID!) { buildLog(runId: $id) { __typename } }', { id: hostile }],
      ['subscription ($id: ID!) { buildRunUpdates(workspaceId: $id) { __typename } }', { id: hostile }],
      ['subscription ($id: ID!) { releaseEvents(workspaceId: $id) { cursor } }', { id: hostile }],
      ['subscription ($id: ID!) { clusterStatus(workspaceId: $id) { id } }', { id: hostile }],
      ['subscription ($id: ID!, $ns: String) { podEvents(clusterId: $id, namespace: $ns) { cursor } }', { id: cluster.id, ns: hostile }],
      ['subscription ($id: ID!, $ns: String!) { podMetrics(clusterId: $id, namespace: $ns) { cursor } }', { id: cluster.id, ns: hostile }],
      ['subscription ($id: ID!, $after: String) { podEvents(clusterId: $id, after: $after) { cursor } }', { id: cluster.id, after: hostile }],
    ] as const;
    for (const [query, variables] of refusals) {
      expect([query, await refusal(query, variables)]).toEqual([query, expect.stringMatching(/^(NOT_FOUND|BAD_USER_INPUT)$/)]);
    }
    expect(await hubSubjects()).toBe(0);
  });
});
