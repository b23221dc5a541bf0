/**
 * Worker thread that POSTs one request body to one URL from a few keep-alive connections, for a
 * fixed number of requests, and reports the rate. Runs off the servers' thread.
 */
import { Agent, request } from 'node:http';
import { parentPort } from 'node:worker_threads';
import type { HttpLoadCommand, HttpLoadReport } from './http-load-protocol.js';
import { absoluteNow } from './support.js';

if (parentPort === null) throw new Error('http-load-worker must run as a worker thread');
const port = parentPort;

/** One request; resolves with the status and the body length, the body itself is not kept. */
function post(agent: Agent, command: HttpLoadCommand): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(command.url, { method: 'POST', agent, headers: { ...command.headers, 'content-length': Buffer.byteLength(command.body) } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(command.body);
  });
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function run(command: HttpLoadCommand): Promise<HttpLoadReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: command.concurrency });
  let failures = 0;
  let firstFailure: string | undefined;
  let bytes = 0;
  let latencies: number[] = [];
  const drive = async (total: number): Promise<void> => {
    let next = 0;
    const client = async () => {
      while (next < total) {
        next++;
        try {
          const sentAt = absoluteNow();
          const response = await post(agent, command);
          latencies.push(absoluteNow() - sentAt);
          bytes += response.bytes;
          if (response.status !== 200 || response.bytes !== command.expectedBytes) {
            failures++;
            firstFailure ??= `HTTP ${response.status}, ${response.bytes} bytes instead of ${command.expectedBytes}`;
          }
        } catch (error) {
          failures++;
          firstFailure ??= error instanceof Error ? error.message : String(error);
        }
      }
    };
    await Promise.all(Array.from({ length: command.concurrency }, client));
  };
  try {
    await drive(command.warmupRequests);
    failures = 0;
    firstFailure = undefined;
    bytes = 0;
    latencies = [];
    const startedAt = absoluteNow();
    await drive(command.requests);
    const elapsedMs = absoluteNow() - startedAt;
    latencies.sort((a, b) => a - b);
    return {
      type: 'done',
      elapsedMs,
      requests: command.requests,
      failures,
      bytes,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      ...(firstFailure ? { firstFailure } : {}),
    };
  } finally {
    agent.destroy();
  }
}

port.once('message', (command: HttpLoadCommand) => {
  run(command).then(
    (report) => port.postMessage(report),
    (error: unknown) => port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies HttpLoadReport),
  );
});
