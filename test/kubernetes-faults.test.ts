/**
 * Faults of the Kubernetes side, each a named scenario (issue 13, "Hardening, part 2"): the
 * reflectors talk through the real @kubernetes/client-node to a simulated apiserver, with a plain
 * node:http proxy in front (test/support/k8s/fault-proxy.ts) that misbehaves on cue for one
 * resource. Other scenarios of this list live where they were first written:
 * - watch reset mid-stream: test/informer-resume.test.ts, "resumes from its resourceVersion after
 *   watches are cut mid-stream; every change arrives exactly once";
 * - a watch that stays open and silent (stream started, no bytes): test/informer-resume.test.ts,
 *   "destroys a silent watch at the deadline and resumes; changes made meanwhile arrive" (here: one
 *   whose answer never starts).
 * Backoff delays are read from a clock the test drives (test/support/k8s/manual-timers.ts), so no
 * test waits for them or asserts wall time.
 */
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterObjectEvent, KubernetesEventProjection, PodProjection } from '../src/domains/clusters/model.js';
import { ClusterInformers } from '../src/infra/k8s/cluster-informers.js';
import { InformerPool } from '../src/infra/k8s/informer-pool.js';
import { INFORMED_KINDS, KIND_DEFINITIONS } from '../src/infra/k8s/informed-kinds.js';
import { loadKubeConfig, STRICT_KUBECONFIG } from '../src/infra/k8s/kubeconfig.js';
import { Reflector, type ReflectorTuning } from '../src/infra/k8s/reflector.js';
import { createBuildJobs } from '../src/infra/k8s/build-jobs.js';
import { restartContainer, setPodPhase, startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { answerStatus, FaultProxy, isWatchOn, statusBody } from './support/k8s/fault-proxy.js';
import { ManualTimers } from './support/k8s/manual-timers.js';
import { RecordingBus } from './support/k8s/recording-bus.js';
import { waitFor } from './support/k8s/wait-for.js';

const WAIT_MS = 15_000;
/** Far above any backoff, so a pending timer below it is a backoff sleep, never the watch deadline. */
const FAR_DEADLINE_MS = 3_600_000;
const ALLOW_PLAIN_HTTP = { ...STRICT_KUBECONFIG, insecureTransport: true };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulatorBehindProxy(options: { bookmarkIntervalMs?: number; logIntervalMs?: number } = {}): Promise<{ cluster: SimulatedCluster; proxy: FaultProxy }> {
  const cluster = await startSimulatedCluster({
    name: `faults-${randomUUID().slice(0, 8)}`,
    tls: false,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 100,
    ...(options.logIntervalMs === undefined ? {} : { logIntervalMs: options.logIntervalMs }),
    podStartDelayMs: 10,
  });
  cleanups.push(() => cluster.close());
  const proxy = await FaultProxy.start(cluster);
  cleanups.push(() => proxy.close());
  cluster.addNamespace('shop');
  cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 32 * 1024 ** 3, storageBytes: 100 * 1024 ** 3 });
  return { cluster, proxy };
}

function eventsReflector(proxy: FaultProxy, timers: ManualTimers | undefined, tuning: ReflectorTuning): Reflector<KubernetesEventProjection> {
  const definition = KIND_DEFINITIONS.events;
  const reflector = new Reflector<KubernetesEventProjection>({
    ...tuning,
    name: 'events',
    listPath: definition.listPath,
    kubeConfig: loadKubeConfig(proxy.kubeconfig(), null, ALLOW_PLAIN_HTTP),
    project: definition.project,
    keyOf: definition.keyOf,
    identityOf: (event) => event.uid,
    ...(timers ? { timers } : {}),
  });
  cleanups.push(() => reflector.stop());
  return reflector;
}

/** Every kind's informers for the cluster behind the proxy, synced, with one watch per served kind. */
async function informersBehind(cluster: SimulatedCluster, proxy: FaultProxy, clusterId = cluster.name): Promise<{ informers: ClusterInformers; bus: RecordingBus }> {
  const bus = new RecordingBus();
  const informers = new ClusterInformers({
    clusterId,
    kubeconfigYaml: proxy.kubeconfig(),
    kubeconfigAllowances: ALLOW_PLAIN_HTTP,
    bus,
    tuning: { backoff: { initialMs: 10, maxMs: 200, jitter: 0.2 }, watchDeadlineMs: 10_000, watchTimeoutSeconds: 60 },
  });
  cleanups.push(() => informers.stop());
  informers.start();
  expect(await informers.whenSynced(WAIT_MS)).toBe(true);
  const served = INFORMED_KINDS.length - informers.absentKinds().length;
  await waitFor(() => cluster.watchCount() === served, 'one watch per served kind', WAIT_MS);
  return { informers, bus };
}

function podEvents(bus: RecordingBus, clusterId: string, from = 0): string[] {
  return bus.published
    .slice(from)
    .filter((entry) => entry.subject.startsWith(`kda.v1.${clusterId}.pods.`))
    .map((entry) => {
      const event = entry.data as ClusterObjectEvent<PodProjection>;
      return `${event.type} ${event.object.name}`;
    });
}

function container(): { name: string; image: string }[] {
  return [{ name: 'app', image: 'nginx:1.27' }];
}

/** Once: the next pods watch is answered with HTTP 410 Gone. */
function goneAsHttpStatus(): (request: IncomingMessage, response: ServerResponse) => boolean {
  let used = false;
  return (request, response) => {
    if (used || !isWatchOn(request, '/api/v1/pods')) return false;
    used = true;
    return answerStatus(response, 410, 'Expired', 'too old resource version');
  };
}

/** Once: the next pods watch is accepted and ends with an ERROR event carrying 410 Gone, as the apiserver does after compaction. */
function goneInStream(): (request: IncomingMessage, response: ServerResponse) => boolean {
  let used = false;
  return (request, response) => {
    if (used || !isWatchOn(request, '/api/v1/pods')) return false;
    used = true;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(`${JSON.stringify({ type: 'ERROR', object: JSON.parse(statusBody(410, 'Expired', 'too old resource version')) as unknown })}\n`);
    return true;
  };
}

function recordWarning(cluster: SimulatedCluster, message: string): void {
  cluster.recordEvent({ involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop' }, reason: 'Tested', message, type: 'Warning' });
}

/** The watch answered with the collection itself: one JSON list, then the end (a proxy dropping `watch=true`). */
function answerWatchWithPlainList(request: IncomingMessage): boolean {
  if (!isWatchOn(request, '/api/v1/events')) return false;
  const url = new URL(request.url ?? '/', 'http://proxy');
  url.searchParams.delete('watch');
  url.searchParams.delete('allowWatchBookmarks');
  url.searchParams.delete('timeoutSeconds');
  request.url = `${url.pathname}${url.search}`;
  return false;
}

/** The connection is closed before any answer. */
function closeWatchAtOnce(request: IncomingMessage): boolean {
  if (!isWatchOn(request, '/api/v1/events')) return false;
  request.socket.destroy();
  return true;
}

/** The watch is accepted (200) and ends without a byte. */
function endWatchEmpty(request: IncomingMessage, response: ServerResponse): boolean {
  if (!isWatchOn(request, '/api/v1/events')) return false;
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end();
  return true;
}

describe('kubernetes faults', () => {
  describe.each([
    ['answers every watch with a plain list', answerWatchWithPlainList],
    ['closes every watch connection at once', closeWatchAtOnce],
    ['accepts every watch and ends it without a byte', endWatchEmpty],
  ])('a watch that ends at once, again and again: a server that %s', (_name, fault) => {
    it('is retried after jittered, growing delays (one request per attempt, never a loop), and resumes once the server behaves', async () => {
      const { cluster, proxy } = await simulatorBehindProxy();
      recordWarning(cluster, 'before');
      const timers = new ManualTimers();
      const backoff = { initialMs: 100, maxMs: 60_000, jitter: 0.2 };
      const reflector = eventsReflector(proxy, timers, { backoff, watchDeadlineMs: FAR_DEADLINE_MS });
      const watchRequests = (): number => proxy.count(/^\/api\/v1\/events\?.*watch=true/);
      const removeFault = proxy.inject(fault);
      reflector.start();

      const attempts = 6;
      const delays: number[] = [];
      for (let attempt = 1; attempt <= attempts; attempt += 1) {
        await waitFor(() => timers.pendingBelow(FAR_DEADLINE_MS).length > 0 || watchRequests() > attempt, `a backoff after watch attempt ${attempt}`, WAIT_MS);
        expect(watchRequests()).toBe(attempt);
        const [sleep] = timers.pendingBelow(FAR_DEADLINE_MS);
        if (sleep === undefined) throw new Error('no backoff pending');
        delays.push(sleep.ms);
        if (attempt === attempts) removeFault();
        timers.fire(sleep);
      }
      delays.forEach((delay, index) => {
        const base = backoff.initialMs * 2 ** index;
        expect(delay).toBeGreaterThanOrEqual(base * (1 - backoff.jitter));
        expect(delay).toBeLessThanOrEqual(base);
        if (index > 0) expect(delay).toBeGreaterThan(delays[index - 1] ?? Infinity);
      });
      expect(proxy.count(/^\/api\/v1\/events\?(?!.*watch=true)/)).toBe(1);

      recordWarning(cluster, 'after');
      await waitFor(() => reflector.items().some((event) => event.message === 'after'), 'the event made once the server behaves', WAIT_MS);
      expect(
        reflector
          .items()
          .map((event) => event.message)
          .sort(),
      ).toEqual(['after', 'before']);
      expect(watchRequests()).toBe(attempts + 1);
    });
  });

  describe.each([
    ['as the HTTP status of the watch', goneAsHttpStatus],
    ['as an ERROR event in the watch stream', goneInStream],
  ])('410 Gone %s', (_name, goneFault) => {
    it('relists once, and the relist republishes nothing unchanged; the watch then resumes', async () => {
      const { cluster, proxy } = await simulatorBehindProxy();
      for (const name of ['a', 'b', 'c']) cluster.createPod({ namespace: 'shop', name, phase: 'Running', containers: container() });
      const { informers, bus } = await informersBehind(cluster, proxy);
      await waitFor(() => podEvents(bus, cluster.name).length === 3, 'the three pods published', WAIT_MS);
      const podLists = (): number => proxy.count(/^\/api\/v1\/pods\?(?!.*watch=true)/);
      expect(podLists()).toBe(1);
      const before = bus.published.length;

      proxy.inject(goneFault());
      cluster.cutWatches();
      await waitFor(() => podLists() === 2 && informers.watchStats().find((stats) => stats.kind === 'pods')?.gone === 1, 'one relist after the 410', WAIT_MS);
      cluster.createPod({ namespace: 'shop', name: 'after', phase: 'Running', containers: container() });

      await waitFor(() => podEvents(bus, cluster.name, before).includes('ADDED after'), 'the change after the relist', WAIT_MS);
      expect(podEvents(bus, cluster.name, before).filter((event) => !event.endsWith(' after'))).toEqual([]);
      expect(bus.published.slice(before).filter((entry) => entry.subject.endsWith('.status._'))).toEqual([]);
      expect(informers.watchStats().find((stats) => stats.kind === 'pods')).toMatchObject({ relists: 1, gone: 1, state: 'synced' });
      expect(
        informers
          .pods('shop')
          .map((pod) => pod.name)
          .sort(),
      ).toEqual(['a', 'after', 'b', 'c']);
      expect(podLists()).toBe(2);
      expect(bus.duplicateMessageIds()).toEqual([]);
    });
  });

  it('410 Gone on every watch straight after its list: list and watch are retried after growing delays, not every initial delay', async () => {
    const { cluster, proxy } = await simulatorBehindProxy();
    recordWarning(cluster, 'before');
    const timers = new ManualTimers();
    const backoff = { initialMs: 100, maxMs: 60_000, jitter: 0.2 };
    const reflector = eventsReflector(proxy, timers, { backoff, watchDeadlineMs: FAR_DEADLINE_MS });
    proxy.inject((request, response) => {
      if (!isWatchOn(request, '/api/v1/events')) return false;
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(`${JSON.stringify({ type: 'ERROR', object: JSON.parse(statusBody(410, 'Expired', 'too old resource version')) as unknown })}\n`);
      return true;
    });
    reflector.start();

    const attempts = 5;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      await waitFor(() => timers.pendingBelow(FAR_DEADLINE_MS).length > 0, `a backoff after Gone watch ${attempt}`, WAIT_MS);
      expect([proxy.count(/^\/api\/v1\/events\?(?!.*watch=true)/), proxy.count(/^\/api\/v1\/events\?.*watch=true/)]).toEqual([attempt, attempt]);
      const [sleep] = timers.pendingBelow(FAR_DEADLINE_MS);
      if (sleep === undefined) throw new Error('no backoff pending');
      delays.push(sleep.ms);
      timers.fire(sleep);
    }
    delays.forEach((delay, index) => {
      expect(delay).toBeGreaterThanOrEqual(backoff.initialMs * 2 ** index * (1 - backoff.jitter));
      if (index > 0) expect(delay).toBeGreaterThan(delays[index - 1] ?? Infinity);
    });
    expect(reflector.counters).toEqual({ relists: attempts - 1, gone: attempts });
    expect(reflector.items().map((event) => event.message)).toEqual(['before']);
  });

  it('a watch whose answer never starts (connection open, no bytes) is given up at the deadline, reported, retried, and catches up without a relist', async () => {
    const { cluster, proxy } = await simulatorBehindProxy();
    const definition = KIND_DEFINITIONS.pods;
    const states: string[] = [];
    const reflector = new Reflector<PodProjection>({
      name: 'pods',
      listPath: definition.listPath,
      kubeConfig: loadKubeConfig(proxy.kubeconfig(), null, ALLOW_PLAIN_HTTP),
      project: definition.project,
      keyOf: definition.keyOf,
      identityOf: (pod) => pod.uid,
      backoff: { initialMs: 10, maxMs: 200, jitter: 0.2 },
      // Bookmarks come every 100 ms, so a healthy watch never nears this.
      watchDeadlineMs: 1_500,
      onStateChange: (state) => states.push(state.healthy ? 'healthy' : `unhealthy: ${state.error ?? ''}`),
    });
    cleanups.push(() => reflector.stop());
    reflector.start();
    await waitFor(() => reflector.hasSynced && cluster.watchCount() === 1, 'watching', WAIT_MS);

    const held: ServerResponse[] = [];
    const removeFault = proxy.inject((request, response) => {
      if (!isWatchOn(request, '/api/v1/pods')) return false;
      held.push(response);
      return true;
    });
    cluster.cutWatches();
    cluster.createPod({ namespace: 'shop', name: 'while-hung', phase: 'Running', containers: container() });
    await waitFor(() => held.length >= 2, 'a second attempt after the first hung', WAIT_MS);
    expect(reflector.currentState).toMatchObject({ healthy: false, error: 'watch connection timed out' });
    removeFault();

    await waitFor(() => reflector.get('shop/while-hung') !== undefined && reflector.currentState.healthy, 'caught up and healthy', WAIT_MS);
    expect(states).toEqual(expect.arrayContaining(['unhealthy: watch connection timed out', 'healthy']));
    expect(reflector.counters).toEqual({ relists: 0, gone: 0 });
    for (const response of held) response.destroy();
  });

  it('a quiet filtered watch outliving compaction resumes from the resourceVersion its bookmarks kept fresh: no 410, no relist', async () => {
    const { cluster, proxy } = await simulatorBehindProxy({ bookmarkIntervalMs: 50 });
    cluster.createPod({ namespace: 'shop', name: 'quiet-1', labels: { app: 'quiet' }, phase: 'Running', containers: container() });
    const listPath = '/api/v1/pods?labelSelector=app%3Dquiet';
    const definition = KIND_DEFINITIONS.pods;
    const changes: string[] = [];
    const reflector = new Reflector<PodProjection>({
      name: 'quiet pods',
      listPath,
      kubeConfig: loadKubeConfig(proxy.kubeconfig(), null, ALLOW_PLAIN_HTTP),
      project: definition.project,
      keyOf: definition.keyOf,
      identityOf: (pod) => pod.uid,
      backoff: { initialMs: 10, maxMs: 200, jitter: 0.2 },
      onEvent: (event) => changes.push(`${event.type} ${event.object.name} ${event.object.labels['step'] ?? ''}`.trim()),
    });
    cleanups.push(() => reflector.stop());
    reflector.start();
    await waitFor(() => reflector.hasSynced && cluster.watchCount() === 1, 'the filtered watch open', WAIT_MS);
    const lastMatchingChange = Number(reflector.lastResourceVersion);

    // The rest of the cluster moves on; nothing of it passes the filter.
    for (let index = 0; index < 20; index += 1) cluster.createPod({ namespace: 'shop', name: `busy-${index}`, containers: container() });
    const moved = Number(cluster.resourceVersion);
    expect(moved).toBeGreaterThan(lastMatchingChange);
    await waitFor(() => Number(reflector.lastResourceVersion) >= moved, 'a bookmark past the churn', WAIT_MS);
    cluster.compact();
    cluster.cutWatches();

    await waitFor(
      () => proxy.count(/labelSelector=app%3Dquiet.*watch=true|watch=true.*labelSelector=app%3Dquiet/) === 2 && cluster.watchCount() === 1,
      'the watch resumed',
      WAIT_MS,
    );
    cluster.updatePod('shop', 'quiet-1', (pod) => {
      pod.metadata.labels = { ...pod.metadata.labels, step: '1' };
    });
    await waitFor(() => changes.includes('MODIFIED quiet-1 1'), 'the change after compaction', WAIT_MS);
    expect(changes).toEqual(['ADDED quiet-1', 'MODIFIED quiet-1 1']);
    expect(reflector.counters).toEqual({ relists: 0, gone: 0 });
    expect(proxy.count(/^\/api\/v1\/pods\?(?!.*watch=true)/)).toBe(1);
  });

  it('403 on one resource and 401 on another, then the whole cluster unreachable: reported per cluster and kind, while its other kinds and the other cluster keep answering', async () => {
    const faulty = await simulatorBehindProxy();
    const healthy = await simulatorBehindProxy();
    faulty.proxy.inject((request, response) =>
      new URL(request.url ?? '/', 'http://proxy').pathname === '/api/v1/services'
        ? answerStatus(response, 403, 'Forbidden', 'services is forbidden: User "gateway" cannot list resource "services"')
        : false,
    );
    faulty.proxy.inject((request, response) =>
      new URL(request.url ?? '/', 'http://proxy').pathname === '/api/v1/events' ? answerStatus(response, 401, 'Unauthorized', 'Unauthorized') : false,
    );
    const pool = new InformerPool({
      bus: new RecordingBus(),
      kubeconfigAllowances: ALLOW_PLAIN_HTTP,
      tuning: { backoff: { initialMs: 10, maxMs: 200, jitter: 0.2 }, watchDeadlineMs: 10_000, watchTimeoutSeconds: 60 },
    });
    cleanups.push(() => pool.stopAll());
    const faultyInformers = pool.connect('faulty', faulty.proxy.kubeconfig());
    const healthyInformers = pool.connect('healthy', healthy.proxy.kubeconfig());
    const healthyStatuses: string[] = [];
    healthyInformers.onStatusChange((status) => healthyStatuses.push(`${status.state} ${status.reason ?? ''}`));
    const stateOf = (kind: string): string | undefined => faultyInformers.watchStats().find((stats) => stats.kind === kind)?.state;

    await waitFor(() => faultyInformers.status().state === 'DEGRADED' && healthyInformers.status().state === 'RUNNING', 'faulty DEGRADED, healthy RUNNING', WAIT_MS);
    await waitFor(() => faultyInformers.status().reason?.includes('events: ') === true, 'both failing kinds named', WAIT_MS);
    expect(faultyInformers.status().reason).toMatch(/services: services is forbidden/);
    expect(faultyInformers.status().reason).toMatch(/events: Unauthorized/);
    expect([stateOf('services'), stateOf('events'), stateOf('pods'), stateOf('nodes')]).toEqual(['failed', 'failed', 'synced', 'synced']);
    faulty.cluster.createPod({ namespace: 'shop', name: 'still-served', phase: 'Running', containers: container() });
    healthy.cluster.createPod({ namespace: 'shop', name: 'elsewhere', phase: 'Running', containers: container() });
    await waitFor(() => faultyInformers.pods('shop').some((pod) => pod.name === 'still-served'), 'pods of the degraded cluster still current', WAIT_MS);
    await waitFor(() => healthyInformers.pods('shop').some((pod) => pod.name === 'elsewhere'), 'pods of the healthy cluster', WAIT_MS);

    faulty.cluster.setReachable(false);
    await waitFor(() => faultyInformers.status().state === 'UNREACHABLE', 'faulty unreachable', WAIT_MS);
    healthy.cluster.createPod({ namespace: 'shop', name: 'while-other-down', phase: 'Running', containers: container() });
    await waitFor(() => healthyInformers.pods('shop').some((pod) => pod.name === 'while-other-down'), 'the healthy cluster still current', WAIT_MS);
    expect(healthyStatuses).toEqual(['RUNNING ']);
    expect(faultyInformers.pods('shop').map((pod) => pod.name)).toEqual(['still-served']);

    faulty.cluster.setReachable(true);
    await waitFor(() => faultyInformers.status().state === 'DEGRADED', 'back to DEGRADED (still forbidden on two kinds)', WAIT_MS);
    expect(healthyInformers.status().state).toBe('RUNNING');
  });

  it('adding and removing a cluster 1,000 times leaves its sockets, watches and the heap flat', async () => {
    const { cluster, proxy } = await simulatorBehindProxy();
    cluster.createPod({ namespace: 'shop', name: 'web-1', phase: 'Running', containers: container() });
    const pool = new InformerPool({ bus: new RecordingBus(), kubeconfigAllowances: ALLOW_PLAIN_HTTP, tuning: { backoff: { initialMs: 10, maxMs: 200, jitter: 0.2 } } });
    cleanups.push(() => pool.stopAll());
    const collectGarbage = garbageCollector();
    const cycle = async (index: number): Promise<void> => {
      const informers = pool.connect('churn', proxy.kubeconfig());
      // Now and then a full connection (lists done, a watch per kind open), otherwise torn down mid-list.
      if (index % 50 === 0) expect(await informers.whenSynced(WAIT_MS)).toBe(true);
      await pool.disconnect('churn');
    };
    const settled = async (what: string): Promise<void> => {
      await waitFor(() => cluster.watchCount() === 0, `${what}: no watch left open on the apiserver`, WAIT_MS);
      // Sockets the gateway holds to this cluster (through the proxy); idle keep-alive ones close within seconds.
      let open = -1;
      const poll = setInterval(() => void proxy.connections().then((count) => (open = count)), 20);
      try {
        await waitFor(() => open === 0, `${what}: every socket to the cluster closed`, WAIT_MS);
      } finally {
        clearInterval(poll);
      }
    };

    for (let index = 0; index < 20; index += 1) await cycle(index);
    await settled('after warm-up');
    // Measured: about 90 MB after warm-up, within a few MB of that after 1,000 more; 16 KB per cycle would fail.
    const heapAfterWarmUp = collectGarbage();
    for (let index = 0; index < 1_000; index += 1) await cycle(index);
    await settled('after 1,000 cycles');

    expect(pool.clusterIds()).toEqual([]);
    if (heapAfterWarmUp !== undefined) expect((collectGarbage() ?? 0) - heapAfterWarmUp).toBeLessThan(16 * 1024 ** 2);
    expect(proxy.count(/watch=true/)).toBeGreaterThan(0);
  });

  it('a build-log stream ending early, after its log rotated, and its container restarting: every line once, in order, then an explicit end', async () => {
    // No chatter: the only lines are the container's startup lines and the test's.
    const { cluster, proxy } = await simulatorBehindProxy({ logIntervalMs: 3_600_000 });
    cluster.createPod({ namespace: 'shop', name: 'build-1-x7k2p', labels: { 'job-name': 'build-1' }, phase: 'Running', containers: [{ name: 'builder', image: 'kaniko:1' }] });
    await waitFor(() => cluster.listPods('shop')[0]?.status.phase === 'Running', 'the build pod running', WAIT_MS);
    const kubeConfig = loadKubeConfig(proxy.kubeconfig(), null, ALLOW_PLAIN_HTTP);
    const buildJobs = createBuildJobs({ kubeConfigOf: () => kubeConfig });
    const received: string[] = [];
    const abort = new AbortController();
    cleanups.push(async () => abort.abort());
    const outcome = buildJobs.follow('faults', 'shop', 'build-1', { onStarted: () => undefined, onLine: (text) => received.push(text) }, abort.signal);
    const logStreams = /^\/api\/v1\/namespaces\/shop\/pods\/build-1-x7k2p\/log\?.*follow=true/;
    let lastWrittenAt = 0;
    const write = async (lines: string[]): Promise<void> => {
      // Each batch at a later millisecond than the one before, as the kubelet's nanoseconds would be.
      await waitFor(() => Date.now() > lastWrittenAt, 'the clock to move on', WAIT_MS);
      for (const line of lines) cluster.appendPodLog('shop', 'build-1-x7k2p', 'builder', line);
      lastWrittenAt = Date.now();
    };
    const numbered = (prefix: string, from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, index) => `${prefix} ${from + index}`);

    await waitFor(() => proxy.openCount(logStreams) === 1, 'the log followed', WAIT_MS);
    // More lines than the kubelet keeps (500 here): a stream opened again starts further on.
    await write(numbered('line', 1, 520));
    await waitFor(() => received.includes('line 520'), 'the first 520 lines', WAIT_MS);
    expect(proxy.cutOpen(logStreams)).toBe(1);
    await write(numbered('line', 521, 530));
    await waitFor(() => received.includes('line 530'), 'the lines written while the stream was down', WAIT_MS);

    await waitFor(() => proxy.openCount(logStreams) === 1, 'the log followed again', WAIT_MS);
    cluster.updatePod('shop', 'build-1-x7k2p', (pod) => restartContainer(pod, new Date().toISOString(), 'builder'));
    await write(numbered('after restart', 1, 5));
    await waitFor(() => received.includes('after restart 5'), 'the restarted container', WAIT_MS);
    cluster.updatePod('shop', 'build-1-x7k2p', (pod) => setPodPhase(pod, 'Succeeded', new Date().toISOString()));

    expect(await outcome).toBe('succeeded');
    const startup = received.slice(0, received.indexOf('line 1'));
    expect(startup).toHaveLength(3);
    expect(received.slice(startup.length)).toEqual([...numbered('line', 1, 530), ...numbered('after restart', 1, 5)]);
    expect(proxy.count(logStreams)).toBeGreaterThanOrEqual(3);
  });
});

/** Collects garbage and returns the heap in use, when V8 lets us expose `gc` at run time; else undefined. */
function garbageCollector(): () => number | undefined {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
  return () => {
    if (gc === undefined) return undefined;
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
}
