import { InvalidCursorError } from '../../shared/event-bus.js';
import { decodeJetStreamCursor, decodeMemoryCursor, encodeJetStreamCursor, encodeMemoryCursor } from './cursor.js';

describe('cursors', () => {
  test('JetStream cursors round-trip and are opaque base64url', () => {
    const cursor = encodeJetStreamCursor(42);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('42');
    expect(decodeJetStreamCursor(cursor)).toBe(42);
    expect(decodeJetStreamCursor(encodeJetStreamCursor(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('a JetStream cursor names its stream: another stream in its place refuses it', () => {
    const cursor = encodeJetStreamCursor(42, 'a1b2c3');
    expect(decodeJetStreamCursor(cursor, 'a1b2c3')).toBe(42);
    expect(() => decodeJetStreamCursor(cursor, 'ffffff')).toThrow(InvalidCursorError);
    // Cursors issued before they named their stream still resume.
    expect(decodeJetStreamCursor(encodeJetStreamCursor(42), 'a1b2c3')).toBe(42);
  });

  test('memory cursors round-trip only on the bus instance that issued them', () => {
    const cursor = encodeMemoryCursor('abc123', 7);
    expect(decodeMemoryCursor(cursor, 'abc123')).toBe(7);
    expect(() => decodeMemoryCursor(cursor, 'other1')).toThrow(InvalidCursorError);
    expect(() => decodeJetStreamCursor(cursor)).toThrow(InvalidCursorError);
  });

  const b64 = (text: string): string => Buffer.from(text).toString('base64url');
  test.each([
    ['empty', ''],
    ['not base64url', 'js:1'],
    ['padding', `${b64('js:1')}=`],
    ['sequence 0', b64('js:0')],
    ['leading zero', b64('js:01')],
    ['negative', b64('js:-1')],
    ['not a number', b64('js:1e3')],
    ['beyond safe integers', b64('js:9007199254740993')],
    ['trailing text', b64('js:1 ')],
    ['other kind', b64('mem:abc:1')],
    ['an empty stream token', b64('js:1:')],
    ['a stream token with other characters', b64('js:1:a-b')],
  ])('a JetStream cursor with %s is refused', (_what, cursor) => {
    expect(() => decodeJetStreamCursor(cursor)).toThrow(InvalidCursorError);
  });
});
