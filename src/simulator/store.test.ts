import type { NamespaceObject } from './k8s-types.js';
import { ObjectConflict, ObjectStore, ResourceVersionTooOld, type ChangeEvent } from './store.js';

function namespace(name: string): NamespaceObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, uid: `uid-${name}`, resourceVersion: '', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { finalizers: [] },
    status: { phase: 'Active' },
  };
}

describe('ObjectStore', () => {
  it('stamps a growing global resourceVersion and never mutates stored objects', () => {
    const events: ChangeEvent[] = [];
    const store = new ObjectStore(100, (event) => events.push(event));
    const created = store.create('namespaces', namespace('a'));
    const updated = store.update('namespaces', 'a', (draft) => {
      draft.metadata.labels = { x: '1' };
    });
    const deleted = store.delete('namespaces', 'a');
    expect([created, updated, deleted].map((object) => Number(object.metadata.resourceVersion))).toEqual([2, 3, 4]);
    expect(created.metadata.labels).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[2]?.previous).toBe(updated);
    expect(() => {
      store.create('namespaces', namespace('b'));
      store.create('namespaces', namespace('b'));
    }).toThrow(ObjectConflict);
  });

  it('rebuilds the state at an earlier version by undoing later events', () => {
    const store = new ObjectStore(100, () => undefined);
    store.create('namespaces', namespace('a'));
    store.create('namespaces', namespace('b'));
    const at = store.resourceVersion;
    store.update('namespaces', 'a', (draft) => {
      draft.status.phase = 'Terminating';
    });
    store.delete('namespaces', 'b');
    store.create('namespaces', namespace('c'));
    const snapshot = store.snapshotAt('namespaces', at);
    expect([...snapshot.keys()].sort()).toEqual(['a', 'b']);
    expect(snapshot.get('a')?.status.phase).toBe('Active');
  });

  it('keeps only historyLimit events and then refuses older versions', () => {
    const store = new ObjectStore(2, () => undefined);
    const start = store.resourceVersion;
    for (const name of ['a', 'b', 'c']) store.create('namespaces', namespace(name));
    expect(() => [...store.eventsAfter(start)]).toThrow(ResourceVersionTooOld);
    expect([...store.eventsAfter(start + 1)].map((event) => event.object.metadata.name)).toEqual(['b', 'c']);
    store.compact();
    expect(() => [...store.eventsAfter(store.resourceVersion - 1)]).toThrow(ResourceVersionTooOld);
    expect([...store.eventsAfter(store.resourceVersion)]).toEqual([]);
  });

  it('picks random keys in O(1) and forgets deleted ones', () => {
    const store = new ObjectStore(100, () => undefined);
    for (const name of ['a', 'b', 'c']) store.create('namespaces', namespace(name));
    store.delete('namespaces', 'a');
    const picked = new Set([0, 0.4, 0.99].map((value) => store.randomKey('namespaces', () => value)));
    expect(picked).toEqual(new Set(['b', 'c']));
  });
});
