/**
 * kubectl against the simulator: proves the apiserver is faithful enough for the real client-go
 * (discovery, server-side Table printing, selectors, chunked watch). Skipped only without kubectl.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
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

async function waitFor(description: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

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
    cluster.addNode({ name: 'cp-1', roles: ['control-plane'], cpu: 4, memoryBytes: 8 * GiB, storageBytes: 50 * GiB, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
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
    writeFileSync(manifest, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'made-by-kubectl', namespace: 'ops', labels: { app: 'made' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } }));
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
