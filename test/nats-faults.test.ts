/**
 * Issue 13, NATS faults: each scenario is a gateway on a nats-server of its own (free port, own
 * store directory), a database of its own and a simulated cluster, and the fault done to that
 * server only. test/nats-outage.test.ts covers the plain stop-and-start outage; these go further.
 */
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { connect } from 'nats';
import WebSocket from 'ws';
import type { ReleaseEvent } from '../src/domains/catalog/releases/ports.js';
import { createNatsBus } from '../src/infra/nats/nats-bus.js';
import { createReleaseEvents } from '../src/infra/nats/release-events.js';
import { SubscriptionHub } from '../src/infra/nats/subscription-hub.js';
import { localKeyOf } from '../src/shared/global-id.js';
import { silentLogger } from '../src/shared/logger.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway, type TestGatewayOverrides } from './support/gateway.js';
import { createTestDatabase } from './support/database.js';
import { buildGateway, startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';
import { freePort, PrivateNatsServer } from './support/private-nats-server.js';
import { collect, type CollectedSubscription } from './support/subscription.js';
import { waitFor } from './support/wait.js';

interface PodEventResult {
  podEvents: { type: string; cursor: string; pod: { name: string; labels: Record<string, string> } };
}

const POD_EVENTS = `subscription ($clusterId: ID!, $namespace: String, $after: String) {
  podEvents(clusterId: $clusterId, namespace: $namespace, after: $after) { type cursor pod { name labels } }
}`;

const NAMESPACE = 'faults';
const container = [{ name: 'main', image: 'example/app:1' }];

/** What a change looks like on both sides: its type, the pod, and the step that made it. */
const changeLine = (type: string, name: string, labels: Record<string, string> | undefined) => `${type} ${name} step=${labels?.step ?? '?'}`;

function linesOf(subscription: CollectedSubscription<PodEventResult>): string[] {
  return subscription.results.map((result) =>
    result.data ? changeLine(result.data.podEvents.type, result.data.podEvents.pod.name, result.data.podEvents.pod.labels) : `error ${JSON.stringify(result.errors)}`,
  );
}

/** What a subscriber knows after applying events in order: ADDED and MODIFIED put a pod, DELETED removes it. */
function stateAfter(initial: readonly string[], lines: readonly string[]): string[] {
  const pods = new Set(initial);
  for (const line of lines) {
    const [type, name = ''] = line.split(' ');
    if (type === 'DELETED') pods.delete(name);
    else pods.add(name);
  }
  return [...pods].sort();
}

/** A gateway on a NATS server of its own and a simulated cluster, and what the tests read from them. */
function faultSetup(limits: { outboxMaxEvents?: number } = {}, overrides: Omit<TestGatewayOverrides, 'limits' | 'bus'> = {}) {
  const setup = {} as { nats: PrivateNatsServer; gateway: TestGateway; cluster: RegisteredCluster; clusterKey: string };
  const cleanups: Array<() => unknown> = [];

  beforeAll(async () => {
    setup.nats = await PrivateNatsServer.start();
    setup.gateway = await startTestGateway({ ...overrides, bus: { kind: 'nats', url: setup.nats.url }, limits });
    setup.cluster = await registerCluster(setup.gateway, await startSmallCluster());
    setup.clusterKey = localKeyOf(setup.cluster.id, 'Cluster');
    setup.cluster.simulator.addNamespace(NAMESPACE);
  }, 60_000);

  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    if (setup.nats && !setup.nats.running) await setup.nats.start();
    await setup.gateway?.stop();
    await setup.cluster?.simulator.close();
    await setup.nats?.destroy();
  });

  const metric = async (name: string, labels: string): Promise<number | undefined> => {
    const text = await (await fetch(`${setup.gateway.url}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}${labels === '' ? '' : `{${labels}}`} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  /** A subscriber of the namespace (live: once its bus subscription is open). */
  const subscribe = async (after?: string): Promise<CollectedSubscription<PodEventResult>> => {
    const subjectsBefore = (await metric('kda_subscription_hub_subjects', '')) ?? 0;
    const subscription = collect<PodEventResult>(setup.gateway.websocket(), POD_EVENTS, {
      clusterId: setup.cluster.id,
      namespace: NAMESPACE,
      ...(after === undefined ? {} : { after }),
    });
    cleanups.push(() => subscription.unsubscribe());
    if (after === undefined) await waitFor('the live subscription', async () => ((await metric('kda_subscription_hub_subjects', '')) ?? 0) > subjectsBefore);
    return subscription;
  };

  return {
    setup,
    cleanups,
    metric,
    clusterOutbox: (name: string) => metric(name, `outbox="cluster",cluster_id="${setup.clusterKey}"`),
    async podNames(): Promise<string[]> {
      const response = await setup.gateway.request<{ cluster: { pods: { edges: Array<{ node: { name: string } }> } } }>(
        `query ($id: ID!, $namespace: String) { cluster(id: $id) { pods(namespace: $namespace, first: 500) { edges { node { name } } } } }`,
        { id: setup.cluster.id, namespace: NAMESPACE },
      );
      return (response.data?.cluster.pods.edges.map((edge) => edge.node.name) ?? []).sort();
    },
    subscribe,
    /** Every pod change the simulator makes in the namespace from now on, as its watches announce it. */
    recordChanges(): string[] {
      const made: string[] = [];
      cleanups.push(
        setup.cluster.simulator.onChange((change) => {
          if (change.resource === 'pods' && change.object.metadata.namespace === NAMESPACE)
            made.push(changeLine(change.type, change.object.metadata.name, change.object.metadata.labels));
        }),
      );
      return made;
    },
    /** A cluster that keeps changing its pods (create, relabel, delete among `pods` names) until stopped. */
    keepChanging(pods: number, everyMs: number): { stop(): void; steps(): number } {
      let step = 0;
      const live = new Set<string>();
      const change = (): void => {
        step += 1;
        const name = `pod-${step % pods}`;
        if (!live.has(name)) {
          setup.cluster.simulator.createPod({ namespace: NAMESPACE, name, nodeName: 'worker-1', labels: { step: String(step) }, containers: container });
          live.add(name);
        } else if (step % 5 === 0) {
          setup.cluster.simulator.deletePod(NAMESPACE, name);
          live.delete(name);
        } else {
          setup.cluster.simulator.updatePod(NAMESPACE, name, (pod) => {
            pod.metadata.labels = { ...pod.metadata.labels, step: String(step) };
          });
        }
      };
      const timer = setInterval(change, everyMs);
      cleanups.push(() => clearInterval(timer));
      return { stop: () => clearInterval(timer), steps: () => step };
    },
    /** Subscribes with `after`, again while the bus answers UNAVAILABLE (NATS just back, the gateway not reconnected yet). */
    async resumeWhenAvailable(after: string): Promise<CollectedSubscription<PodEventResult>> {
      for (;;) {
        const subscription = await subscribe(after);
        const first = await waitFor('the first result', () => subscription.results[0], 60_000);
        if (first.errors?.[0]?.extensions?.['code'] !== 'UNAVAILABLE') return subscription;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    /** A last change after which nothing moves: once a subscriber has it, it has everything before it. */
    sentinel(name: string): string {
      setup.cluster.simulator.createPod({ namespace: NAMESPACE, name, nodeName: 'worker-1', labels: { step: name }, containers: container });
      return changeLine('ADDED', name, { step: name });
    },
  };
}

describe('NATS restarted mid-stream', () => {
  const { setup, subscribe, recordChanges, keepChanging, sentinel } = faultSetup();

  it('killed with SIGKILL while the cluster keeps changing: the open subscription goes on with every change, in order, once', async () => {
    const live = await subscribe();
    const made = recordChanges();
    const cluster = keepChanging(7, 20);
    await waitFor('events before the crash', () => live.results.length >= 20);

    await setup.nats.stop('SIGKILL');
    await waitFor('changes made while NATS is down', () => made.length >= live.results.length + 30);
    await setup.nats.start();
    const madeByRestart = made.length;
    await waitFor('events after the restart', () => live.results.length >= madeByRestart + 20, 90_000);
    cluster.stop();
    const last = sentinel('last');
    await waitFor('the last change on the open subscription', () => linesOf(live).includes(last), 90_000);

    expect(linesOf(live)).toEqual(made);
    expect(made.at(-1)).toBe(last);
    expect(new Set(live.results.map((result) => result.data?.podEvents.cursor)).size).toBe(live.results.length);
  }, 180_000);
});

/** The keys of the gateway's lease bucket on that server (throws while there is no bucket). */
async function leaseKeys(url: string): Promise<string[]> {
  const connection = await connect({ servers: url });
  try {
    const bucket = await connection.jetstream().views.kv('kda_leases', { bindOnly: true });
    const keys: string[] = [];
    for await (const key of await bucket.keys()) keys.push(key);
    return keys;
  } finally {
    await connection.close();
  }
}

describe('NATS restarted without its store (a new server: no stream, no consumers, no lease bucket)', () => {
  // Metrics polled every second: their leases are renewed every second too.
  const { setup, subscribe, recordChanges, keepChanging, sentinel, clusterOutbox } = faultSetup(
    {},
    { metrics: { intervalSeconds: 1, fineRetentionHours: 24, coarseRetentionDays: 30 } },
  );

  it('the stream is made again, publishing resumes, and the open subscription gets every change made after the restart', async () => {
    const live = await subscribe();
    const made = recordChanges();
    const cluster = keepChanging(5, 20);
    await waitFor('events before the restart', () => live.results.length >= 20);
    const cursorBefore = live.results.at(-1)?.data?.podEvents.cursor ?? '';
    const leasesBefore = await waitFor('the metrics leases', async () => ((await leaseKeys(setup.nats.url)).length >= 2 ? (await leaseKeys(setup.nats.url)).sort() : undefined));

    await setup.nats.stop();
    await setup.nats.wipeStore();
    await setup.nats.start();
    const madeByRestart = made.length;
    await waitFor('events after the restart', () => live.results.length >= madeByRestart + 20, 60_000);
    cluster.stop();
    const last = sentinel('last');
    await waitFor('the last change on the open subscription', () => linesOf(live).includes(last), 60_000);
    expect(linesOf(live)).toEqual(made);
    await waitFor('the outbox to drain', async () => (await clusterOutbox('kda_outbox_pending_events')) === 0);

    // A subscription opened after the restart, resuming from a cursor the new stream issued, works too.
    const cursorAfterRestart = live.results.at(-2)?.data?.podEvents.cursor;
    const resumed = await subscribe(cursorAfterRestart);
    await waitFor('the resumed subscription', () => linesOf(resumed).includes(last));
    expect(linesOf(resumed)).toEqual([last]);

    // A cursor of the lost stream is refused, even where the new stream has a message at its sequence.
    const sequenceOf = (cursor: string | undefined): number => Number(/^js:(\d+)/.exec(Buffer.from(cursor ?? '', 'base64url').toString())?.[1] ?? 0);
    expect(sequenceOf(live.results.at(-1)?.data?.podEvents.cursor)).toBeGreaterThan(sequenceOf(cursorBefore));
    const stale = await subscribe(cursorBefore);
    const refusal = await waitFor("the refusal of a lost stream's cursor", () => stale.results[0]);
    expect(refusal.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);

    // The lease bucket is made again and the metrics jobs hold their leases on it.
    await waitFor('the leases on the new server', async () => JSON.stringify((await leaseKeys(setup.nats.url)).sort()) === JSON.stringify(leasesBefore));
  }, 180_000);
});

describe('NATS down when the gateway starts', () => {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  });

  it('the gateway waits for it, alive but not ready naming the bus; once NATS is up it starts, and a subscriber resuming with its cursor gets what the cluster did meanwhile', async () => {
    const nats = await PrivateNatsServer.start();
    cleanups.push(() => nats.destroy());
    // Two gateways, one after the other, on one database: the second one starts while NATS is down.
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const shared = { bus: { kind: 'nats', url: nats.url } as const, secretKey: randomBytes(32).toString('base64url') };
    const first = await startTestGateway(shared, { database });
    cleanups.push(() => first.stop());
    const cluster = await registerCluster(first, await startSmallCluster());
    cleanups.push(() => cluster.simulator.close());
    cluster.simulator.addNamespace(NAMESPACE);
    const live = collect<PodEventResult>(first.websocket(), POD_EVENTS, { clusterId: cluster.id, namespace: NAMESPACE });
    await waitFor('the live subscription', async () => /^kda_subscription_hub_subjects [1-9]/m.test(await (await fetch(`${first.url}/metrics`)).text()));
    cluster.simulator.createPod({ namespace: NAMESPACE, name: 'before', nodeName: 'worker-1', containers: container });
    const before = await waitFor('ADDED before', () => live.results.find((result) => result.data?.podEvents.pod.name === 'before'));
    const cursor = before.data?.podEvents.cursor ?? '';
    live.unsubscribe();
    await first.stop();

    await nats.stop();
    const port = await freePort();
    const starting = startTestGateway({ ...shared, port }, { database });
    let started: TestGateway | undefined;
    void starting.then((gateway) => (started = gateway)).catch(() => undefined);
    cleanups.push(async () => (await starting.catch(() => undefined))?.stop());

    const readyz = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: response.status, body: (await response.json()) as { ready: boolean; checks: Record<string, { ok: boolean }> } };
    };
    const waiting = await waitFor('/readyz while NATS is down', () => readyz().catch(() => undefined));
    expect(waiting).toEqual({ status: 503, body: { ready: false, checks: { database: { ok: true }, bus: { ok: false } } } });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const query = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(query.status).toBe(503);
    expect(((await query.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('UNAVAILABLE');

    // The cluster goes on meanwhile.
    cluster.simulator.createPod({ namespace: NAMESPACE, name: 'meanwhile', nodeName: 'worker-1', containers: container });
    expect(started).toBeUndefined();

    await nats.start();
    const second = await starting;
    expect(second.url).toBe(`http://127.0.0.1:${port}`);
    expect((await readyz()).status).toBe(200);
    const resumed = collect<PodEventResult>(second.websocket(), POD_EVENTS, { clusterId: cluster.id, namespace: NAMESPACE, after: cursor });
    await waitFor('the pod made meanwhile', () => linesOf(resumed).some((line) => line.startsWith('ADDED meanwhile')));
    cluster.simulator.createPod({ namespace: NAMESPACE, name: 'after', nodeName: 'worker-1', containers: container });
    await waitFor('the pod made after the start', () => linesOf(resumed).some((line) => line.startsWith('ADDED after')));
    expect(resumed.results.filter((result) => result.errors !== undefined)).toEqual([]);
    // Every pod the cluster holds is announced once. (The deletion of `before`, made while no
    // replica watched, is not: see README, "What survives a NATS fault".)
    expect(linesOf(resumed).filter((line) => line.startsWith('ADDED'))).toEqual(['ADDED meanwhile step=?', 'ADDED after step=?']);
    resumed.unsubscribe();
  }, 180_000);
});

describe('NATS down while the cluster keeps changing, far beyond KDA_OUTBOX_MAX_EVENTS', () => {
  const { setup, subscribe, resumeWhenAvailable, recordChanges, keepChanging, sentinel, clusterOutbox, podNames } = faultSetup({ outboxMaxEvents: 50 });

  it('the outbox stays within its bound, the gateway keeps answering, and once NATS is back every subscriber ends with the cluster as it is', async () => {
    const live = await subscribe();
    setup.cluster.simulator.createPod({ namespace: NAMESPACE, name: 'before', nodeName: 'worker-1', labels: { step: 'before' }, containers: container });
    await waitFor('ADDED before', () => linesOf(live).includes('ADDED before step=before'));
    const cursor = live.results.at(-1)?.data?.podEvents.cursor ?? '';
    const droppedBefore = (await clusterOutbox('kda_outbox_dropped_events_total')) ?? 0;
    const resyncsBefore = (await clusterOutbox('kda_outbox_resyncs_total')) ?? 0;

    await setup.nats.stop();
    const made = recordChanges();
    const cluster = keepChanging(20, 2);
    let mostPending = 0;
    await waitFor(
      '2,000 changes while NATS is down',
      async () => {
        mostPending = Math.max(mostPending, (await clusterOutbox('kda_outbox_pending_events')) ?? 0);
        // The gateway keeps answering from its caches meanwhile.
        expect((await podNames()).length).toBeGreaterThan(0);
        return made.length >= 2_000;
      },
      120_000,
    );
    // At most the bound waits, and one more being attempted.
    expect(mostPending).toBeLessThanOrEqual(51);
    // A subscription asked for meanwhile is refused with a code the client can act on: try again.
    const refused = await subscribe(cursor);
    const refusal = await waitFor('the refusal', () => refused.results[0]);
    expect(refusal.errors?.map((error) => error.extensions?.['code'])).toEqual(['UNAVAILABLE']);
    await waitFor('the drops counted', async () => ((await clusterOutbox('kda_outbox_dropped_events_total')) ?? 0) >= droppedBefore + 2_000 - 51);

    // NATS comes back while the cluster still changes.
    await setup.nats.start();
    const resumedDuringLoad = await resumeWhenAvailable(cursor);
    await waitFor('events on the resumed subscription', () => resumedDuringLoad.results.length >= 20, 90_000);
    cluster.stop();
    const last = sentinel('last');
    await waitFor('the last change on the open subscription', () => linesOf(live).includes(last), 90_000);
    await waitFor('the last change on the resumed subscription', () => linesOf(resumedDuringLoad).includes(last), 90_000);
    expect(await clusterOutbox('kda_outbox_resyncs_total')).toBeGreaterThan(resyncsBefore);

    const current = await podNames();
    expect(stateAfter([], linesOf(live))).toEqual(current);
    expect(stateAfter(['before'], linesOf(resumedDuringLoad))).toEqual(current);
    for (const subscription of [live, resumedDuringLoad]) expect(subscription.results.filter((result) => result.errors !== undefined)).toEqual([]);
  }, 300_000);
});

describe('the gateway killed after its publish reached NATS but before the acknowledgement came back', () => {
  const ADMIN_TOKEN = `faults-admin-${randomBytes(8).toString('hex')}`;
  const cleanups: Array<() => unknown> = [];
  let build: Awaited<ReturnType<typeof buildGateway>> | undefined;
  beforeAll(async () => {
    build = await buildGateway();
  }, 300_000);
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    await build?.remove();
  });

  it('restarted, it publishes that change again and JetStream keeps one: a subscriber resuming with its cursor gets it once', async () => {
    const nats = await PrivateNatsServer.start();
    cleanups.push(() => nats.destroy());
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const simulator = await startSmallCluster();
    cleanups.push(() => simulator.close());
    simulator.addNamespace(NAMESPACE);
    const env = {
      DATABASE_URL: database.url,
      NATS_URL: nats.url,
      KDA_SECRET_KEY: randomBytes(32).toString('base64url'),
      KDA_ADMIN_TOKEN: ADMIN_TOKEN,
      KDA_EGRESS_ALLOW: '127.0.0.0/8',
      KDA_LOG_LEVEL: 'warn',
    };
    const start = async (): Promise<GatewayProcess> => {
      const gateway = await startGatewayProcess(build!.mainUrl, env);
      cleanups.push(async () => {
        gateway.kill('SIGKILL');
        await gateway.exited;
      });
      return gateway;
    };
    const request = async <T>(gateway: GatewayProcess, query: string, variables: Record<string, unknown>): Promise<{ data?: T; errors?: unknown }> =>
      (await (
        await fetch(gateway.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
          body: JSON.stringify({ query, variables }),
        })
      ).json()) as { data?: T; errors?: unknown };
    const websocket = (gateway: GatewayProcess): Client => {
      const client = createClient({
        url: gateway.graphqlUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      cleanups.push(() => client.dispose());
      return client;
    };
    const pending = async (gateway: GatewayProcess): Promise<number> =>
      Number(/^kda_outbox_pending_events\{outbox="cluster"[^}]*\} (\d+)$/m.exec(await (await fetch(`${gateway.url}/metrics`)).text())?.[1] ?? -1);

    const first = await start();
    const registered = await request<{ registerCluster: { cluster: { id: string } } }>(
      first,
      `mutation ($input: RegisterClusterInput!) { registerCluster(input: $input) { cluster { id } } }`,
      { input: { kubeconfig: simulator.kubeconfig(), name: simulator.name, provider: 'ON_PREMISE', region: 'Seoul' } },
    );
    const clusterId = registered.data?.registerCluster.cluster.id ?? '';
    const variables = { clusterId, namespace: NAMESPACE };
    const live = collect<PodEventResult>(websocket(first), POD_EVENTS, variables);
    await waitFor('the live subscription', async () => /^kda_subscription_hub_subjects [1-9]/m.test(await (await fetch(`${first.url}/metrics`)).text()));
    simulator.createPod({ namespace: NAMESPACE, name: 'before', nodeName: 'worker-1', containers: container });
    const cursor = (await waitFor('ADDED before', () => live.results.find((result) => result.data?.podEvents.pod.name === 'before'))).data?.podEvents.cursor;

    // NATS frozen: the gateway's publish of the next change waits in the server's socket, unanswered.
    nats.signal('SIGSTOP');
    simulator.createPod({ namespace: NAMESPACE, name: 'once', nodeName: 'worker-1', containers: container });
    await waitFor('the publish of ADDED once in flight', async () => (await pending(first)) === 1);
    first.kill('SIGKILL');
    await first.exited;
    // NATS reads and stores it; the acknowledgement goes to a connection that is gone.
    nats.signal('SIGCONT');

    // Restarted, the gateway lists the cluster and publishes every pod's state again, `once` included.
    const second = await start();
    const resumed = collect<PodEventResult>(websocket(second), POD_EVENTS, { ...variables, after: cursor });
    await waitFor('ADDED once on the resumed subscription', () => linesOf(resumed).some((line) => line.startsWith('ADDED once')));
    simulator.createPod({ namespace: NAMESPACE, name: 'after', nodeName: 'worker-1', containers: container });
    await waitFor('the pod made after the restart', () => linesOf(resumed).some((line) => line.startsWith('ADDED after')));
    expect(linesOf(resumed)).toEqual(['ADDED once step=?', 'ADDED after step=?']);
  }, 300_000);
});

describe('a release event announced while NATS is down', () => {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  });

  it('waits for NATS and is published once it is back: the open stream and one resuming with a cursor get it once', async () => {
    const nats = await PrivateNatsServer.start();
    cleanups.push(() => nats.destroy());
    const bus = await createNatsBus({ url: nats.url, logger: silentLogger });
    cleanups.push(() => bus.close());
    const hub = new SubscriptionHub(bus);
    cleanups.push(() => hub.close());
    const events = createReleaseEvents(bus, hub, { logger: silentLogger });
    cleanups.push(() => events.close());
    const event = (revision: number, type: 'INSTALLED' | 'UPGRADED'): ReleaseEvent => ({
      v: 1,
      type,
      workspaceId: 'ws1',
      releaseId: 'rel1',
      revision,
      status: 'DEPLOYING',
      message: null,
      at: new Date().toISOString(),
    });
    const received: string[] = [];
    const live = await events.stream('ws1', undefined);
    cleanups.push(() => live.return?.());
    const reading = (async () => {
      for await (const streamed of live) received.push(`${streamed.event.type}:${streamed.event.revision}:${streamed.cursor}`);
    })();
    reading.catch(() => undefined);

    await events.publish(event(1, 'INSTALLED'));
    await waitFor('the first event', () => received.length === 1);
    const cursor = received[0]!.split(':')[2]!;

    await nats.stop();
    // Resolves at once: the release's change is in the database, its event waits for NATS.
    await events.publish(event(2, 'UPGRADED'));
    await nats.start();
    await waitFor('the event announced while NATS was down', () => received.length === 2, 60_000);
    expect(received.map((line) => line.split(':').slice(0, 2).join(':'))).toEqual(['INSTALLED:1', 'UPGRADED:2']);

    const resumed = await events.stream('ws1', cursor);
    cleanups.push(() => resumed.return?.());
    const first = await resumed.next();
    expect(first.done ? undefined : `${first.value.event.type}:${first.value.event.revision}`).toBe('UPGRADED:2');
  }, 120_000);
});
