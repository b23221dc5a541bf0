/**
 * A cluster's events while the bus does not answer: bounded, published in order when it does,
 * and after drops a resync that brings subscribers to the cluster's current state.
 */
import type { ClusterObjectEvent, PodProjection } from '../../domains/clusters/model.js';
import type { PublishOptions } from '../../shared/event-bus.js';
import { ClusterInformers, type InformedKind } from './cluster-informers.js';
import { INFORMED_KINDS } from './informed-kinds.js';
import { FakeApiServer } from '../../../test/support/k8s/fake-api-server.js';
import { RecordingBus } from '../../../test/support/k8s/recording-bus.js';
import { waitFor } from '../../../test/support/k8s/wait-for.js';

const KUBECONFIG = `
apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster: { server: "https://127.0.0.1:1" }
users:
- name: me
  user: { token: "t" }
contexts:
- name: fake
  context: { cluster: fake, user: me }
current-context: fake
`;

/** Like NATS while unreachable: a publish neither succeeds nor fails until the server is back. */
class StallingBus extends RecordingBus {
  private stalled: Array<() => void> = [];
  stalling = false;

  override async publish(subject: string, data: unknown, options?: PublishOptions): Promise<void> {
    if (this.stalling) await new Promise<void>((resolve) => this.stalled.push(resolve));
    await super.publish(subject, data, options);
  }

  resume(): void {
    this.stalling = false;
    for (const resolve of this.stalled.splice(0)) resolve();
  }
}

function pod(name: string, phase = 'Running'): Parameters<FakeApiServer['apply']>[0] {
  return { metadata: { name, namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'nginx' }] }, status: { phase } };
}

function podEvents(bus: RecordingBus): string[] {
  return bus.on('kda.v1.c1.pods.').map((entry) => {
    const event = entry.data as ClusterObjectEvent<PodProjection>;
    return `${event.type} ${event.object.name} ${event.object.phase}`;
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function start(maxEvents: number) {
  const servers = Object.fromEntries(INFORMED_KINDS.map((kind) => [kind, new FakeApiServer()])) as Record<InformedKind, FakeApiServer>;
  servers.nodes.apply({ metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  servers.namespaces.apply({ metadata: { name: 'shop' } });
  servers.pods.apply(pod('keep'));
  servers.pods.apply(pod('gone'));
  const bus = new StallingBus();
  const informers = new ClusterInformers({
    clusterId: 'c1',
    kubeconfigYaml: KUBECONFIG,
    bus,
    outboxMaxEvents: maxEvents,
    tuning: { backoff: { initialMs: 1, maxMs: 5, jitter: 0.5 }, watchDeadlineMs: 60_000 },
    transportFor: (kind) => servers[kind],
  });
  cleanups.push(async () => {
    bus.resume();
    await informers.stop();
  });
  informers.start();
  return { servers, bus, informers };
}

/** Seven pod changes: the pod `brief` is created and deleted while the bus stalls. */
async function changeWhileStalled(servers: Record<InformedKind, FakeApiServer>, informers: ClusterInformers): Promise<void> {
  servers.pods.apply(pod('keep', 'Failed'));
  servers.pods.remove('gone', 'shop');
  servers.pods.apply(pod('new'));
  servers.pods.apply(pod('brief'));
  servers.pods.remove('brief', 'shop');
  servers.pods.apply(pod('late', 'Pending'));
  servers.pods.apply(pod('late', 'Running'));
  await waitFor(() => informers.pods('shop').find((item) => item.name === 'late')?.phase === 'Running', 'the last change in the cache');
}

async function synced(bus: StallingBus, servers: Record<InformedKind, FakeApiServer>, informers: ClusterInformers): Promise<void> {
  await informers.whenSynced(5_000);
  await waitFor(() => servers.pods.activeWatches === 1, 'pods watched');
  await waitFor(() => podEvents(bus).length === 2, 'the initial pods on the bus');
  bus.stalling = true;
}

describe('ClusterInformers while the bus does not answer', () => {
  it('keeps every change within the bound and publishes them in order once the bus answers', async () => {
    const { servers, bus, informers } = start(100);
    await synced(bus, servers, informers);
    await changeWhileStalled(servers, informers);
    expect(informers.outboxStats()).toMatchObject({ pending: 7, dropped: 0 });

    bus.resume();
    await waitFor(() => informers.outboxStats().pending === 0, 'the outbox drained');
    expect(podEvents(bus).slice(2)).toEqual([
      'MODIFIED keep Failed',
      'DELETED gone Running',
      'ADDED new Running',
      'ADDED brief Running',
      'DELETED brief Running',
      'ADDED late Pending',
      'MODIFIED late Running',
    ]);
    expect(bus.duplicateMessageIds()).toEqual([]);
  });

  it('beyond the bound drops the oldest waiting changes, then publishes what they were about as it is now, before the rest', async () => {
    const { servers, bus, informers } = start(2);
    await synced(bus, servers, informers);
    // The first list's burst (nodes, namespaces, pods, status) already went beyond two.
    const before = informers.outboxStats();
    await changeWhileStalled(servers, informers);
    // The change being published, and two waiting behind it.
    expect(informers.outboxStats()).toMatchObject({ pending: 3, dropped: before.dropped + 4, resyncs: before.resyncs });

    bus.resume();
    await waitFor(() => informers.outboxStats().pending === 0, 'the outbox drained');
    expect(informers.outboxStats()).toMatchObject({ pending: 0, oldestPendingAgeMs: 0, dropped: before.dropped + 4, resyncs: before.resyncs + 1 });
    // `gone`'s deletion and `new`'s creation come from the resync; `brief` came and went unseen.
    expect(podEvents(bus).slice(2)).toEqual(['MODIFIED keep Failed', 'DELETED gone Running', 'ADDED new Running', 'ADDED late Pending', 'MODIFIED late Running']);
    expect(bus.duplicateMessageIds()).toEqual([]);
  });
});
