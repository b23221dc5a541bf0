import { namespaceVisible, type Permission } from '../../shared/access.js';
import { buildAccessScope, createAccessResolver, ROLE_MATRIX, roleAllowsOnClusters, roleAllowsOnWorkspace, type WorkspacePermission } from './permissions.js';
import { WORKSPACE_ROLES, type AccessGrant, type WorkspaceRole } from './records.js';

// The matrix as a reader expects it, written out independently of permissions.ts.
//   role       cluster:read  workload:operate  node:operate  cluster:manage  build:read  build:run  catalog:read  catalog:write  release:read  release:write  appmap:read  appmap:write  workspace:read  workspace:manage
const EXPECTED: ReadonlyArray<[WorkspaceRole, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean]> = [
  ['MANAGER', true, true, false, false, true, true, true, true, true, true, true, true, true, true],
  ['DEVOPS', true, true, false, false, true, true, true, true, true, true, true, true, true, false],
  ['OPERATOR', true, true, false, false, true, false, true, false, true, false, true, false, true, false],
  ['VIEWER', true, false, false, false, true, false, true, false, true, false, true, false, true, false],
];
const CLUSTER_PERMISSIONS: Permission[] = [
  'cluster:read',
  'workload:operate',
  'node:operate',
  'cluster:manage',
  'build:read',
  'build:run',
  'catalog:read',
  'catalog:write',
  'release:read',
  'release:write',
  'appmap:read',
  'appmap:write',
];
const WORKSPACE_PERMISSIONS: WorkspacePermission[] = ['workspace:read', 'workspace:manage'];

describe('the role matrix', () => {
  test('covers every role', () => {
    expect(EXPECTED.map(([role]) => role).sort()).toEqual([...WORKSPACE_ROLES].sort());
    expect(Object.keys(ROLE_MATRIX).sort()).toEqual([...WORKSPACE_ROLES].sort());
  });

  test.each(EXPECTED)(
    '%s: read %s, operate workloads %s, operate nodes %s, manage clusters %s, read builds %s, run builds %s, read catalog %s, write catalog %s, read releases %s, write releases %s, read maps %s, write maps %s, see workspace %s, manage workspace %s',
    (role, ...expected) => {
      const actual = [
        ...CLUSTER_PERMISSIONS.map((permission) => roleAllowsOnClusters(role, permission)),
        ...WORKSPACE_PERMISSIONS.map((permission) => roleAllowsOnWorkspace(role, permission)),
      ];
      expect(actual).toEqual(expected);
    },
  );

  test.each(EXPECTED)('%s in its workspace (builds, registries, catalog), through the AccessScope, allotted clusters or not', (role, ...expected) => {
    const inWorkspace = expected.slice(0, CLUSTER_PERMISSIONS.length);
    const scope = buildAccessScope([], [], [{ workspaceId: 'w', role }]);
    expect(CLUSTER_PERMISSIONS.map((permission) => scope.allowsInWorkspace(permission, 'w'))).toEqual(inWorkspace);
    expect(CLUSTER_PERMISSIONS.map((permission) => scope.workspacesAllowing(permission))).toEqual(inWorkspace.map((granted) => new Set(granted ? ['w'] : [])));
    expect(CLUSTER_PERMISSIONS.map((permission) => scope.allowsInWorkspace(permission, 'other'))).toEqual(CLUSTER_PERMISSIONS.map(() => false));
    // Workspace-level rights open no cluster.
    expect(scope.visibleClusterIds()).toEqual(new Set());
  });

  test.each(EXPECTED)('%s on an allotted namespace, through the AccessScope', (role, ...expected) => {
    const scope = buildAccessScope([{ workspaceId: 'w', workspaceSlug: 'w', role, clusterId: 'c1', namespaces: ['shop'] }]);
    expect(CLUSTER_PERMISSIONS.map((permission) => scope.allows(permission, 'c1', 'shop'))).toEqual(expected.slice(0, CLUSTER_PERMISSIONS.length));
    // Nothing at all outside the allotment: another namespace, another cluster.
    expect(CLUSTER_PERMISSIONS.map((permission) => scope.allows(permission, 'c1', 'billing'))).toEqual(CLUSTER_PERMISSIONS.map(() => false));
    expect(CLUSTER_PERMISSIONS.map((permission) => scope.allows(permission, 'c2', 'shop'))).toEqual(CLUSTER_PERMISSIONS.map(() => false));
  });
});

describe('the access scope of a user', () => {
  const grant = (role: WorkspaceRole, clusterId: string, namespaces: string[] | null, workspaceId = 'w1'): AccessGrant => ({
    workspaceId,
    workspaceSlug: `team-${workspaceId}`,
    role,
    clusterId,
    namespaces,
  });

  test('a whole-cluster allotment shows every namespace; a limited one only its own', () => {
    const scope = buildAccessScope([grant('VIEWER', 'whole', null), grant('VIEWER', 'part', ['a', 'b'])]);
    expect(scope.isSystemAdmin).toBe(false);
    expect(scope.visibleClusterIds()).toEqual(new Set(['whole', 'part']));
    expect(namespaceVisible(scope.namespacesOf('whole'), 'any-namespace')).toBe(true);
    // Plus the workspace's own build namespace, which comes with every cluster allotted to it.
    expect(scope.namespacesOf('part')).toEqual(new Set(['a', 'b', 'kda-builds-team-w1']));
    expect(scope.namespacesOf('elsewhere')).toEqual(new Set());
    expect(scope.allows('cluster:read', 'part')).toBe(true);
    expect(scope.allows('cluster:read', 'elsewhere')).toBe(false);
  });

  test('several workspaces add up, each role on its own allotment', () => {
    const scope = buildAccessScope([grant('VIEWER', 'c', ['shop'], 'w1'), grant('OPERATOR', 'c', ['batch'], 'w2')]);
    expect(scope.namespacesOf('c')).toEqual(new Set(['shop', 'batch', 'kda-builds-team-w1', 'kda-builds-team-w2']));
    expect(scope.allows('workload:operate', 'c', 'batch')).toBe(true);
    expect(scope.allows('workload:operate', 'c', 'shop')).toBe(false);
    // Without a namespace, an action needs the whole cluster.
    expect(scope.allows('workload:operate', 'c')).toBe(false);
  });

  test("build namespaces: a workspace's own on each of its clusters, another's through no allotment", () => {
    const scope = buildAccessScope([grant('OPERATOR', 'whole', null, 'a'), grant('VIEWER', 'part', ['shop', 'kda-builds-team-b'], 'a')]);
    for (const [clusterId, namespace, visible] of [
      ['whole', 'kda-builds-team-a', true],
      ['whole', 'kda-builds-team-b', false],
      ['whole', 'kda-builds', false],
      ['part', 'kda-builds-team-a', true],
      // Named in an allotment (rows from before such names were refused): still not theirs.
      ['part', 'kda-builds-team-b', false],
    ] as const) {
      expect({ clusterId, namespace, visible: namespaceVisible(scope.namespacesOf(clusterId), namespace) }).toEqual({ clusterId, namespace, visible });
      expect({ clusterId, namespace, read: scope.allows('cluster:read', clusterId, namespace) }).toEqual({ clusterId, namespace, read: visible });
    }
    expect(scope.allows('workload:operate', 'whole', 'kda-builds-team-a')).toBe(true);
    expect(scope.allows('workload:operate', 'whole', 'kda-builds-team-b')).toBe(false);
    expect(scope.allows('workload:operate', 'part', 'kda-builds-team-a')).toBe(false);
  });

  test('administrators get everything and cost no query; a user without grants sees nothing', async () => {
    const asked: string[] = [];
    const resolve = createAccessResolver({ grants: { grantsOf: async (userId) => (asked.push(userId), []), storageGrantsOf: async () => [], membershipsOf: async () => [] } });
    const admin = await resolve({ userId: 'root', systemRole: 'ADMIN' });
    expect(admin.allows('node:operate', 'any')).toBe(true);
    expect(admin.workspacesAllowing('catalog:write')).toBe('ALL');
    expect(asked).toEqual([]);
    const nobody = await resolve({ userId: 'u1', systemRole: 'USER' });
    expect(nobody.visibleClusterIds()).toEqual(new Set());
    expect(nobody.allows('cluster:read', 'any')).toBe(false);
    expect(nobody.workspacesAllowing('catalog:read')).toEqual(new Set());
    expect(asked).toEqual(['u1']);
  });
});
