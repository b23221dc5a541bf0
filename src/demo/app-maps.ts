import type { AppMapService, CreateAppMapRequest } from '../domains/app-maps/index.js';
import type { Principal } from '../domains/identity/index.js';
import type { WorkspaceService } from '../domains/workspaces/index.js';
import type { Logger } from '../shared/logger.js';

type DemoMap = Omit<CreateAppMapRequest, 'workspaceId' | 'clusterId'> & { readonly workspace: string; readonly cluster: string };

const ACORN = 'acorn-demo-cluster';
const GKE = 'gke-acornsoft-demo-cluster';

/**
 * Maps around the demo applications the simulated clusters run (src/simulator/demo-world.ts), each
 * owned by the team the namespace is allotted to (src/demo/workspaces.ts). metrics-server runs on
 * both clusters: the Cloud Team's two maps of that name show one application side by side.
 */
export const DEMO_MAPS: readonly DemoMap[] = [
  {
    workspace: 'MIS Team',
    cluster: ACORN,
    namespace: 'demo-was',
    name: 'db-demo',
    stage: 'PROD',
    selector: 'tier in (was,db)',
    description: 'DB 데모 애플리케이션: a WAS in front of MySQL and PostgreSQL.',
    groups: [
      { name: 'was', selector: 'tier=was' },
      { name: 'data', selector: 'tier=db' },
    ],
  },
  {
    workspace: 'MIS Team',
    cluster: ACORN,
    namespace: 'jupyter-spark-demo',
    name: 'jupyter-spark-demo',
    stage: 'DEV',
    selector: 'app in (jupyterlab,spark)',
    description: 'JupyterLab notebooks on a Spark cluster.',
    groups: [
      { name: 'notebook', selector: 'app=jupyterlab' },
      { name: 'spark', selector: 'app=spark' },
    ],
  },
  { workspace: 'MIS Team', cluster: GKE, namespace: 'default', name: 'nginx', stage: 'DEV', selector: 'app=nginx', description: 'A static web server.' },
  {
    workspace: 'Sports Team',
    cluster: ACORN,
    namespace: 'electro-shop-demo',
    name: 'electro-shop',
    stage: 'PROD',
    selector: 'app in (frontend,product-api,cart-api,redis)',
    description: 'electro-shop-demo: a web shop with its APIs and a Redis cache.',
    groups: [
      { name: 'front', selector: 'app=frontend' },
      { name: 'back', selector: 'app in (product-api,cart-api)' },
      { name: 'data', selector: 'app=redis' },
    ],
  },
  {
    workspace: 'Sports Team',
    cluster: ACORN,
    namespace: 'sock-shop',
    name: 'sock-shop',
    stage: 'STAGING',
    selector: 'app.kubernetes.io/part-of=benchmark-sock-shop',
    description: 'benchmark-sock-shop: the microservices demo shop.',
    groups: [
      { name: 'front', workloadNames: ['front-end'] },
      { name: 'back', workloadNames: ['carts', 'catalogue', 'orders', 'payment', 'shipping', 'user'] },
      { name: 'data', workloadNames: ['carts-db', 'catalogue-db', 'orders-db', 'user-db'] },
    ],
  },
  {
    workspace: 'Cloud Team',
    cluster: ACORN,
    namespace: 'elastic',
    name: 'elasticsearch',
    stage: 'PROD',
    selector: 'app in (elasticsearch-master,kibana)',
    description: 'Elasticsearch with Kibana.',
    groups: [
      { name: 'data', selector: 'app=elasticsearch-master' },
      { name: 'ui', selector: 'app=kibana' },
    ],
  },
  {
    workspace: 'Cloud Team',
    cluster: ACORN,
    namespace: 'kube-system',
    name: 'metrics-server',
    stage: 'PROD',
    selector: 'k8s-app=metrics-server',
    description: 'Resource metrics of the cluster.',
  },
  {
    workspace: 'Cloud Team',
    cluster: GKE,
    namespace: 'kube-system',
    name: 'metrics-server',
    stage: 'PROD',
    selector: 'k8s-app=metrics-server',
    description: 'Resource metrics of the cluster.',
  },
];

export interface DemoAppMapDeps {
  readonly appMaps: AppMapService;
  readonly workspaces: WorkspaceService;
  readonly admin: Principal;
  readonly clusterIdByName: ReadonlyMap<string, string>;
  readonly logger: Logger;
}

/**
 * Draws the demo maps through the service, as a team's DevOps member would, once: only while no map
 * exists, so a restart keeps what users changed. A problem is logged and never stops the gateway.
 */
export async function seedDemoAppMaps(deps: DemoAppMapDeps): Promise<void> {
  const { appMaps, admin, logger } = deps;
  if ((await appMaps.list(admin, {})).length > 0) return;
  const workspaceIdByName = new Map((await deps.workspaces.listVisible(admin)).map((workspace) => [workspace.name, workspace.id]));
  let seeded = 0;
  for (const { workspace, cluster, ...map } of DEMO_MAPS) {
    const workspaceId = workspaceIdByName.get(workspace);
    const clusterId = deps.clusterIdByName.get(cluster);
    if (workspaceId === undefined || clusterId === undefined) continue;
    try {
      await appMaps.create(admin, { ...map, workspaceId, clusterId });
      seeded += 1;
    } catch (error) {
      logger.warn('cannot seed a demo application map', { name: map.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  logger.info('demo application maps seeded', { maps: seeded });
}
