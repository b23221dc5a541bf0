/**
 * `podEvents` subscribers over graphql-ws spread evenly over several gateway URLs (replicas), held
 * in worker threads (bench/subscriber-worker.ts, one per URL), made live with warm-up pod changes,
 * and timed from a pod change to the first subscriber's frame.
 */
import type { SimulatedCluster } from '../src/simulator/index.js';
import { SEQUENCE_LABEL, type WorkerCommand, type WorkerReport } from './fanout-protocol.js';
import { DeliveryFailure, median } from './fanout-session.js';
import { absoluteNow } from './support.js';
import { WorkerLink } from './worker-link.js';

const POD_EVENTS = `subscription Pods($clusterId: ID!) {
  podEvents(clusterId: $clusterId) { type cursor pod { id namespace name phase ready restarts labels containers { name image } } }
}`;

const OPEN_TIMEOUT_MS = 180_000;
const WARMUP_ATTEMPTS = 480;
const WARMUP_WAIT_MS = 250;

type Link = WorkerLink<WorkerCommand, WorkerReport>;

export interface SubscriberFleet {
  /** Median ms from a pod change in the simulator to the first subscriber receiving it, over `rounds` changes. */
  changeToFirstFrameMs(rounds: number): Promise<number>;
  close(): Promise<void>;
}

export interface SubscriberFleetOptions {
  readonly urls: readonly string[];
  readonly authorization: string;
  readonly count: number;
  readonly simulator: SimulatedCluster;
  readonly clusterId: string;
}

export async function openSubscriberFleet(options: SubscriberFleetOptions): Promise<SubscriberFleet> {
  const pod = options.simulator.listPods()[0];
  if (pod === undefined) throw new Error('the cluster has no pod to change');
  const { namespace, name } = pod.metadata;
  const emit = (sequence: string) =>
    options.simulator.updatePod(namespace, name, (draft) => {
      draft.metadata.labels = { ...draft.metadata.labels, [SEQUENCE_LABEL]: sequence };
    });
  const shares = options.urls.map((_, index) => Math.floor(options.count / options.urls.length) + (index < options.count % options.urls.length ? 1 : 0));
  const links: Link[] = [];
  const everyLink = async <T>(work: (link: Link) => Promise<T>) => Promise.all(links.map(work));
  try {
    for (const [index, url] of options.urls.entries()) {
      const count = shares[index] ?? 0;
      if (count === 0) continue;
      const link: Link = new WorkerLink(new URL('./subscriber-worker.js', import.meta.url), 'failed');
      links.push(link);
      link.send({
        type: 'open',
        mode: 'graphql',
        url,
        count,
        batchSize: 250,
        timeoutMs: OPEN_TIMEOUT_MS,
        authorization: options.authorization,
        query: POD_EVENTS,
        variables: { clusterId: options.clusterId },
      });
    }
    for (const opened of await everyLink((link) => link.expect('opened', OPEN_TIMEOUT_MS + 5_000))) {
      if (opened.failed > 0) throw new DeliveryFailure(`${opened.failed} subscribers could not connect: ${opened.firstError ?? 'no reason given'}`, undefined);
    }
    // Live once every subscriber received a warm-up change.
    await everyLink(async (link) => {
      link.send({ type: 'arm', tag: 'w-', expected: 1 });
      await link.expect('armed', 10_000);
    });
    const done = new Set<Link>();
    for (let attempt = 0; done.size < links.length; attempt++) {
      if (attempt >= WARMUP_ATTEMPTS) {
        const statuses = await everyLink(async (link) => {
          link.send({ type: 'status' });
          return link.expect('status', 10_000);
        });
        const why = statuses
          .map((status) => `${status.none} got none, ${status.ended} ended, ${status.errors} errors${status.firstError ? ` (first: ${status.firstError})` : ''}`)
          .join('; ');
        throw new DeliveryFailure(`not every subscriber received any of ${WARMUP_ATTEMPTS} warm-up changes: ${why}`, undefined);
      }
      emit(`w-${attempt}`);
      await everyLink(async (link) => {
        if (done.has(link)) return;
        await link.expect('complete', WARMUP_WAIT_MS).then(
          () => done.add(link),
          () => undefined,
        );
      });
    }
  } catch (error) {
    await everyLink((link) => link.stop());
    throw error;
  }
  return {
    async changeToFirstFrameMs(rounds) {
      const samples: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const tag = `m${round}-`;
        await everyLink(async (link) => {
          link.send({ type: 'arm', tag, expected: 1 });
          await link.expect('armed', 10_000);
        });
        const changedAt = absoluteNow();
        emit(`${tag}0`);
        const firsts = await everyLink(async (link) => (await link.expect('complete', 60_000)).firstAt);
        samples.push(Math.min(...firsts) - changedAt);
      }
      return median(samples);
    },
    async close() {
      await everyLink(async (link) => {
        link.send({ type: 'close' });
        await link.expect('closed', 60_000).catch(() => undefined);
        await link.stop();
      });
    },
  };
}
