import { requestIdOf } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('request ids', () => {
  test('the caller’s x-request-id first, then the traceparent’s trace id, else a new UUID', () => {
    expect(requestIdOf({ 'x-request-id': 'abc-123', traceparent: TRACEPARENT })).toBe('abc-123');
    expect(requestIdOf({ traceparent: TRACEPARENT })).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(requestIdOf({})).toMatch(UUID);
    expect(requestIdOf({})).not.toBe(requestIdOf({}));
  });

  test('ids that could break a log line, and malformed or all-zero trace ids, are replaced', () => {
    expect(requestIdOf({ 'x-request-id': 'a b' })).toMatch(UUID);
    expect(requestIdOf({ 'x-request-id': 'x'.repeat(129) })).toMatch(UUID);
    expect(requestIdOf({ 'x-request-id': 'line\nbreak' })).toMatch(UUID);
    expect(requestIdOf({ traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' })).toMatch(UUID);
    expect(requestIdOf({ traceparent: 'garbage' })).toMatch(UUID);
    expect(requestIdOf({ 'x-request-id': 'a b', traceparent: TRACEPARENT })).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});
