import { openLogStream } from './log-stream.js';
import type { BuildLogEvent, BuildLogStore } from './ports.js';
import type { BuildLogLineRecord, RunStatus } from './records.js';

const RUN = 'run-1';

function line(number: number): BuildLogLineRecord {
  return { runId: RUN, number, step: 1, text: `line ${number}`, at: new Date(0) };
}

function store(lines: BuildLogLineRecord[]): BuildLogStore {
  return {
    append: async () => undefined,
    read: async (_runId, fromLine, limit) => lines.filter((entry) => entry.number >= fromLine).slice(0, limit),
    lastNumber: async () => lines.at(-1)?.number ?? 0,
    prune: async () => 0,
    page: async () => {
      throw new Error('the log stream reads by line number, not by page');
    },
  };
}

function live(events: BuildLogEvent[]): AsyncIterableIterator<BuildLogEvent> & { returned: boolean } {
  const iterator = {
    returned: false,
    next: async (): Promise<IteratorResult<BuildLogEvent>> => {
      const event = events.shift();
      return event === undefined ? { done: true, value: undefined } : { done: false, value: event };
    },
    return: async (): Promise<IteratorResult<BuildLogEvent>> => {
      iterator.returned = true;
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

function lineEvent(number: number): BuildLogEvent {
  return { v: 1, type: 'line', runId: RUN, number, step: 1, text: `line ${number}`, at: new Date(0).toISOString() };
}

async function drain(stream: AsyncIterableIterator<BuildLogLineRecord>): Promise<number[]> {
  const numbers: number[] = [];
  for await (const entry of stream) numbers.push(entry.number);
  return numbers;
}

describe('openLogStream', () => {
  const status = (value: RunStatus) => async () => value;

  it('sends history, then live lines after it, each once, and ends with the run', async () => {
    const events = live([lineEvent(4), lineEvent(5), lineEvent(6), lineEvent(7), { v: 1, type: 'end', runId: RUN, lastLine: 7, status: 'SUCCEEDED' }]);
    const stream = await openLogStream(RUN, 1, events, { logs: store([1, 2, 3, 4, 5].map(line)), statusOf: status('RUNNING') });
    expect(await drain(stream)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events.returned).toBe(true);
  });

  it('starts at fromLine, skipping earlier live lines too', async () => {
    const events = live([lineEvent(2), lineEvent(3), lineEvent(4), { v: 1, type: 'end', runId: RUN, lastLine: 4, status: 'FAILED' }]);
    const stream = await openLogStream(RUN, 3, events, { logs: store([1, 2].map(line)), statusOf: status('RUNNING') });
    expect(await drain(stream)).toEqual([3, 4]);
  });

  it('reads a line the bus lost from the store when the next live line shows the gap', async () => {
    const stored = [1, 2].map(line);
    const events = live([lineEvent(3), lineEvent(6), lineEvent(7), { v: 1, type: 'end', runId: RUN, lastLine: 7, status: 'SUCCEEDED' }]);
    const stream = await openLogStream(RUN, 1, events, { logs: store(stored), statusOf: status('RUNNING') });
    const received: number[] = [];
    for await (const entry of stream) {
      received.push(entry.number);
      // Stored before published: by the time line 6 is on the bus, 4 to 6 are in the store.
      if (entry.number === 3) stored.push(...[4, 5, 6].map(line));
      if (entry.number === 6) stored.push(line(7));
    }
    expect(received).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("reads the lines the bus lost before the run's end from the store, then ends", async () => {
    const stored = [1, 2].map(line);
    const events = live([lineEvent(3), { v: 1, type: 'end', runId: RUN, lastLine: 5, status: 'FAILED' }]);
    const stream = await openLogStream(RUN, 1, events, { logs: store(stored), statusOf: status('RUNNING') });
    const received: number[] = [];
    for await (const entry of stream) {
      received.push(entry.number);
      if (entry.number === 3) stored.push(...[4, 5].map(line));
    }
    expect(received).toEqual([1, 2, 3, 4, 5]);
    expect(events.returned).toBe(true);
  });

  it('ends after the history of a run that had already finished', async () => {
    const events = live([lineEvent(99)]);
    const stream = await openLogStream(RUN, 2, events, { logs: store([1, 2, 3].map(line)), statusOf: status('SUCCEEDED') });
    expect(await drain(stream)).toEqual([2, 3]);
    expect(events.returned).toBe(true);
  });
});
