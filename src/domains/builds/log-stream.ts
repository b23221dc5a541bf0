/**
 * A run's log from a line on, then live: subscribe to the bus FIRST, then read the run's status
 * and the stored lines, then pass on live lines numbered after the last one already sent. Lines
 * are stored before they are published, so none falls between history and live tail; a run that
 * had finished when its status was read has all its lines stored, and the stream ends after them.
 */
import type { BuildLogEvent, BuildLogStore } from './ports.js';
import { isFinished, type BuildLogLineRecord, type RunStatus } from './records.js';

const PAGE = 500;

export interface LogStreamDeps {
  readonly logs: BuildLogStore;
  readonly statusOf: () => Promise<RunStatus | null>;
}

export async function openLogStream(
  runId: string,
  fromLine: number,
  live: AsyncIterableIterator<BuildLogEvent>,
  deps: LogStreamDeps,
): Promise<AsyncIterableIterator<BuildLogLineRecord>> {
  let history: BuildLogLineRecord[] = [];
  let lastSent = fromLine - 1;
  let nextHistoryLine = fromLine;
  let historyDone = false;
  let finishedAtStart = false;
  let closed = false;
  try {
    const status = await deps.statusOf();
    finishedAtStart = status === null || isFinished(status);
  } catch (error) {
    await live.return?.();
    throw error;
  }

  const close = async (): Promise<IteratorResult<BuildLogLineRecord>> => {
    if (!closed) {
      closed = true;
      await live.return?.();
    }
    return { done: true, value: undefined };
  };

  const iterator: AsyncIterableIterator<BuildLogLineRecord> = {
    async next() {
      if (closed) return { done: true, value: undefined };
      // History first, a page at a time.
      while (!historyDone) {
        const line = history.shift();
        if (line !== undefined) {
          lastSent = line.number;
          return { done: false, value: line };
        }
        history = await deps.logs.read(runId, nextHistoryLine, PAGE);
        const last = history.at(-1);
        if (last === undefined) historyDone = true;
        else nextHistoryLine = last.number + 1;
      }
      if (finishedAtStart) return close();
      for (;;) {
        const result = await live.next();
        if (result.done) return close();
        const event = result.value;
        if (event.type === 'end') return close();
        if (event.number <= lastSent) continue; // already sent from history
        lastSent = event.number;
        return { done: false, value: { runId: event.runId, number: event.number, step: event.step, text: event.text, at: new Date(event.at) } };
      }
    },
    return: close,
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
