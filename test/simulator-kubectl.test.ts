/**
 * kubectl against the simulator: proves the apiserver is faithful enough for the real client-go
 * (discovery, server-side Table printing, selectors, chunked watch). Skipped only without kubectl.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { waitFor } from './support/wait.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';

const run = promisify(execFile);
const GiB = 2 ** 30;
const kubectlAvailable = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectlAvailable) {
  console.warn('SKIPPED test/simulator-kubectl.test.ts: kubectl is not installed (not on PATH)');
}
const describeWithKubectl = kubectlAvailable ? describe : describe.skip;

describeWithKubectl('kubectl against the simulated apiserver', () => {
  let cluster: SimulatedCluster;
  let directory: string;
  let kubeconfigPath: string;

  // Async only: the apiserver runs in this process, so a blocking spawnSync would deadlock it.
  async function kubectl(...args: string[]): Promise<string> {
    const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfigPath, '--cache-dir', join(directory, 'cache'), ...args], {
      env: { ...process.env, HOME: directory, KUBECONFIG: '' },
      timeout: 30_000,
    });
    return stdout;
  }

  function rows(output: string): string[][] {
    return output
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
  }

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'sim-kubectl-'));
    cluster = await startSimulatedCluster({ name: 'kubectl-sim' });
    cluster.addNode({
      name: 'cp-1',
      roles: ['control-plane'],
      cpu: 4,
      memoryBytes: 8 * GiB,
      storageBytes: 50 * GiB,
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    });
    cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    for (const [namespace, name, app] of [
      ['shop', 'cart-0', 'cart'],
      ['shop', 'cart-1', 'cart'],
      ['shop', 'web-0', 'web'],
      ['ops', 'agent-0', 'agent'],
    ] as const) {
      cluster.createPod({ namespace, name, labels: { app }, containers: [{ name: 'main', image: `example/${app}:1`, cpu: 0.1, memoryBytes: 64 * 2 ** 20 }] });
    }
    cluster.updatePod('shop', 'cart-1', (pod) => {
      const status = pod.status.containerStatuses?.[0];
      if (status) status.restartCount = 2;
    });
    kubeconfigPath = join(directory, 'kubeconfig');
    writeFileSync(kubeconfigPath, cluster.kubeconfig());
  });

  afterAll(async () => {
    await cluster?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('get nodes shows server-side columns', async () => {
    const table = rows(await kubectl('get', 'nodes'));
    expect(table[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(table.slice(1).map((row) => [row[0], row[1], row[2], row[4]])).toEqual([
      ['cp-1', 'Ready', 'control-plane', 'v1.31.4'],
      ['worker-1', 'Ready', 'worker', 'v1.31.4'],
    ]);
  });

  it('get pods -A lists every namespace', async () => {
    const table = rows(await kubectl('get', 'pods', '-A'));
    expect(table[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(table.slice(1).map((row) => `${row[0]}/${row[1]} ${row[2]} ${row[3]} ${row[4]}`)).toEqual([
      'ops/agent-0 1/1 Running 0',
      'shop/cart-0 1/1 Running 0',
      'shop/cart-1 1/1 Running 2',
      'shop/web-0 1/1 Running 0',
    ]);
  });

  it('get pods -n NS -l app=x applies the label selector', async () => {
    const table = rows(await kubectl('get', 'pods', '-n', 'shop', '-l', 'app=cart', '-o', 'wide'));
    expect(table.slice(1).map((row) => [row[0], row[6]])).toEqual([
      ['cart-0', 'worker-1'],
      ['cart-1', 'worker-1'],
    ]);
    const json = JSON.parse(await kubectl('get', 'pods', '-n', 'shop', '-l', 'app!=cart', '-o', 'json')) as { items: Array<{ metadata: { name: string } }> };
    expect(json.items.map((item) => item.metadata.name)).toEqual(['web-0']);
  });

  it('version, logs, create and delete work', async () => {
    expect(await kubectl('version', '-o', 'json')).toContain('"gitVersion": "v1.31.4"');
    expect(await kubectl('logs', '-n', 'shop', 'web-0')).toContain('starting main (example/web:1)');
    const manifest = join(directory, 'pod.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'made-by-kubectl', namespace: 'ops', labels: { app: 'made' } },
        spec: { containers: [{ name: 'main', image: 'busybox' }] },
      }),
    );
    // Schema validation needs /openapi/v3, which the simulator does not serve (it answers 404).
    expect(await kubectl('create', '--validate=false', '-f', manifest)).toContain('pod/made-by-kubectl created');
    await waitFor('the created pod to run', () => cluster.listPods('ops').some((pod) => pod.metadata.name === 'made-by-kubectl' && pod.status.phase === 'Running'));
    expect(await kubectl('delete', 'pod', '-n', 'ops', 'made-by-kubectl')).toContain('deleted');
    expect(cluster.listPods('ops').map((pod) => pod.metadata.name)).toEqual(['agent-0']);
  });

  it('get pods -w streams a pod created after the list', async () => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfigPath, '--cache-dir', join(directory, 'cache'), 'get', 'pods', '-n', 'shop', '-w'], {
      env: { ...process.env, HOME: directory, KUBECONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      await waitFor(`the initial list (stderr: ${errors})`, () => output.includes('web-0'));
      await waitFor('the watch to be open', () => cluster.watchCount() === 1);
      cluster.createPod({ namespace: 'shop', name: 'watched-1', labels: { app: 'web' }, phase: 'Pending', containers: [{ name: 'main', image: 'example/web:2' }] });
      await waitFor('the new pod line', () => /watched-1\s+0\/1\s+ContainerCreating/.test(output));
      cluster.deletePod('shop', 'cart-0');
      await waitFor('the deleted pod line', () => output.split('\n').filter((line) => line.startsWith('cart-0')).length === 2);
    } finally {
      child.kill();
      await exited;
    }
    await waitFor('the watch to close', () => cluster.watchCount() === 0);
  });
});

function rows(output: string): string[][] {
  return output
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
}

describeWithKubectl('kubectl day-2 operations against the simulated apiserver', () => {
  let cluster: SimulatedCluster;
  let directory: string;
  let kubeconfigPath: string;

  async function kubectl(...args: string[]): Promise<string> {
    const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfigPath, '--cache-dir', join(directory, 'cache'), ...args], {
      env: { ...process.env, HOME: directory, KUBECONFIG: '' },
      timeout: 60_000,
    });
    return stdout;
  }

  /** Runs kubectl expecting it to fail; resolves with its combined output. */
  async function kubectlFails(...args: string[]): Promise<string> {
    try {
      const { stdout, stderr } = await run('kubectl', ['--kubeconfig', kubeconfigPath, '--cache-dir', join(directory, 'cache'), ...args], {
        env: { ...process.env, HOME: directory, KUBECONFIG: '' },
        timeout: 60_000,
      });
      throw new Error(`kubectl ${args.join(' ')} succeeded unexpectedly: ${stdout}${stderr}`);
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; code?: number };
      if (failed.code === undefined) throw error;
      return `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
    }
  }

  /** A long-running kubectl (get -w, logs -f) whose output accumulates; kill() ends it. */
  function stream(...args: string[]): { output: () => string; stop: () => Promise<void> } {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfigPath, '--cache-dir', join(directory, 'cache'), ...args], {
      env: { ...process.env, HOME: directory, KUBECONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    return {
      output: () => output,
      stop: async () => {
        child.kill();
        await exited;
      },
    };
  }

  const podsOf = (app: string) => cluster.listPods('shop').filter((pod) => pod.metadata.labels?.['app'] === app);

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'sim-kubectl-day2-'));
    cluster = await startSimulatedCluster({ name: 'kubectl-day2', podStartDelayMs: 100, jobRunMs: 200, logIntervalMs: 200 });
    cluster.addNode({
      name: 'cp-1',
      roles: ['control-plane'],
      cpu: 4,
      memoryBytes: 8 * GiB,
      storageBytes: 50 * GiB,
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    });
    cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    cluster.addNode({ name: 'worker-2', roles: ['worker'], cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    cluster.addStorageClass({ name: 'nfs-client', provisioner: 'cluster.local/nfs-subdir-external-provisioner', isDefault: true });
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 2, labels: { app: 'web' }, containers: [{ name: 'main', image: 'nginx:1.27', cpu: 0.1 }] });
    cluster.addStatefulSet({
      namespace: 'shop',
      name: 'db',
      replicas: 1,
      labels: { app: 'db' },
      containers: [{ name: 'db', image: 'postgres:16', cpu: 0.1 }],
      volumeClaims: [{ name: 'data', storage: '1Gi' }],
    });
    cluster.addDaemonSet({
      namespace: 'kube-system',
      name: 'node-agent',
      labels: { app: 'node-agent' },
      toleratesAllTaints: true,
      containers: [{ name: 'agent', image: 'agent:1' }],
    });
    cluster.addCronJob({ namespace: 'shop', name: 'report', schedule: '*/5 * * * *', containers: [{ name: 'report', image: 'report:1' }] });
    cluster.triggerCronJob('shop', 'report', { settled: true });
    cluster.addService({ namespace: 'shop', name: 'web', type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] });
    cluster.addPodDisruptionBudget({ namespace: 'shop', name: 'db', selector: { app: 'db' }, minAvailable: 1 });
    cluster.recordEvent({ involvedObject: { kind: 'Service', name: 'web', namespace: 'shop' }, reason: 'Type', message: 'ClusterIP -> NodePort' });
    kubeconfigPath = join(directory, 'kubeconfig');
    writeFileSync(kubeconfigPath, cluster.kubeconfig());
  });

  afterAll(async () => {
    await cluster?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('get deploy,sts,ds,jobs,cronjobs,svc,pv,pvc,sc,pdb,events -A shows every kind with server-side columns', async () => {
    const output = await kubectl('get', 'deploy,sts,ds,jobs,cronjobs,svc,pv,pvc,sc,pdb,events', '-A');
    const lines = output.split('\n').map((line) => line.trim().split(/\s+/));
    const row = (name: string) => lines.find((line) => line.includes(name));
    expect(row('deployment.apps/web')?.slice(0, 5)).toEqual(['shop', 'deployment.apps/web', '2/2', '2', '2']);
    expect(row('statefulset.apps/db')?.slice(0, 3)).toEqual(['shop', 'statefulset.apps/db', '1/1']);
    expect(row('daemonset.apps/node-agent')?.slice(0, 7)).toEqual(['kube-system', 'daemonset.apps/node-agent', '3', '3', '3', '3', '3']);
    expect(lines.find((line) => line[1]?.startsWith('job.batch/report-'))?.slice(2, 4)).toEqual(['Complete', '1/1']);
    expect(row('cronjob.batch/report')?.slice(2, 9)).toEqual(['*/5', '*', '*', '*', '*', '<none>', 'False']);
    expect(row('service/web')?.slice(2, 6)).toEqual(['NodePort', expect.stringMatching(/^10\.96\./), '<none>', expect.stringMatching(/^80:3\d{4}\/TCP$/)]);
    expect(lines.find((line) => line[0]?.startsWith('persistentvolume/pvc-'))?.slice(1, 6)).toEqual(['1Gi', 'RWO', 'Delete', 'Bound', 'shop/data-db-0']);
    expect(row('persistentvolumeclaim/data-db-0')?.[2]).toBe('Bound');
    expect(row('storageclass.storage.k8s.io/nfs-client')?.[1]).toBe('(default)');
    expect(row('poddisruptionbudget.policy/db')?.slice(2, 5)).toEqual(['1', 'N/A', '0']);
    expect(output).toContain('ClusterIP -> NodePort');
  });

  it('scale deploy/web --replicas=5 brings up the pods', async () => {
    expect(await kubectl('scale', '-n', 'shop', 'deploy/web', '--replicas=5')).toContain('deployment.apps/web scaled');
    await waitFor('five running web pods', () => podsOf('web').filter((pod) => pod.status.phase === 'Running').length === 5);
    const table = rows(await kubectl('get', 'deploy', 'web', '-n', 'shop'));
    expect(table[1]?.slice(0, 4)).toEqual(['web', '5/5', '5', '5']);
  });

  it('rollout restart rolls every pod, which get pods -w sees', async () => {
    const before = new Set(podsOf('web').map((pod) => pod.metadata.name));
    const watching = stream('get', 'pods', '-n', 'shop', '-l', 'app=web', '-w');
    try {
      await waitFor('the initial list', () => [...before].every((name) => watching.output().includes(name)));
      expect(await kubectl('rollout', 'restart', '-n', 'shop', 'deploy/web')).toContain('deployment.apps/web restarted');
      expect(await kubectl('rollout', 'status', '-n', 'shop', 'deploy/web', '--timeout=30s')).toContain('successfully rolled out');
      const fresh = podsOf('web').map((pod) => pod.metadata.name);
      expect(fresh.some((name) => before.has(name))).toBe(false);
      await waitFor('the new pods in the watch', () => fresh.every((name) => new RegExp(`${name}\\s+1/1\\s+Running`).test(watching.output())));
      expect(watching.output()).toMatch(/ContainerCreating|Pending/);
    } finally {
      await watching.stop();
    }
  });

  it('logs -f streams new lines as the pod runs', async () => {
    const pod = podsOf('db')[0];
    const following = stream('logs', '-f', '-n', 'shop', pod?.metadata.name ?? 'db-0', '--tail=1');
    try {
      await waitFor('the stream to open', () => following.output().length > 0);
      cluster.appendPodLog('shop', pod?.metadata.name ?? 'db-0', 'db', 'checkpoint complete: wrote 42 buffers');
      await waitFor('the appended line', () => following.output().includes('checkpoint complete: wrote 42 buffers'));
    } finally {
      await following.stop();
    }
  });

  it('cordon and uncordon', async () => {
    expect(await kubectl('cordon', 'worker-2')).toContain('node/worker-2 cordoned');
    expect(rows(await kubectl('get', 'node', 'worker-2'))[1]?.[1]).toBe('Ready,SchedulingDisabled');
    expect(await kubectl('uncordon', 'worker-2')).toContain('node/worker-2 uncordoned');
    expect(rows(await kubectl('get', 'node', 'worker-2'))[1]?.[1]).toBe('Ready');
  });

  it('drain --ignore-daemonsets --delete-emptydir-data evicts what budgets allow and gives up on what they do not', async () => {
    const dbNode = podsOf('db')[0]?.spec.nodeName ?? '';
    const output = await kubectlFails('drain', dbNode, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=7s');
    expect(output).toContain(`node/${dbNode} cordoned`);
    expect(output).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(output).toMatch(/unable to drain node|global timeout reached/);
    // The budget kept db-0; the web pods on that node were evicted (and rescheduled elsewhere).
    await waitFor('web pods off the drained node', () => podsOf('web').every((pod) => pod.spec.nodeName !== dbNode));
    expect(podsOf('db').map((pod) => pod.spec.nodeName)).toEqual([dbNode]);
    expect(cluster.listPods('kube-system').filter((pod) => pod.spec.nodeName === dbNode)).toHaveLength(1);
    await kubectl('uncordon', dbNode);
  });

  it('apply --server-side creates and updates (with --validate=false: no OpenAPI is served)', async () => {
    const manifest = join(directory, 'applied.json');
    const deployment = (replicas: number) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'applied', namespace: 'shop' },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'applied' } },
        template: { metadata: { labels: { app: 'applied' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } },
      },
    });
    writeFileSync(manifest, JSON.stringify(deployment(1)));
    expect(await kubectl('apply', '--server-side', '--validate=false', '-f', manifest)).toContain('deployment.apps/applied serverside-applied');
    writeFileSync(manifest, JSON.stringify(deployment(2)));
    expect(await kubectl('apply', '--server-side', '--validate=false', '-f', manifest)).toContain('deployment.apps/applied serverside-applied');
    await waitFor('two applied pods', () => podsOf('applied').filter((pod) => pod.status.phase === 'Running').length === 2);
    expect(await kubectl('delete', 'deploy', '-n', 'shop', 'applied')).toContain('deleted');
    await waitFor('the applied pods to go', () => podsOf('applied').length === 0);
  });
});
