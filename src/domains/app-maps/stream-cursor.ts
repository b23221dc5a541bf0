/**
 * Cursors of appMapEvents. A map stream reports states, not a log: what a resuming subscriber lacks
 * is each map's state if it changed since it last heard, so the cursor carries the digest of every
 * map's state as of its event (and which maps the stream is about). Self-contained: it never
 * expires with the bus's retention.
 */
import { createHash } from 'node:crypto';
import { BadInputError } from '../../shared/errors.js';

const VERSION = 'am1';
const DIGEST = /^[A-Za-z0-9_-]{1,16}$/;
const MAX_CURSOR_LENGTH = 4096;

function fingerprint(appMapIds: readonly string[]): string {
  return createHash('sha256').update(appMapIds.join('\n')).digest('base64url').slice(0, 11);
}

/** `appMapIds` sorted and unique; `digests` in the same order. */
export function encodeStreamCursor(appMapIds: readonly string[], digests: readonly string[]): string {
  return Buffer.from(JSON.stringify([VERSION, fingerprint(appMapIds), ...digests]), 'utf8').toString('base64url');
}

/** The digest of each map (by id) as the cursor's event left it; BAD_USER_INPUT for anything this stream did not issue. */
export function decodeStreamCursor(cursor: string, appMapIds: readonly string[]): ReadonlyMap<string, string> {
  const refuse = () => new BadInputError('after', 'is not a cursor of this stream (the same appMapIds)');
  let parsed: unknown;
  try {
    if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse();
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) throw refuse();
    parsed = JSON.parse(text);
  } catch {
    throw refuse();
  }
  if (!Array.isArray(parsed) || parsed[0] !== VERSION || parsed[1] !== fingerprint(appMapIds) || parsed.length !== appMapIds.length + 2) throw refuse();
  const digests = parsed.slice(2);
  if (!digests.every((digest): digest is string => typeof digest === 'string' && DIGEST.test(digest))) throw refuse();
  return new Map(appMapIds.map((id, index) => [id, digests[index] as string]));
}
