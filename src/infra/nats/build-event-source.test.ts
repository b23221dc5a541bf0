import type { BuildLogEvent, BuildRunUpdateEvent } from '../../domains/builds/index.js';
import type { PublishOptions } from '../../shared/event-bus.js';
import { RecordingBus } from '../../../test/support/k8s/recording-bus.js';
import { waitUntil } from '../../../test/support/wait-until.js';
import { createBuildEventPublisher } from './build-event-source.js';

/** Like NATS while unreachable: a publish neither succeeds nor fails until the server is back. */
class StallingBus extends RecordingBus {
  private stalled: Array<() => void> = [];
  stalling = true;

  override async publish(subject: string, data: unknown, options?: PublishOptions): Promise<void> {
    if (this.stalling) await new Promise<void>((resolve) => this.stalled.push(resolve));
    await super.publish(subject, data, options);
  }

  resume(): void {
    this.stalling = false;
    for (const resolve of this.stalled.splice(0)) resolve();
  }
}

const line = (number: number, runId = 'r1'): BuildLogEvent => ({ v: 1, type: 'line', runId, number, step: 1, text: `line ${number}`, at: new Date(0).toISOString() });
const update = (status: BuildRunUpdateEvent['status']): BuildRunUpdateEvent => ({ v: 1, workspaceId: 'w1', runId: 'r1', status });

function described(bus: RecordingBus): string[] {
  return bus.published.map(({ data }) => {
    const event = data as BuildLogEvent | BuildRunUpdateEvent;
    if ('type' in event) return event.type === 'line' ? `${event.runId} line ${event.number}` : `${event.runId} end ${event.lastLine}`;
    return `${event.runId} update ${event.status}`;
  });
}

describe('build events while the bus does not answer', () => {
  test('publishing returns at once, and everything goes out in order once the bus answers', async () => {
    const bus = new StallingBus();
    const publisher = createBuildEventPublisher(bus, { maxEvents: 100 });
    await publisher.runUpdate(update('RUNNING'));
    for (const number of [1, 2, 3]) await publisher.logEvent(line(number));
    await publisher.runUpdate(update('SUCCEEDED'));
    await publisher.logEvent({ v: 1, type: 'end', runId: 'r1', lastLine: 3, status: 'SUCCEEDED' });
    expect(publisher.stats().pending).toBe(6);
    bus.resume();
    await publisher.close();
    expect(described(bus)).toEqual(['r1 update RUNNING', 'r1 line 1', 'r1 line 2', 'r1 line 3', 'r1 update SUCCEEDED', 'r1 end 3']);
    expect(bus.duplicateMessageIds()).toEqual([]);
  });

  test('beyond the bound, dropped lines stay dropped (readers take them from the store) while the run update and end are sent again', async () => {
    const bus = new StallingBus();
    const publisher = createBuildEventPublisher(bus, { maxEvents: 2 });
    await publisher.runUpdate(update('RUNNING')); // being published
    await publisher.logEvent(line(1));
    await publisher.runUpdate(update('SUCCEEDED'));
    await publisher.logEvent({ v: 1, type: 'end', runId: 'r1', lastLine: 3, status: 'SUCCEEDED' });
    // Another run's first lines.
    for (const number of [1, 2]) await publisher.logEvent(line(number, 'r2'));
    expect(publisher.stats()).toMatchObject({ pending: 3, dropped: 3 });
    bus.resume();
    await waitUntil(() => publisher.stats().pending === 0, 'the outbox drained');
    expect(described(bus)).toEqual(['r1 update RUNNING', 'r1 update SUCCEEDED', 'r1 end 3', 'r2 line 1', 'r2 line 2']);
    expect(publisher.stats()).toMatchObject({ dropped: 3, resyncs: 1 });
    await publisher.close();
  });
});
