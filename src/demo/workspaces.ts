import type { IdentityService, Principal } from '../domains/identity/index.js';
import type { WorkspaceService, WorkspaceRole } from '../domains/workspaces/index.js';
import type { Logger } from '../shared/logger.js';

interface DemoMember {
  readonly name: string;
  readonly email: string;
  readonly role: WorkspaceRole;
}

interface DemoWorkspace {
  readonly name: string;
  readonly description: string;
  readonly members: readonly DemoMember[];
  /** Cluster name → allotted namespaces (null: the whole cluster). */
  readonly clusters: Readonly<Record<string, readonly string[] | null>>;
}

/** The teams of the product demo; every figure they show comes from the simulated clusters. */
const DEMO_WORKSPACES: readonly DemoWorkspace[] = [
  {
    name: 'Cloud Team',
    description: 'Runs the platform itself: both clusters, whole.',
    members: [
      { name: 'Minsu Kim', email: 'minsu.kim@acornsoft.example', role: 'MANAGER' },
      { name: 'Jiwoo Lee', email: 'jiwoo.lee@acornsoft.example', role: 'DEVOPS' },
      { name: 'Seoyeon Choi', email: 'seoyeon.choi@acornsoft.example', role: 'OPERATOR' },
    ],
    clusters: { 'acorn-demo-cluster': null, 'gke-acornsoft-demo-cluster': null },
  },
  {
    name: 'Sports Team',
    description: 'Shop and streaming services for the sports business.',
    members: [
      { name: 'Hyunwoo Park', email: 'hyunwoo.park@acornsoft.example', role: 'MANAGER' },
      { name: 'Yuna Jung', email: 'yuna.jung@acornsoft.example', role: 'DEVOPS' },
    ],
    clusters: { 'acorn-demo-cluster': ['electro-shop-demo', 'sock-shop'] },
  },
  {
    name: 'MIS Team',
    description: 'Internal systems and data science notebooks.',
    members: [
      { name: 'Jisoo Han', email: 'jisoo.han@acornsoft.example', role: 'MANAGER' },
      { name: 'Dohyun Yoon', email: 'dohyun.yoon@acornsoft.example', role: 'VIEWER' },
    ],
    clusters: { 'acorn-demo-cluster': ['demo-was', 'jupyter-spark-demo'], 'gke-acornsoft-demo-cluster': ['default'] },
  },
];

export interface DemoWorkspaceDeps {
  readonly identity: IdentityService;
  readonly workspaces: WorkspaceService;
  readonly admin: Principal;
  readonly clusterIdByName: ReadonlyMap<string, string>;
  readonly logger: Logger;
}

/** Seeds the demo teams once; a gateway restarted on the same embedded database keeps what users changed. */
export async function seedDemoWorkspaces(deps: DemoWorkspaceDeps): Promise<void> {
  const existing = new Set((await deps.workspaces.listVisible(deps.admin)).map((workspace) => workspace.name));
  for (const demo of DEMO_WORKSPACES) {
    if (existing.has(demo.name)) continue;
    const workspace = await deps.workspaces.create(deps.admin, { name: demo.name, description: demo.description });
    for (const member of demo.members) {
      const user = await deps.identity.createUser(deps.admin, { name: member.name, email: member.email, systemRole: 'USER' });
      await deps.workspaces.addMember(deps.admin, { workspaceId: workspace.id, userId: user.id, role: member.role });
    }
    for (const [clusterName, namespaces] of Object.entries(demo.clusters)) {
      const clusterId = deps.clusterIdByName.get(clusterName);
      if (clusterId !== undefined) await deps.workspaces.allotCluster(deps.admin, { workspaceId: workspace.id, clusterId, namespaces });
    }
    deps.logger.info('demo workspace created', { name: demo.name });
  }
}
