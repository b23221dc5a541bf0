import { demoClusterProfiles, seedDemoCluster, startSimulatedCluster, type SimulatedCluster } from './index.js';
import { parseQuantity } from './quantity.js';
import { Scenario } from './scenario.js';

const GB = 1e9;

function totals(cluster: SimulatedCluster) {
  const nodes = cluster.listNodes();
  const sum = (field: 'cpu' | 'memory' | 'ephemeral-storage') => nodes.reduce((total, node) => total + (parseQuantity(node.status.capacity[field]) ?? 0), 0);
  return { cores: sum('cpu'), memory: sum('memory'), storage: sum('ephemeral-storage'), pods: cluster.listPods().length };
}

describe('demo world', () => {
  const clusters: SimulatedCluster[] = [];
  afterAll(async () => {
    await Promise.all(clusters.map((cluster) => cluster.close()));
  });

  async function seeded(index: number): Promise<SimulatedCluster> {
    const profile = demoClusterProfiles[index];
    if (!profile) throw new Error('missing profile');
    const cluster = await startSimulatedCluster({ name: profile.name });
    clusters.push(cluster);
    seedDemoCluster(cluster, profile);
    return cluster;
  }

  it('describes the two demo clusters', () => {
    expect(demoClusterProfiles.map(({ name, provider, region }) => ({ name, provider, region }))).toEqual([
      { name: 'acorn-demo-cluster', provider: 'on-premise', region: 'Seoul' },
      { name: 'gke-acornsoft-demo-cluster', provider: 'gcp', region: 'Tokyo' },
    ]);
  });

  it('seeds acorn-demo-cluster near its targets, every pod placed and running', async () => {
    const cluster = await seeded(0);
    const { cores, memory, storage, pods } = totals(cluster);
    expect(cores).toBe(27);
    expect(memory / GB).toBeGreaterThan(33);
    expect(memory / GB).toBeLessThan(38);
    expect(storage / GB).toBeGreaterThan(205);
    expect(storage / GB).toBeLessThan(235);
    expect(pods).toBe(70);
    const all = cluster.listPods();
    expect(all.every((pod) => pod.spec.nodeName !== undefined)).toBe(true);
    // Everything runs, except the last run of the backup CronJob, which finished.
    expect(all.filter((pod) => pod.status.phase !== 'Running').map((pod) => `${pod.metadata.ownerReferences?.[0]?.kind} ${pod.status.phase}`)).toEqual(['Job Succeeded']);
    expect(new Set(all.map((pod) => pod.metadata.namespace)).size).toBeGreaterThanOrEqual(8);
    const owners = new Set(all.map((pod) => pod.metadata.ownerReferences?.[0]?.kind));
    expect(owners).toEqual(new Set(['Node', 'DaemonSet', 'ReplicaSet', 'StatefulSet', 'Job']));
    // Trivy Operator has scanned every workload container already, and finds something to fix.
    const reports = cluster.listObjects('vulnerabilityreports');
    const scannedOwners = new Set(reports.map((report) => report.metadata.ownerReferences?.[0]?.kind));
    expect(scannedOwners).toEqual(new Set(['DaemonSet', 'ReplicaSet', 'StatefulSet', 'Job']));
    const severe = reports.filter((report) => report.report.summary.criticalCount + report.report.summary.highCount > 0);
    expect(severe.length).toBeGreaterThan(reports.length / 2);
    expect(reports.some((report) => report.report.summary.criticalCount > 0)).toBe(true);
    // Only DaemonSet and static pods run on the tainted control-plane node.
    const onControlPlane = all.filter((pod) => pod.spec.nodeName === 'acorn-m01');
    expect(onControlPlane.every((pod) => ['Node', 'DaemonSet'].includes(pod.metadata.ownerReferences?.[0]?.kind ?? ''))).toBe(true);
    const controlPlane = cluster.listNodes().find((node) => node.metadata.name === 'acorn-m01');
    expect(controlPlane?.spec.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  });

  it('expresses acorn-demo-cluster through settled workloads, services, storage and budgets', async () => {
    const cluster = await seeded(0);
    const deployments = cluster.listObjects('deployments');
    expect(deployments.every((deployment) => deployment.status.readyReplicas === deployment.spec.replicas && deployment.status.observedGeneration === 1)).toBe(true);
    // Settled as a health check reads it: available, and the last rollout complete.
    const conditions = new Set(
      deployments.flatMap((deployment) => (deployment.status.conditions ?? []).map((condition) => `${condition.type} ${condition.status} ${condition.reason ?? ''}`)),
    );
    expect(conditions).toEqual(new Set(['Available True MinimumReplicasAvailable', 'Progressing True NewReplicaSetAvailable']));
    expect(cluster.listObjects('services').every((service) => service.spec.type !== 'LoadBalancer' || (service.status.loadBalancer.ingress ?? []).length === 1)).toBe(true);
    expect(cluster.listObjects('replicasets')).toHaveLength(deployments.length);
    expect(cluster.listObjects('statefulsets').every((statefulSet) => statefulSet.status.readyReplicas === statefulSet.spec.replicas)).toBe(true);
    expect(cluster.listObjects('daemonsets').map((daemonSet) => daemonSet.status.numberReady)).toEqual([4, 4, 4]);
    expect(cluster.listObjects('jobs').map((job) => job.status.succeeded)).toEqual([1]);
    expect(cluster.listObjects('services')).toHaveLength(16);
    const claims = cluster.listObjects('persistentvolumeclaims');
    expect(claims.every((claim) => claim.status.phase === 'Bound' && claim.spec.storageClassName === 'nfs-client')).toBe(true);
    const claimed = claims.reduce((total, claim) => total + (parseQuantity(claim.spec.resources.requests.storage) ?? 0), 0);
    expect(claimed / GB).toBeGreaterThan(190);
    expect(claimed / GB).toBeLessThan(235);
    expect(cluster.listObjects('persistentvolumes')).toHaveLength(claims.length);
    const defaults = cluster.listObjects('storageclasses').filter((storageClass) => storageClass.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    expect(defaults.map((storageClass) => storageClass.metadata.name)).toEqual(['nfs-client']);
    const budgets = cluster
      .listObjects('poddisruptionbudgets')
      .map((budget) => `${budget.metadata.name} ${budget.status.currentHealthy}/${budget.status.expectedPods} allowed ${budget.status.disruptionsAllowed}`);
    expect(budgets.sort()).toEqual(['cocktail-nats 3/3 allowed 1', 'coredns 2/2 allowed 1', 'elasticsearch-master-pdb 3/3 allowed 1']);
    // Seeding is history: no events were recorded for it.
    expect(cluster.listObjects('events')).toEqual([]);
  });

  it('seeds gke-acornsoft-demo-cluster near its targets', async () => {
    const cluster = await seeded(1);
    const { cores, memory, storage, pods } = totals(cluster);
    expect(cores).toBe(6.5);
    expect(memory / GB).toBeGreaterThan(6);
    expect(memory / GB).toBeLessThan(7);
    expect(storage / GB).toBeGreaterThan(15);
    expect(storage / GB).toBeLessThan(17);
    expect(pods).toBe(9);
    expect(cluster.listObjects('services').map((service) => service.metadata.name)).toEqual(['kubernetes']);
    expect(cluster.listObjects('persistentvolumeclaims').map((claim) => claim.status.phase)).toEqual(['Bound']);
  });
});

describe('scenario', () => {
  const clusters: SimulatedCluster[] = [];
  afterAll(async () => {
    await Promise.all(clusters.map((cluster) => cluster.close()));
  });

  /** Runs the scenario synchronously (no timer fires in between), so a seed fully decides it. */
  async function run(seed: number, prepare: (cluster: SimulatedCluster) => void = () => undefined): Promise<{ actions: string[]; cluster: SimulatedCluster }> {
    const cluster = await startSimulatedCluster({ name: 'same-cluster', podStartDelayMs: 60_000 });
    clusters.push(cluster);
    cluster.addNode({ name: 'node-1', cpu: 16, memoryBytes: 64 * 2 ** 30, storageBytes: 100 * 2 ** 30 });
    cluster.addDeployment({ namespace: 'apps', name: 'web', replicas: 4, containers: [{ name: 'main', image: 'web:1', cpu: 0.1 }] });
    cluster.addDeployment({ namespace: 'apps', name: 'api', replicas: 2, containers: [{ name: 'main', image: 'api:1', cpu: 0.1 }] });
    cluster.addStatefulSet({ namespace: 'apps', name: 'db', containers: [{ name: 'db', image: 'db:1', cpu: 0.1 }] });
    cluster.addCronJob({ namespace: 'apps', name: 'report', schedule: '*/5 * * * *', containers: [{ name: 'report', image: 'report:1' }] });
    prepare(cluster);
    const scenario = new Scenario(cluster, { seed });
    const actions: string[] = [];
    for (let step = 0; step < 60; step += 1) {
      actions.push(scenario.tick() ?? 'nothing');
      cluster.reconcile();
    }
    return { actions, cluster };
  }

  it('keeps things changing through the controllers: restarts, replacements, scaling, rollouts, cron runs, events', async () => {
    const { actions, cluster } = await run(7);
    const kinds = new Set(actions.map((action) => action.split(' ')[0]));
    for (const kind of ['restart', 'replace', 'scale', 'rollout', 'cronjob']) expect(kinds).toContain(kind);
    const reasons = new Set(cluster.listObjects('events').map((event) => event.reason));
    for (const reason of ['BackOff', 'ScalingReplicaSet', 'SuccessfulCreate', 'Killing', 'Scheduled']) expect(reasons).toContain(reason);
    // Replaced replicas come back through their controller: the workloads keep their sizes.
    const web = cluster.getObject('deployments', 'apps', 'web');
    const webPods = cluster.listPods('apps').filter((pod) => pod.metadata.labels?.['app'] === 'web');
    expect(webPods.length).toBeGreaterThanOrEqual(web?.spec.replicas ?? 0);
    expect(cluster.listPods('apps').some((pod) => pod.metadata.ownerReferences?.[0]?.kind === 'Job')).toBe(true);
  });

  it('leaves the spec of what a user deployed through the gateway alone: only its pods restart', async () => {
    const { actions, cluster } = await run(7, (world) => {
      world.patchObject('deployments', 'apps', 'web', { metadata: { labels: { 'kda.io/release': 'release-1' } } });
      world.reconcile();
    });
    expect(actions.filter((action) => /^(scale|rollout) apps\/web\b/.test(action))).toEqual([]);
    expect(actions.some((action) => /^(scale|rollout) apps\/api\b/.test(action))).toBe(true);
    const web = cluster.getObject('deployments', 'apps', 'web');
    expect(web?.spec.replicas).toBe(4);
    expect(web?.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeUndefined();
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const first = (await run(7)).actions.map((action) => action.replace(/-\d+$/, ''));
    const again = (await run(7)).actions.map((action) => action.replace(/-\d+$/, ''));
    const other = (await run(8)).actions;
    expect(again).toEqual(first);
    expect(other).not.toEqual((await run(7)).actions);
  });
});
