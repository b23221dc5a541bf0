import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createApp, GRAPHQL_PATH, type App } from '../src/app.js';
import type { GatewayConfig } from '../src/config/config.js';
import { silentLogger } from '../src/shared/logger.js';
import { nodesOf, type Connection } from './support/connections.js';
import { collect } from './support/subscription.js';
import { waitFor } from './support/wait.js';
import { embeddedConfig, graphqlAnswer } from './support/embedded.js';

interface MapNode {
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly stage: string;
  readonly clusterName: string;
  readonly provider: string;
  readonly region: string;
  readonly health: string;
  readonly healthReason: string | null;
  readonly images: Array<{ repository: string; tag: string | null }>;
  readonly groups: Array<{ name: string; workloads: string[]; health: string }>;
  readonly workloads: Connection<{ kind: string; name: string; desired: number; ready: number; health: string }>;
  readonly services: Connection<{ name: string; type: string; workloads: string[]; health: string }>;
  readonly volumes: Connection<{ name: string; phase: string; workloads: string[] }>;
}

const MAPS = `query ($name: String) {
  appMaps(name: $name, first: 20) {
    totalCount
    edges { node {
      id name namespace stage clusterName provider region health healthReason
      images { repository tag }
      groups { name workloads health }
      workloads(first: 20) { edges { node { kind name desired ready health } } }
      services(first: 10) { edges { node { name type workloads health } } }
      volumes(first: 10) { edges { node { name phase workloads } } }
    } }
  }
}`;

/** The embedded default as `npm start` runs it: the demo teams' maps around the demo applications, healthy once their pods are. */
describe('application maps on the embedded default', () => {
  const adminToken = `maps-admin-${randomBytes(8).toString('hex')}`;
  let folder: string;
  let config: GatewayConfig;
  let app: App | undefined;

  const request = <T>(query: string, variables: Record<string, unknown> = {}) => graphqlAnswer<T>(app, adminToken, query, variables);

  async function maps(name?: string): Promise<MapNode[]> {
    const response = await request<{ appMaps: Connection<MapNode> }>(MAPS, name === undefined ? {} : { name });
    if (response.errors !== undefined) throw new Error(JSON.stringify(response.errors));
    return nodesOf(response.data?.appMaps);
  }

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'kda-maps-'));
    config = embeddedConfig(folder, adminToken);
    app = await createApp(config, { logger: silentLogger });
  });

  afterAll(async () => {
    await app?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('the first query shows the demo maps, drawn around what the simulated clusters run, and they turn HEALTHY', async () => {
    const seeded = await waitFor('every demo map HEALTHY', async () => {
      const found = await maps();
      return found.length > 0 && found.every((map) => map.health === 'HEALTHY') ? found : undefined;
    });
    expect(seeded.map((map) => `${map.clusterName}/${map.namespace}/${map.name}`).sort()).toEqual([
      'acorn-demo-cluster/demo-was/db-demo',
      'acorn-demo-cluster/elastic/elasticsearch',
      'acorn-demo-cluster/electro-shop-demo/electro-shop',
      'acorn-demo-cluster/jupyter-spark-demo/jupyter-spark-demo',
      'acorn-demo-cluster/kube-system/metrics-server',
      'acorn-demo-cluster/sock-shop/sock-shop',
      'gke-acornsoft-demo-cluster/default/nginx',
      'gke-acornsoft-demo-cluster/kube-system/metrics-server',
    ]);
    const shop = seeded.find((map) => map.name === 'electro-shop')!;
    expect(shop).toMatchObject({ stage: 'PROD', provider: 'ON_PREMISE', region: 'Seoul', healthReason: null });
    expect(nodesOf(shop.workloads).map((workload) => `${workload.kind}/${workload.name}`)).toEqual([
      'Deployment/cart-api',
      'Deployment/frontend',
      'Deployment/product-api',
      'StatefulSet/redis',
    ]);
    expect(shop.groups.map((group) => `${group.name}: ${group.workloads.join(',')}`)).toEqual(['front: frontend', 'back: cart-api,product-api', 'data: redis']);
    expect(nodesOf(shop.services)).toEqual([{ name: 'frontend', type: 'LoadBalancer', workloads: ['frontend'], health: 'HEALTHY' }]);
    expect(nodesOf(shop.volumes)).toEqual([{ name: 'redis-data-redis-0', phase: 'Bound', workloads: ['redis'] }]);

    // One application on two clusters, side by side: where, which version, how healthy.
    const metrics = await maps('metrics-server');
    expect(metrics.map((map) => [map.clusterName, map.provider, map.region, map.images.map((image) => image.tag).join(','), map.health])).toEqual(
      expect.arrayContaining([
        ['acorn-demo-cluster', 'ON_PREMISE', 'Seoul', 'v0.7.2', 'HEALTHY'],
        ['gke-acornsoft-demo-cluster', 'GKE', 'Tokyo', 'v0.7.1-gke.23', 'HEALTHY'],
      ]),
    );
  });

  test('the demo maps show what the simulated Trivy Operator found in their images, CRITICAL and HIGH among it', async () => {
    const response = await request<{
      appMaps: Connection<{ name: string; images: Array<{ image: string }>; vulnerabilities: { counts: { critical: number; high: number }; images: Array<{ image: string }> } }>;
    }>(`{ appMaps(first: 20) { edges { node { name images { image } vulnerabilities { counts { critical high } images { image } } } } } }`);
    expect(response.errors).toBeUndefined();
    const found = nodesOf(response.data?.appMaps);
    // Every image a demo map runs has been scanned.
    for (const map of found) expect(map.vulnerabilities.images.map((image) => image.image).sort()).toEqual(map.images.map((image) => image.image).sort());
    const shop = found.find((map) => map.name === 'electro-shop')!;
    expect(shop.vulnerabilities.counts.critical + shop.vulnerabilities.counts.high).toBeGreaterThan(0);
    expect(found.filter((map) => map.vulnerabilities.counts.critical > 0).length).toBeGreaterThan(0);
  });

  test('appMapEvents on the in-process bus: a demo map scaled up progresses, then is healthy again; a restart seeds nothing twice', async () => {
    const shop = (await maps('electro-shop'))[0]!;
    const client = createClient({
      url: `${app!.url.replace(/^http/, 'ws')}${GRAPHQL_PATH}`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${adminToken}` },
    });
    const events = collect<{ appMapEvents: { health: string; previousHealth: string | null; replicas: { desired: number; available: number } } }>(
      client,
      `subscription ($ids: [ID!]!) { appMapEvents(appMapIds: $ids) { health previousHealth replicas { desired available } } }`,
      { ids: [shop.id] },
    );
    const clusterId = await request<{ appMap: { cluster: { id: string } } }>(`query ($id: ID!) { appMap(id: $id) { cluster { id } } }`, { id: shop.id });
    // Scaled once the gateway holds the stream's bus subscriptions (four kinds, the cluster's status, the map's changes).
    await waitFor('the stream to be live', async () => Number(/^kda_subscription_hub_subjects (\d+)$/m.exec(await (await fetch(`${app!.url}/metrics`)).text())?.[1] ?? 0) >= 6);
    await request(`mutation ($input: ScaleWorkloadInput!) { scaleWorkload(input: $input) { workload { desired } } }`, {
      input: { clusterId: clusterId.data!.appMap.cluster.id, namespace: 'electro-shop-demo', kind: 'DEPLOYMENT', name: 'frontend', replicas: 4 },
    });
    await waitFor('the scale-up reported', () => events.results.some((result) => result.data?.appMapEvents.health === 'PROGRESSING'));
    const healthy = await waitFor('healthy again', () =>
      events.results.map((result) => result.data?.appMapEvents).find((event) => event?.health === 'HEALTHY' && event.replicas.available === event.replicas.desired),
    );
    expect(healthy?.previousHealth).toBe('PROGRESSING');
    events.unsubscribe();
    await client.dispose();

    const before = (await maps()).length;
    await app?.stop();
    app = undefined;
    app = await createApp(config, { logger: silentLogger });
    expect((await maps()).length).toBe(before);
  });
});
