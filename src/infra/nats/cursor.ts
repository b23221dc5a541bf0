/**
 * Opaque cursors: base64url of a short text. Decoding is strict (canonical base64url only, exact
 * grammar, safe positive integers) so that a tampered or foreign cursor is refused rather than
 * silently resuming from the wrong place.
 */
import { InvalidCursorError } from '../../shared/event-bus.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const JETSTREAM_CURSOR = /^js:([1-9][0-9]{0,15})(?::([A-Za-z0-9]{1,32}))?$/;
const MEMORY_CURSOR = /^mem:([A-Za-z0-9]{1,32}):([1-9][0-9]{0,15})$/;

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decode(cursor: string): string {
  if (!BASE64URL.test(cursor)) throw new InvalidCursorError(cursor);
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Node's decoder ignores trailing garbage bits; only the canonical spelling is ours.
  if (encode(text) !== cursor) throw new InvalidCursorError(cursor);
  return text;
}

function toSequence(digits: string | undefined, cursor: string): number {
  const sequence = Number(digits);
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new InvalidCursorError(cursor);
  return sequence;
}

/**
 * Cursor of a JetStream message: its stream sequence, and which stream it is (a token of the
 * stream's creation), so that a cursor of a stream NATS lost is refused by the stream made again
 * in its place instead of resuming at an unrelated message.
 */
export function encodeJetStreamCursor(streamSequence: number, stream?: string): string {
  return encode(stream === undefined ? `js:${streamSequence}` : `js:${streamSequence}:${stream}`);
}

/** A cursor without a stream token (issued before they had one) is taken as of the current stream. */
export function decodeJetStreamCursor(cursor: string, expectedStream?: string): number {
  const match = JETSTREAM_CURSOR.exec(decode(cursor));
  if (!match) throw new InvalidCursorError(cursor);
  const stream = match[2];
  if (stream !== undefined && expectedStream !== undefined && stream !== expectedStream) throw new InvalidCursorError(cursor);
  return toSequence(match[1], cursor);
}

/**
 * Cursor of an in-process message. The epoch names the bus instance: sequences restart with the
 * process, so a cursor from a previous run must be refused, not mapped onto a different message.
 */
export function encodeMemoryCursor(epoch: string, sequence: number): string {
  return encode(`mem:${epoch}:${sequence}`);
}

export function decodeMemoryCursor(cursor: string, expectedEpoch: string): number {
  const match = MEMORY_CURSOR.exec(decode(cursor));
  if (!match || match[1] !== expectedEpoch) throw new InvalidCursorError(cursor);
  return toSequence(match[2], cursor);
}
