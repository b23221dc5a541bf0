import { sameProjection } from './same-projection.js';

describe('sameProjection', () => {
  it('ignores the top-level resourceVersion only', () => {
    expect(sameProjection({ name: 'a', resourceVersion: '1' }, { name: 'a', resourceVersion: '2' })).toBe(true);
    expect(sameProjection({ name: 'a', nested: { resourceVersion: '1' } }, { name: 'a', nested: { resourceVersion: '2' } })).toBe(false);
  });

  it('compares nested objects and arrays structurally, treating undefined like a missing key', () => {
    expect(sameProjection({ a: [1, { b: 2 }], c: undefined }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameProjection({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameProjection({ a: { b: 1 } }, { a: { b: 1, c: 2 } })).toBe(false);
    expect(sameProjection({ a: [] }, { a: {} })).toBe(false);
  });
});
