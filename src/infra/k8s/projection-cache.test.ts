import { ProjectionCache } from './projection-cache.js';

interface Item {
  readonly name: string;
  readonly namespace: string;
  readonly at: string;
}

const item = (namespace: string, name: string, at = '2024-01-01T00:00:00Z'): Item => ({ namespace, name, at });
const key = (entry: Item): string => `${entry.namespace}/${entry.name}`;

describe('ProjectionCache', () => {
  it('indexes by namespace and follows moves and deletes', () => {
    const cache = new ProjectionCache<Item>({ namespaceOf: (entry) => entry.namespace });
    cache.set('a', item('shop', 'a'));
    cache.set('b', item('shop', 'b'));
    cache.set('c', item('blog', 'c'));
    expect(
      cache
        .inNamespace('shop')
        .map((entry) => entry.name)
        .sort(),
    ).toEqual(['a', 'b']);
    cache.set('b', item('blog', 'b'));
    cache.delete('a');
    cache.delete('missing');
    expect(cache.inNamespace('shop')).toEqual([]);
    expect(
      cache
        .inNamespace('blog')
        .map((entry) => entry.name)
        .sort(),
    ).toEqual(['b', 'c']);
    expect(cache.size).toBe(2);
  });

  it('refuses a namespace read without an index', () => {
    expect(() => new ProjectionCache<Item>().inNamespace('shop')).toThrow(/no namespace index/);
  });

  it('when bounded and full, evicts the oldest for a newer item and turns away an older one', () => {
    const cache = new ProjectionCache<Item>({ namespaceOf: (entry) => entry.namespace, bound: { maxItems: 2, recencyOf: (entry) => entry.at } });
    const first = item('shop', 'first', '2024-01-01T00:00:01Z');
    const second = item('shop', 'second', '2024-01-01T00:00:02Z');
    for (const entry of [first, second]) {
      expect(cache.admit(key(entry), entry)).toBe(true);
      cache.set(key(entry), entry);
    }
    const older = item('shop', 'older', '2024-01-01T00:00:00Z');
    expect(cache.admit(key(older), older)).toBe(false);
    // An item already cached is always admitted (an update, not an addition).
    expect(cache.admit(key(first), first)).toBe(true);
    const newer = item('shop', 'newer', '2024-01-01T00:00:03Z');
    expect(cache.admit(key(newer), newer)).toBe(true);
    cache.set(key(newer), newer);
    expect(
      cache
        .values()
        .map((entry) => entry.name)
        .sort(),
    ).toEqual(['newer', 'second']);
    expect(cache.inNamespace('shop')).toHaveLength(2);
  });

  it('picks the newest keys of a listing', () => {
    const cache = new ProjectionCache<Item>({ bound: { maxItems: 2, recencyOf: (entry) => entry.at } });
    const listed = [item('a', '1', '2024-01-01T00:00:01Z'), item('a', '3', '2024-01-01T00:00:03Z'), item('a', '2', '2024-01-01T00:00:02Z')];
    expect([...cache.newestKeys(listed, key)].sort()).toEqual(['a/2', 'a/3']);
    expect(new ProjectionCache<Item>().newestKeys(listed, key).size).toBe(3);
    expect(() => new ProjectionCache<Item>({ bound: { maxItems: 0, recencyOf: (entry) => entry.at } })).toThrow(/maxItems/);
  });
});
