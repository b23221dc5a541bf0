import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { buildGateway, startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';
import { NATS_URL } from './support/services.js';
import { waitFor } from './support/wait.js';

/**
 * Three gateway replicas as separate processes on one MariaDB and NATS, one simulated cluster whose
 * pods keep changing, a subscriber on the first replica; the first replica is killed with SIGKILL
 * mid-stream, and the subscriber resumes on the second with its last cursor, while the first
 * starts again. What it received, event by event, must be every change the cluster made, in
 * order, each once.
 */
const ADMIN_TOKEN = `replica-admin-${randomBytes(8).toString('hex')}`;
const NAMESPACE = 'chaos';
const POD_EVENTS = `subscription ($clusterId: ID!, $after: String) {
  podEvents(clusterId: $clusterId, namespace: "${NAMESPACE}", after: $after) { type cursor pod { name labels } }
}`;

interface PodEvent {
  readonly type: string;
  readonly cursor: string;
  readonly pod: { readonly name: string; readonly labels: Record<string, string> };
}

async function request<T>(replica: GatewayProcess, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: Array<{ message: string }> }> {
  const response = await fetch(replica.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
}

async function hubSubjects(replica: GatewayProcess): Promise<number> {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  return Number(/^kda_subscription_hub_subjects (\d+)$/m.exec(text)?.[1] ?? 0);
}

/** A podEvents subscription that records what it receives and how it ended. */
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

/** What a change looks like on both sides: its type, the pod, and the step that made it. */
const changeLine = (type: string, name: string, labels: Record<string, string> | undefined) => `${type} ${name} step=${labels?.step ?? '?'}`;

describe('three replicas, one killed with SIGKILL mid-stream', () => {
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

  test('a subscriber that resumes on another replica with its last cursor misses no change and sees none twice', async () => {
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      NATS_URL,
      KDA_SECRET_KEY: randomBytes(32).toString('base64url'),
      KDA_ADMIN_TOKEN: ADMIN_TOKEN,
      KDA_EGRESS_ALLOW: '127.0.0.0/8',
      KDA_LOG_LEVEL: 'warn',
      KDA_RATE_LIMIT_PER_SECOND: '100000',
      KDA_RATE_LIMIT_BURST: '100000',
    };
    // The first creates the tables; the others start on them.
    replicas.push(await startGatewayProcess(build!.mainUrl, env));
    replicas.push(...(await Promise.all([startGatewayProcess(build!.mainUrl, env), startGatewayProcess(build!.mainUrl, env)])));
    const [first, second, third] = replicas as [GatewayProcess, GatewayProcess, GatewayProcess];

    simulator = await startSimulatedCluster({ name: `kill-${randomBytes(4).toString('hex')}`, bookmarkIntervalMs: 200 });
    simulator.addNode({ name: 'worker-1', roles: ['worker'], cpu: 64, memoryBytes: 256 * 2 ** 30, storageBytes: 100 * 2 ** 30, maxPods: 1000 });
    simulator.addNamespace(NAMESPACE);
    const registered = await request<{ registerCluster: { cluster: { id: string } } }>(
      first,
      `mutation ($input: RegisterClusterInput!) { registerCluster(input: $input) { cluster { id } } }`,
      { input: { kubeconfig: simulator.kubeconfig(), name: simulator.name, provider: 'ON_PREMISE', region: 'Seoul' } },
    );
    const clusterId = registered.data?.registerCluster.cluster.id;
    if (clusterId === undefined) throw new Error(`registerCluster failed: ${JSON.stringify(registered.errors)}`);
    // Every replica watches the cluster (the first registered it, the others heard of it).
    for (const replica of replicas) {
      await waitFor('the cluster RUNNING on every replica', async () => {
        const answer = await request<{ cluster: { status: string } }>(replica, `query ($id: ID!) { cluster(id: $id) { status } }`, { id: clusterId });
        return answer.data?.cluster.status === 'RUNNING';
      });
    }

    const before = subscribe(first, { clusterId });
    cleanups.push(() => before.dispose());
    await waitFor('the subscription on the first replica to be live', async () => (await hubSubjects(first)) >= 1);

    // Every pod change the cluster makes from now on, as the apiserver's watches announce it.
    const made: string[] = [];
    cleanups.push(
      simulator.onChange((change) => {
        if (change.resource === 'pods' && change.object.metadata.namespace === NAMESPACE)
          made.push(changeLine(change.type, change.object.metadata.name, change.object.metadata.labels));
      }),
    );
    // The cluster keeps changing its pods, whatever happens to the replicas: create, relabel, delete.
    let step = 0;
    const live = new Set<string>();
    const change = (): void => {
      step += 1;
      const name = `pod-${step % 7}`;
      if (!live.has(name)) {
        simulator!.createPod({ namespace: NAMESPACE, name, nodeName: 'worker-1', labels: { step: String(step) }, containers: [{ name: 'main', image: 'example/app:1' }] });
        live.add(name);
      } else if (step % 5 === 0) {
        simulator!.deletePod(NAMESPACE, name);
        live.delete(name);
      } else {
        simulator!.updatePod(NAMESPACE, name, (pod) => {
          pod.metadata.labels = { ...pod.metadata.labels, step: String(step) };
        });
      }
    };
    const driver = setInterval(change, 10);
    cleanups.push(() => clearInterval(driver));

    await waitFor('events on the first replica', () => before.events.length >= 40);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await before.ended;
    expect(before.failed()).toBe(true);
    const lastCursor = before.events.at(-1)?.cursor;
    expect(lastCursor).toBeDefined();

    // Changes go on while nobody listens: the resumed subscription must get them from the stream.
    await waitFor('changes while no subscriber is connected', () => made.length >= before.events.length + 20);

    const after = subscribe(second, { clusterId, after: lastCursor });
    cleanups.push(() => after.dispose());
    // Its Deployment starts the killed replica again; its first list of the cluster is no news.
    replicas.push(await startGatewayProcess(build!.mainUrl, env));
    await waitFor('events on the second replica', () => after.events.length >= 60);
    clearInterval(driver);
    // One last change, after which nothing moves: once it arrived, everything before it has.
    simulator.createPod({ namespace: NAMESPACE, name: 'last', nodeName: 'worker-1', labels: { step: 'last' }, containers: [{ name: 'main', image: 'example/app:1' }] });
    await waitFor('the last change on the second replica', () => after.events.some((event) => event.pod.name === 'last'));

    expect([...before.errors, ...after.errors]).toEqual([]);
    const received = [...before.events, ...after.events];
    expect(new Set(received.map((event) => event.cursor)).size).toBe(received.length);
    expect(received.map((event) => changeLine(event.type, event.pod.name, event.pod.labels))).toEqual(made);
    // The third replica still serves the cluster too.
    const fromThird = await request<{ cluster: { status: string } }>(third, `query ($id: ID!) { cluster(id: $id) { status } }`, { id: clusterId });
    expect(fromThird.data?.cluster.status).toBe('RUNNING');
    // Four processes on a shared CI machine: a bound that only turns a hang into a failure.
  }, 300_000);
});
