/**
 * Worker thread holding the fan-out scenario's subscribers: N graphql-ws clients of the gateway,
 * or N plain ws clients of the raw baseline. Both parse every message as JSON, so the client-side
 * work per event is alike; it runs on this thread, not on the servers' one.
 */
import { parentPort } from 'node:worker_threads';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { sequenceOf, type ArmCommand, type OpenCommand, type StatusReport, type WorkerCommand, type WorkerReport } from './fanout-protocol.js';
import { absoluteNow, withTimeout } from './support.js';

if (parentPort === null) throw new Error('subscriber-worker must run as a worker thread');
const port = parentPort;
const send = (report: WorkerReport) => port.postMessage(report);

interface Subscriber {
  close(): Promise<void>;
}

let subscribers: Subscriber[] = [];
let counts = new Int32Array(0);
let ended = new Uint8Array(0);
let errors = 0;
let firstError: string | undefined;
let round: { tag: string; expected: number; reached: number; delivered: number; firstAt?: number; sample?: string } | undefined;

function noteError(error: unknown): void {
  errors++;
  firstError ??= describe(error);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return JSON.stringify(error);
  const closeEvent = error as { code?: unknown; reason?: unknown } | null;
  if (closeEvent && typeof closeEvent.code === 'number') return `socket closed ${closeEvent.code} ${typeof closeEvent.reason === 'string' ? closeEvent.reason : ''}`;
  return String(error);
}

/** A message's text: ws hands over a Buffer (binaryType 'nodebuffer', the default); the other shapes for completeness. */
function textOf(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
}

function onPayload(index: number, payload: unknown): void {
  // A refusal comes as a result with errors (then `complete`), not through the error callback.
  const refusal = (payload as { errors?: unknown } | null)?.errors;
  if (refusal !== undefined) noteError(refusal);
  if (round === undefined) return;
  const sequence = sequenceOf(payload);
  if (sequence === undefined || !sequence.startsWith(round.tag)) return;
  const now = absoluteNow();
  if (round.firstAt === undefined) {
    round.firstAt = now;
    round.sample = JSON.stringify({ id: '00000000-0000-0000-0000-000000000000', type: 'next', payload });
  }
  round.delivered++;
  const count = ++counts[index]!;
  if (count !== round.expected) return;
  round.reached++;
  if (round.reached === subscribers.length) {
    send({ type: 'complete', tag: round.tag, firstAt: round.firstAt, lastAt: now, delivered: round.delivered, sample: round.sample ?? '' });
  }
}

function openGraphql(command: OpenCommand, index: number): { subscriber: Subscriber; connected: Promise<void> } {
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const connected = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const client: Client = createClient({
    url: command.url,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: { authorization: command.authorization },
    on: {
      connected: () => settle?.resolve(),
      closed: (event) => settle?.reject(event),
    },
  });
  client.subscribe(
    { query: command.query ?? '', variables: command.variables ?? {} },
    {
      next: (value) => onPayload(index, value),
      error: (error) => {
        ended[index] = 1;
        noteError(error);
      },
      complete: () => {
        ended[index] = 1;
      },
    },
  );
  return { subscriber: { close: async () => client.dispose() }, connected };
}

function openRaw(command: OpenCommand, index: number): { subscriber: Subscriber; connected: Promise<void> } {
  const socket = new WebSocket(command.url);
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('message', (data: WebSocket.RawData) => {
    const message = JSON.parse(textOf(data)) as { payload?: unknown };
    onPayload(index, message.payload);
  });
  socket.on('close', () => {
    ended[index] = 1;
  });
  socket.on('error', noteError);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    subscriber: {
      close: async () => {
        if (socket.readyState === WebSocket.CLOSED) return;
        socket.close();
        await closed;
      },
    },
    connected,
  };
}

async function open(command: OpenCommand): Promise<void> {
  counts = new Int32Array(command.count);
  ended = new Uint8Array(command.count);
  let failed = 0;
  let firstFailure: string | undefined;
  const deadline = Date.now() + command.timeoutMs;
  // Batches keep the accept backlog and the handshakes in flight bounded.
  for (let start = 0; start < command.count; start += command.batchSize) {
    const batch: Promise<void>[] = [];
    for (let index = start; index < Math.min(command.count, start + command.batchSize); index++) {
      const opened = command.mode === 'graphql' ? openGraphql(command, index) : openRaw(command, index);
      subscribers.push(opened.subscriber);
      batch.push(opened.connected);
    }
    const results = await withTimeout(`subscribers ${start}..${start + batch.length - 1} to connect`, Promise.allSettled(batch), Math.max(1, deadline - Date.now()));
    for (const result of results) {
      if (result.status === 'rejected') {
        failed++;
        firstFailure ??= describe(result.reason);
      }
    }
  }
  send({ type: 'opened', open: command.count - failed, failed, ...(firstFailure ? { firstError: firstFailure } : {}) });
}

function arm(command: ArmCommand): void {
  counts.fill(0);
  round = { tag: command.tag, expected: command.expected, reached: 0, delivered: 0 };
  send({ type: 'armed', tag: command.tag });
}

function status(): StatusReport {
  let none = 0;
  let partial = 0;
  let all = 0;
  const expected = round?.expected ?? 0;
  for (const count of counts) {
    if (count === 0) none++;
    else if (count < expected) partial++;
    else all++;
  }
  return { type: 'status', tag: round?.tag ?? '', expected, none, partial, all, ended: ended.reduce((sum, flag) => sum + flag, 0), errors, ...(firstError ? { firstError } : {}) };
}

async function close(): Promise<void> {
  round = undefined;
  await Promise.all(subscribers.map((subscriber) => subscriber.close()));
  subscribers = [];
  send({ type: 'closed' });
}

port.on('message', (command: WorkerCommand) => {
  const run = async () => {
    switch (command.type) {
      case 'open':
        return open(command);
      case 'arm':
        return arm(command);
      case 'status':
        return send(status());
      case 'close':
        return close();
    }
  };
  run().catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});
