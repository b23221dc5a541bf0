import { readFile } from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import codegenConfig from '../examples/codegen.js';
import { KdaClient } from '../examples/client.js';
import { allPods, findById, listClusters, scaleDeployment, watchPods, type PodEvent } from '../examples/dashboard.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

/** The examples third-party tools copy, run as they are against a real gateway and a simulated cluster. */
describe('examples/: the typed client', () => {
  let gateway: TestGateway;
  let cluster: RegisteredCluster;
  let client: KdaClient;

  beforeAll(async () => {
    gateway = await startTestGateway();
    const simulator = await startSmallCluster();
    simulator.addDeployment({ namespace: 'team-a', name: 'shop', replicas: 1, labels: { app: 'shop' }, containers: [{ name: 'shop', image: 'example/shop:1' }] });
    cluster = await registerCluster(gateway, simulator);
    client = new KdaClient({ url: gateway.graphqlUrl, token: gateway.adminToken });
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  test('the generated documents match the schema and operations (npm run examples:codegen)', async () => {
    const [output] = (await generate({ ...codegenConfig, cwd: process.cwd() }, false)) as Array<{ filename: string; content: string }>;
    expect(output?.filename).toBe('examples/generated/graphql.ts');
    expect(output?.content).toBe(await readFile('examples/generated/graphql.ts', 'utf8'));
  });

  test('lists clusters, pages through every pod, and finds one by its global id', async () => {
    expect((await listClusters(client)).map((summary) => summary.id)).toContain(cluster.id);
    const pods = await allPods(client, cluster.id, { namespace: 'team-a', pageSize: 2 });
    const expected = cluster.simulator.listPods('team-a').map((pod) => pod.metadata.name);
    expect(pods.map((pod) => pod.name).sort()).toEqual([...expected].sort());
    expect(new Set(pods.map((pod) => pod.id)).size).toBe(pods.length);
    const found = await findById(client, pods[0]!.id);
    expect(found).toMatchObject({ __typename: 'Pod', id: pods[0]!.id, name: pods[0]!.name });
    expect(await findById(client, 'not-an-id')).toBeNull();
  });

  test('scales a deployment, follows its pods live, and resumes right after a cursor', async () => {
    const live = watchPods(client, cluster.id, { namespace: 'team-a' });
    const first = live.next();
    // Scale only once the gateway holds the subscription, so no event is published before it.
    await waitFor('the subscription to be live', async () => /^kda_subscription_hub_subjects [1-9]/m.test(await (await fetch(`${gateway.url}/metrics`)).text()));
    const workload = await scaleDeployment(client, { clusterId: cluster.id, namespace: 'team-a', name: 'shop' }, 3);
    expect(workload).toMatchObject({ kind: 'DEPLOYMENT', name: 'shop', desired: 3 });

    const seen: PodEvent[] = [];
    const firstEvent = await first;
    if (firstEvent.done === true) throw new Error('the pod events ended');
    seen.push(firstEvent.value.podEvents);
    while (seen.length < 3) {
      const next = await live.next();
      if (next.done === true) throw new Error('the pod events ended');
      seen.push(next.value.podEvents);
    }
    await live.return(undefined);
    expect(seen.filter((event) => event.type === 'ADDED').length).toBeGreaterThan(0);
    expect(seen.every((event) => event.pod.name.startsWith('shop-'))).toBe(true);

    // A second subscription from the first event's cursor starts exactly at the second event.
    const resumed = watchPods(client, cluster.id, { namespace: 'team-a', after: seen[0]!.cursor });
    const replayed = await resumed.next();
    await resumed.return(undefined);
    if (replayed.done === true) throw new Error('the resumed pod events ended');
    expect(replayed.value.podEvents.cursor).toBe(seen[1]!.cursor);
    expect(replayed.value.podEvents).toEqual(seen[1]);
  });
});
