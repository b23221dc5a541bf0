import { FULL_ACCESS, NO_ACCESS } from '../../shared/access.js';
import { buildAccessScope, createAccessResolver } from './permissions.js';
import type { AccessGrant, StorageGrant, WorkspaceRole } from './records.js';

const grant = (clusterId: string, namespaces: string[] | null, workspaceId = 'w1', role: WorkspaceRole = 'VIEWER'): AccessGrant => ({
  workspaceId,
  workspaceSlug: workspaceId,
  role,
  clusterId,
  namespaces,
});
const storage = (clusterId: string, storageClassName: string, workspaceId = 'w1'): StorageGrant => ({ workspaceId, clusterId, storageClassName });

describe('storage classes in the access scope', () => {
  test('a namespace-limited member sees exactly the classes allotted on that cluster', () => {
    const scope = buildAccessScope([grant('c1', ['shop']), grant('c2', ['shop'])], [storage('c1', 'fast-ssd'), storage('c1', 'standard'), storage('c2', 'archive')]);
    expect(scope.storageClassesOf('c1')).toEqual(new Set(['fast-ssd', 'standard']));
    expect(scope.storageClassesOf('c2')).toEqual(new Set(['archive']));
  });

  test('a whole-cluster allotment brings every class; a cluster not visible brings none', () => {
    const scope = buildAccessScope([grant('whole', null), grant('part', ['a'])], [storage('elsewhere', 'fast-ssd', 'w9')]);
    expect(scope.storageClassesOf('whole')).toBe('ALL');
    expect(scope.storageClassesOf('part')).toEqual(new Set());
    expect(scope.storageClassesOf('elsewhere')).toEqual(new Set());
  });

  test('several workspaces add up; a whole cluster through any of them wins', () => {
    const limited = buildAccessScope([grant('c', ['a'], 'w1'), grant('c', ['b'], 'w2')], [storage('c', 'fast', 'w1'), storage('c', 'slow', 'w2')]);
    expect(limited.storageClassesOf('c')).toEqual(new Set(['fast', 'slow']));
    const whole = buildAccessScope([grant('c', ['a'], 'w1'), grant('c', null, 'w2')], [storage('c', 'fast', 'w1')]);
    expect(whole.storageClassesOf('c')).toBe('ALL');
  });

  test('a class counts only through a workspace that has the cluster allotted', () => {
    // w2's storage row on c without w2 having c (e.g. read between a revoke and its cascade).
    const scope = buildAccessScope([grant('c', ['a'], 'w1')], [storage('c', 'fast', 'w1'), storage('c', 'stray', 'w2')]);
    expect(scope.storageClassesOf('c')).toEqual(new Set(['fast']));
  });

  test('administrators see every class, callers without workspaces none', () => {
    expect(FULL_ACCESS.storageClassesOf('any')).toBe('ALL');
    expect(NO_ACCESS.storageClassesOf('any')).toEqual(new Set());
  });

  test('the resolver reads grants, storage grants and memberships once each per caller, and nothing for administrators', async () => {
    const asked: string[] = [];
    const resolve = createAccessResolver({
      grants: {
        grantsOf: async (userId) => (asked.push(`grants:${userId}`), [grant('c', ['a'])]),
        storageGrantsOf: async (userId) => (asked.push(`storage:${userId}`), [storage('c', 'fast')]),
        membershipsOf: async (userId) => (asked.push(`memberships:${userId}`), [{ workspaceId: 'w1', role: 'VIEWER' }]),
      },
    });
    expect((await resolve({ userId: 'root', systemRole: 'ADMIN' })).storageClassesOf('c')).toBe('ALL');
    expect(asked).toEqual([]);
    const scope = await resolve({ userId: 'u1', systemRole: 'USER' });
    expect(scope.storageClassesOf('c')).toEqual(new Set(['fast']));
    expect(asked.sort()).toEqual(['grants:u1', 'memberships:u1', 'storage:u1']);
  });
});
