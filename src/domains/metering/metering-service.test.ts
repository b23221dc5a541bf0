import { MeteringService } from './metering-service.js';
import type { Allotment, ClusterFacts, MeteredMap, MeteringGate, PodDay } from './ports.js';

const DAY = 86_400_000;
const D0 = Date.UTC(2030, 0, 1);
const admin = { userId: 'a', systemRole: 'ADMIN' };

function service(pods: PodDay[], allotments: Allotment[], maps: MeteredMap[]): MeteringService {
  const facts: ClusterFacts = { id: 'c1', provider: 'ON_PREMISE', region: 'x', cpuCores: 10, memoryBytes: 0, storageBytesByNamespace: new Map() };
  const gate: MeteringGate = {
    workspaceAllotments: async (_principal, workspaceId) => allotments.filter((allotment) => allotment.workspaceId === workspaceId),
    seesCluster: async () => true,
    clusterAllotments: async () => allotments,
    cluster: async () => facts,
    appMap: async (_principal, id) => maps.find((map) => map.id === id) ?? null,
    workspaceMaps: async (workspaceId) => maps.filter((map) => map.workspaceId === workspaceId),
  };
  return new MeteringService({
    gate,
    prices: { list: async () => [], find: async () => null, put: async () => undefined },
    charges: { podDays: async () => pods, clusterHours: async () => new Map([[D0, 1]]) },
  });
}

const pod = (namespace: string, name: string, cpu: number): PodDay => ({ namespace, name, day: D0, cpuCoreHours: cpu, memoryGiBHours: 0 });

describe('metering sums', () => {
  test('a namespace two allotments hold goes to the oldest; a pod two maps match goes to the first: nothing counted twice', async () => {
    const allotments: Allotment[] = [
      { workspaceId: 'old', clusterId: 'c1', namespaces: ['shop'] },
      { workspaceId: 'new', clusterId: 'c1', namespaces: null },
    ];
    const maps: MeteredMap[] = [
      { id: 'm1', workspaceId: 'old', clusterId: 'c1', namespace: 'shop', workloadNames: ['web'] },
      { id: 'm2', workspaceId: 'old', clusterId: 'c1', namespace: 'shop', workloadNames: ['web', 'web-canary'] },
    ];
    const metering = service([pod('shop', 'web-1', 1), pod('shop', 'web-canary-1', 2), pod('shop', 'db-0', 4), pod('other', 'x-1', 8)], allotments, maps);
    const range = [new Date(D0), new Date(D0)] as const;
    const [older, newer, first, second, cluster] = await Promise.all([
      metering.costs(admin, { workspaceId: 'old' }, ...range),
      metering.costs(admin, { workspaceId: 'new' }, ...range),
      metering.costs(admin, { appMapId: 'm1' }, ...range),
      metering.costs(admin, { appMapId: 'm2' }, ...range),
      metering.costs(admin, { clusterId: 'c1' }, ...range),
    ]);
    expect(older.total.cpuCoreHours).toBe(7);
    expect(newer.total.cpuCoreHours).toBe(8);
    // web-canary-1 starts with `web-` too: the first map takes it.
    expect(first.total.cpuCoreHours).toBe(3);
    expect(second.total.cpuCoreHours).toBe(0);
    expect(older.unmapped?.cpuCoreHours).toBe(4);
    expect(cluster.unallotted?.cpuCoreHours).toBe(0);
    // Pods charged beyond the nodes' capacity (requests over-committed) leave no idle, never a negative one.
    expect(cluster.idle?.cpuCoreHours).toBe(0);
    expect(cluster.total.cpuCoreHours).toBe(older.total.cpuCoreHours + newer.total.cpuCoreHours);
  });

  test('ranges: reversed and over 92 days are refused before anything is read', async () => {
    const metering = service([], [], []);
    await expect(metering.costs(admin, { clusterId: 'c1' }, new Date(D0 + DAY), new Date(D0))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(metering.costs(admin, { clusterId: 'c1' }, new Date(D0), new Date(D0 + 92 * DAY))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(metering.costs(admin, { clusterId: 'c1' }, new Date(D0), new Date(D0 + 91 * DAY))).resolves.toMatchObject({ days: expect.any(Array) });
  });
});
