import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { connect } from 'nats';
import WebSocket from 'ws';
import { LIST_PATHS } from '../src/infra/k8s/cluster-informers.js';
import { decodeGlobalId } from '../src/shared/global-id.js';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { buildGateway, startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';
import { NATS_URL } from './support/services.js';
import { waitFor } from './support/wait.js';

/**
 * Three gateway replicas as processes on one MariaDB and NATS and one simulated cluster: exactly
 * one of them lists and watches it (the holder of its lease), the others answer from its mirror
 * and deliver its changes; the holder is killed with SIGKILL, another takes the lease over and
 * resumes the watches, and a subscriber that resumes with its last cursor misses nothing and sees
 * nothing twice.
 */
const ADMIN_TOKEN = `lease-admin-${randomBytes(8).toString('hex')}`;
const NAMESPACE = 'lease';
const POD_EVENTS = `subscription ($clusterId: ID!, $after: String) {
  podEvents(clusterId: $clusterId, namespace: "${NAMESPACE}", after: $after) { type cursor pod { name labels } }
}`;
const PODS = `query ($id: ID!) { cluster(id: $id) { status pods(namespace: "${NAMESPACE}", first: 100) { edges { node { name labels } } } } }`;

interface PodEvent {
  readonly type: string;
  readonly cursor: string;
  readonly pod: { readonly name: string; readonly labels: Record<string, string> };
}

interface PodsAnswer {
  cluster: { status: string; pods: { edges: Array<{ node: { name: string; labels: Record<string, string> } }> } } | null;
}

async function request<T>(replica: GatewayProcess, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: Array<{ message: string }> }> {
  const response = await fetch(replica.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
}

/** Each pod as `name step=<label>`, sorted: what a replica answers for the namespace. */
async function podsOn(replica: GatewayProcess, clusterId: string): Promise<string[] | undefined> {
  const answer = await request<PodsAnswer>(replica, PODS, { id: clusterId });
  const cluster = answer.data?.cluster;
  if (cluster === null || cluster === undefined || cluster.status !== 'RUNNING') return undefined;
  return cluster.pods.edges.map(({ node }) => `${node.name} step=${node.labels.step ?? '?'}`).sort();
}

async function metric(replica: GatewayProcess, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The replicas that say they watch the cluster (`kda_cluster_watched_here` 1). */
async function holders(replicas: readonly GatewayProcess[]): Promise<GatewayProcess[]> {
  const held = await Promise.all(replicas.map(async (replica) => (await metric(replica, 'kda_cluster_watched_here')) === 1));
  return replicas.filter((_replica, index) => held[index]);
}

function subscribe(replica: GatewayProcess, variables: Record<string, unknown>) {
  const client: Client = createClient({
    url: replica.graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const events: PodEvent[] = [];
  const errors: unknown[] = [];
  let failed = false;
  const ended = new Promise<void>((resolve) => {
    client.subscribe<{ podEvents: PodEvent }>(
      { query: POD_EVENTS, variables },
      {
        next: (result) => {
          if (result.data) events.push(result.data.podEvents);
          if (result.errors) errors.push(...result.errors);
        },
        error: () => {
          failed = true;
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { events, errors, ended, failed: () => failed, dispose: () => client.dispose() };
}

async function hubSubjects(replica: GatewayProcess): Promise<number> {
  return (await metric(replica, 'kda_subscription_hub_subjects')) ?? 0;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Requests on a kind's collection path: lists (no `watch=true`) and watches. */
const listsOf = (simulator: SimulatedCluster, path: string): number => simulator.requestCount(new RegExp(`^${escape(path)}(\\?(?!.*\\bwatch=true).*)?$`));
const watchesOf = (simulator: SimulatedCluster, path: string): number => simulator.requestCount(new RegExp(`^${escape(path)}\\?.*\\bwatch=true`));

const changeLine = (type: string, name: string, labels: Record<string, string> | undefined) => `${type} ${name} step=${labels?.step ?? '?'}`;

describe('three replicas share one cluster through a lease', () => {
  let build: Awaited<ReturnType<typeof buildGateway>> | undefined;
  let database: TestDatabase | undefined;
  let simulator: SimulatedCluster | undefined;
  const replicas: GatewayProcess[] = [];
  const cleanups: Array<() => unknown> = [];

  beforeAll(async () => {
    build = await buildGateway();
  }, 300_000);

  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    for (const replica of replicas) replica.kill('SIGKILL');
    await Promise.all(replicas.map((replica) => replica.exited));
    await simulator?.close();
    await database?.drop();
    await build?.remove();
  });

  test('one watcher per kind; every replica answers and streams; the holder killed, another resumes its watches', async () => {
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      NATS_URL,
      KDA_SECRET_KEY: randomBytes(32).toString('base64url'),
      KDA_ADMIN_TOKEN: ADMIN_TOKEN,
      KDA_EGRESS_ALLOW: '127.0.0.0/8',
      KDA_LOG_LEVEL: 'warn',
      KDA_CLUSTER_LEASE_SECONDS: '3',
      KDA_RATE_LIMIT_PER_SECOND: '100000',
      KDA_RATE_LIMIT_BURST: '100000',
    };
    replicas.push(await startGatewayProcess(build!.mainUrl, env));
    replicas.push(...(await Promise.all([startGatewayProcess(build!.mainUrl, env), startGatewayProcess(build!.mainUrl, env)])));

    simulator = await startSimulatedCluster({ name: `lease-${randomBytes(4).toString('hex')}`, bookmarkIntervalMs: 200 });
    simulator.addNode({ name: 'worker-1', roles: ['worker'], cpu: 64, memoryBytes: 256 * 2 ** 30, storageBytes: 100 * 2 ** 30, maxPods: 1000 });
    simulator.addNamespace(NAMESPACE);
    for (const name of ['alpha', 'beta']) {
      simulator.createPod({ namespace: NAMESPACE, name, nodeName: 'worker-1', labels: { step: '0' }, containers: [{ name: 'main', image: 'example/app:1' }] });
    }
    const registered = await request<{ registerCluster: { cluster: { id: string } } }>(
      replicas[0]!,
      `mutation ($input: RegisterClusterInput!) { registerCluster(input: $input) { cluster { id } } }`,
      { input: { kubeconfig: simulator.kubeconfig(), name: simulator.name, provider: 'ON_PREMISE', region: 'Seoul' } },
    );
    const clusterId = registered.data?.registerCluster.cluster.id;
    if (clusterId === undefined) throw new Error(`registerCluster failed: ${JSON.stringify(registered.errors)}`);

    // Every replica answers the same pods, whoever watches.
    for (const replica of replicas) {
      await waitFor('the pods on every replica', async () => (await podsOn(replica, clusterId))?.join() === 'alpha step=0,beta step=0');
    }
    // One list per kind across all replicas (RUNNING means every kind has been listed), then one open watch per kind.
    const kinds = Object.entries(LIST_PATHS);
    for (const [kind, path] of kinds) expect(`${kind} ${listsOf(simulator, path)}`).toBe(`${kind} 1`);
    const watchedKinds = () => kinds.filter(([, path]) => watchesOf(simulator!, path) > 0);
    await waitFor('a watch open for every kind served', () => watchedKinds().length >= 5 && simulator!.watchCount() === watchedKinds().length);
    const watched = watchedKinds();
    for (const [kind, path] of watched) expect(`${kind} ${watchesOf(simulator, path)}`).toBe(`${kind} 1`);

    const [holder] = await waitFor('one replica holding the lease', async () => {
      const held = await holders(replicas);
      return held.length === 1 ? held : undefined;
    });
    const followers = replicas.filter((replica) => replica !== holder);

    // A subscriber on a replica that does not watch the cluster gets its changes.
    const made: string[] = [];
    cleanups.push(
      simulator.onChange((change) => {
        if (change.resource === 'pods' && change.object.metadata.namespace === NAMESPACE)
          made.push(changeLine(change.type, change.object.metadata.name, change.object.metadata.labels));
      }),
    );
    const before = subscribe(followers[0]!, { clusterId });
    cleanups.push(() => before.dispose());
    await waitFor('the subscription on a follower to be live', async () => (await hubSubjects(followers[0]!)) >= 1);
    let step = 0;
    const relabel = (name: string): void => {
      step += 1;
      simulator!.updatePod(NAMESPACE, name, (pod) => {
        pod.metadata.labels = { ...pod.metadata.labels, step: String(step) };
      });
    };
    relabel('alpha');
    await waitFor('the change on the follower', () => before.events.some((event) => event.pod.name === 'alpha' && event.pod.labels.step === '1'));
    for (const replica of replicas) {
      await waitFor('the change in every replica’s answer', async () => (await podsOn(replica, clusterId))?.join() === 'alpha step=1,beta step=0');
    }

    // The cluster keeps changing while the holder dies and another takes over: pods relabelled,
    // deleted and created again under the same names (a new uid each time).
    const live = new Set<string>();
    const change = (): void => {
      const name = `pod-${step % 5}`;
      if (!live.has(name)) {
        step += 1;
        simulator!.createPod({ namespace: NAMESPACE, name, nodeName: 'worker-1', labels: { step: String(step) }, containers: [{ name: 'main', image: 'example/app:1' }] });
        live.add(name);
      } else if (step % 4 === 0) {
        step += 1;
        simulator!.deletePod(NAMESPACE, name);
        live.delete(name);
      } else {
        relabel(name);
      }
    };
    const driver = setInterval(change, 20);
    cleanups.push(() => clearInterval(driver));
    await waitFor('changes before the kill', () => before.events.length >= 10);
    const listsBefore = kinds.map(([, path]) => listsOf(simulator!, path));
    holder!.kill('SIGKILL');
    const killedAt = Date.now();
    await holder!.exited;
    const [successor] = await waitFor('another replica holding the lease', async () => {
      const held = await holders(followers);
      return held.length === 1 ? held : undefined;
    });
    const takeoverMs = Date.now() - killedAt;
    // Resumed where the mirror says the watches were: no new list of any kind that was watched.
    await waitFor('the watches open again', () => simulator!.watchCount() === watched.length);
    const listsAfter = kinds.map(([, path]) => listsOf(simulator!, path));
    expect(listsAfter).toEqual(listsBefore);

    // The subscriber moves to the other survivor and resumes from its last cursor.
    const other = followers.find((replica) => replica !== followers[0])!;
    await before.dispose();
    // A closing socket may still deliver a few: what counts is what was received up to the cursor resumed from.
    const beforeEvents = before.events.slice();
    const lastCursor = beforeEvents.at(-1)!.cursor;
    await waitFor('changes after the takeover', () => made.length >= beforeEvents.length + 20);
    const after = subscribe(other, { clusterId, after: lastCursor });
    cleanups.push(() => after.dispose());
    clearInterval(driver);
    simulator.createPod({ namespace: NAMESPACE, name: 'last', nodeName: 'worker-1', labels: { step: 'last' }, containers: [{ name: 'main', image: 'example/app:1' }] });
    await waitFor('the last change after the takeover', () => after.events.some((event) => event.pod.name === 'last'));

    expect([...before.errors, ...after.errors]).toEqual([]);
    const received = [...beforeEvents, ...after.events];
    expect(new Set(received.map((event) => event.cursor)).size).toBe(received.length);
    expect(received.map((event) => changeLine(event.type, event.pod.name, event.pod.labels))).toEqual(made);

    // Both survivors answer with the cluster as it is now.
    const expected = simulator
      .listPods(NAMESPACE)
      .map((pod) => `${pod.metadata.name} step=${pod.metadata.labels?.step ?? '?'}`)
      .sort()
      .join();
    for (const replica of [successor!, other]) {
      await waitFor('the survivors to answer the current pods', async () => (await podsOn(replica, clusterId))?.join() === expected);
    }
    expect(await holders(followers)).toEqual([successor]);

    // Removed: the replica watching it empties the mirror; nothing of the cluster is left in NATS.
    const mirrored = async (): Promise<number> => {
      const connection = await connect({ servers: NATS_URL });
      try {
        const state = await connection.jetstream().views.kv('kda_cluster_state');
        let count = 0;
        for await (const _key of await state.keys(`${decodeGlobalId(clusterId)?.localKey ?? clusterId}.>`)) count += 1;
        return count;
      } finally {
        await connection.close();
      }
    };
    expect(await mirrored()).toBeGreaterThan(0);
    const removed = await request<{ removeCluster: { removedClusterId: string } }>(
      other,
      `mutation ($input: RemoveClusterInput!) { removeCluster(input: $input) { removedClusterId } }`,
      {
        input: { id: clusterId },
      },
    );
    expect(removed.errors).toBeUndefined();
    await waitFor('the mirror emptied', async () => (await mirrored()) === 0);
    process.stdout.write(`cluster lease takeover after SIGKILL: ${takeoverMs} ms (lease ${env.KDA_CLUSTER_LEASE_SECONDS} s)\n`);
  }, 300_000);
});
