/**
 * A run's log from a line on, then live: subscribe to the bus FIRST, then read the run's status
 * and the stored lines, then pass on live lines numbered after the last one already sent. Lines
 * are stored before they are published, so none falls between history and live tail; a run that
 * had finished when its status was read has all its lines stored, and the stream ends after them.
 * For the same reason a line the bus never delivered (dropped while NATS was unreachable) is read
 * from the store as soon as a later line or the run's end shows the gap.
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
  let endAfterHistory = false;
  let closed = false;
  try {
    const status = await deps.statusOf();
    endAfterHistory = status === null || isFinished(status);
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

  /** Back to the store from the line after the last one sent: every line up to what the bus just announced is there. */
  const readGapFromStore = (): void => {
    history = [];
    historyDone = false;
    nextHistoryLine = lastSent + 1;
  };

  const iterator: AsyncIterableIterator<BuildLogLineRecord> = {
    async next() {
      if (closed) return { done: true, value: undefined };
      for (;;) {
        // History first (or a gap), a page at a time.
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
        if (endAfterHistory) return close();
        const result = await live.next();
        if (result.done) return close();
        const event = result.value;
        if (event.type === 'end') {
          if (event.lastLine <= lastSent) return close();
          endAfterHistory = true;
          readGapFromStore();
          continue;
        }
        if (event.number <= lastSent) continue; // already sent from history
        if (event.number > lastSent + 1) {
          readGapFromStore();
          continue;
        }
        lastSent = event.number;
        return { done: false, value: { runId: event.runId, number: event.number, step: event.step, text: event.text, at: new Date(event.at) } };
      }
    },
    return: close,
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
