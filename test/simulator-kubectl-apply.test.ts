/**
 * kubectl's declarative paths against the simulator: server-side apply with conflicts and
 * --force-conflicts, server dry runs, kubectl diff, cascading deletion in the foreground, and
 * rollout status on a crash-looping rollout. Skipped only without kubectl.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { waitFor } from './support/wait.js';

const run = promisify(execFile);
const GiB = 2 ** 30;
const kubectlAvailable = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectlAvailable) {
  console.warn('SKIPPED test/simulator-kubectl-apply.test.ts: kubectl is not installed (not on PATH)');
}
const describeWithKubectl = kubectlAvailable ? describe : describe.skip;

function deployment(name: string, options: { replicas?: number; image?: string; labels?: Record<string, string>; progressDeadlineSeconds?: number } = {}): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', labels: options.labels ?? { app: name } },
    spec: {
      ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
      ...(options.progressDeadlineSeconds === undefined ? {} : { progressDeadlineSeconds: options.progressDeadlineSeconds }),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: options.image ?? 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
    },
  };
}

describeWithKubectl('kubectl apply, diff and delete against the simulated apiserver', () => {
  let cluster: SimulatedCluster;
  let directory: string;
  let kubeconfigPath: string;

  /** Runs kubectl; resolves with its exit code and combined output (no OpenAPI is served, hence --validate=false on apply). */
  async function kubectl(...args: string[]): Promise<{ code: number; output: string }> {
    try {
      const { stdout, stderr } = await run('kubectl', ['--kubeconfig', kubeconfigPath, '--cache-dir', join(directory, 'cache'), ...args], {
        env: { ...process.env, HOME: directory, KUBECONFIG: '' },
        timeout: 60_000,
      });
      return { code: 0, output: `${stdout}${stderr}` };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; code?: number };
      if (typeof failed.code !== 'number') throw error;
      return { code: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  }

  function manifest(name: string, content: unknown): string {
    const path = join(directory, `${name}.json`);
    writeFileSync(path, JSON.stringify(content));
    return path;
  }

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'sim-kubectl-apply-'));
    cluster = await startSimulatedCluster({ name: 'kubectl-apply', podStartDelayMs: 20, podReadyDelayMs: 20, simulatedSecondMs: 20 });
    cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    cluster.addNamespace('shop');
    kubeconfigPath = join(directory, 'kubeconfig');
    writeFileSync(kubeconfigPath, cluster.kubeconfig());
  });

  afterAll(async () => {
    await cluster?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('apply --server-side conflicts with another manager, --force-conflicts takes over, and a dropped field is removed', async () => {
    const web = manifest('web', deployment('web', { replicas: 2, labels: { app: 'web', tier: 'front' } }));
    expect(await kubectl('apply', '--server-side', '--validate=false', '-f', web)).toEqual({ code: 0, output: 'deployment.apps/web serverside-applied\n' });
    expect((await kubectl('scale', '-n', 'shop', 'deploy/web', '--replicas=3')).code).toBe(0);
    const conflict = await kubectl('apply', '--server-side', '--validate=false', '-f', web);
    expect(conflict.code).toBe(1);
    expect(conflict.output).toMatch(/^error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1 at \S+: \.spec\.replicas$/m);
    expect(conflict.output).toContain('--force-conflicts');
    expect((await kubectl('get', 'deploy', '-n', 'shop', 'web', '-o', 'jsonpath={.spec.replicas}')).output).toBe('3');

    expect((await kubectl('apply', '--server-side', '--force-conflicts', '--validate=false', '-f', web)).code).toBe(0);
    expect((await kubectl('get', 'deploy', '-n', 'shop', 'web', '-o', 'jsonpath={.spec.replicas}')).output).toBe('2');
    const withoutTier = manifest('web', deployment('web', { replicas: 2 }));
    expect((await kubectl('apply', '--server-side', '--validate=false', '-f', withoutTier)).code).toBe(0);
    expect((await kubectl('get', 'deploy', '-n', 'shop', 'web', '-o', 'jsonpath={.metadata.labels}')).output).toBe('{"app":"web"}');
    const managed = JSON.parse((await kubectl('get', 'deploy', '-n', 'shop', 'web', '-o', 'json', '--show-managed-fields')).output) as {
      metadata: { managedFields: Array<{ manager: string; operation: string; subresource?: string }> };
    };
    expect(managed.metadata.managedFields.map((entry) => `${entry.manager} ${entry.operation}`)).toEqual(['kubectl Apply']);
  });

  it('apply --dry-run=server (client- and server-side) and diff change nothing', async () => {
    const api = manifest('api', deployment('api', { image: 'nginx:1.28' }));
    expect((await kubectl('apply', '--dry-run=server', '--validate=false', '-f', api)).output).toBe('deployment.apps/api created (server dry run)\n');
    expect((await kubectl('apply', '--server-side', '--dry-run=server', '--validate=false', '-f', api)).output).toBe('deployment.apps/api serverside-applied (server dry run)\n');
    expect((await kubectl('get', 'deploy', '-n', 'shop', 'api')).output).toContain('NotFound');
    await waitFor('web to settle', () => {
      const web = cluster.getObject('deployments', 'shop', 'web');
      const done = web?.status.conditions?.some((condition) => condition.type === 'Progressing' && condition.reason === 'NewReplicaSetAvailable') === true;
      return done && web?.status.replicas === 2 && web.status.availableReplicas === 2;
    });
    const version = cluster.resourceVersion;
    const changed = manifest('web-next', deployment('web', { replicas: 2, image: 'nginx:1.29' }));
    expect((await kubectl('apply', '--server-side', '--dry-run=server', '--validate=false', '-f', changed)).output).toBe(
      'deployment.apps/web serverside-applied (server dry run)\n',
    );
    const diff = await kubectl('diff', '--server-side', '-f', changed);
    expect(diff.code).toBe(1);
    expect(diff.output).toMatch(/^-\s+- image: nginx:1\.27$/m);
    expect(diff.output).toMatch(/^\+\s+- image: nginx:1\.29$/m);
    expect((await kubectl('get', 'deploy', '-n', 'shop', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).output).toBe('nginx:1.27');
    expect(cluster.resourceVersion).toBe(version);
  });

  it('rollout status fails once a crash-looping rollout exceeds its progress deadline', async () => {
    const crashing = manifest('crashing', deployment('crashing', { replicas: 1, image: 'registry.example/simulate/crash:1', progressDeadlineSeconds: 3 }));
    expect((await kubectl('apply', '--server-side', '--validate=false', '-f', crashing)).code).toBe(0);
    const status = await kubectl('rollout', 'status', '-n', 'shop', 'deploy/crashing', '--timeout=30s');
    expect(status.code).toBe(1);
    expect(status.output).toContain('error: deployment "crashing" exceeded its progress deadline');
    expect((await kubectl('get', 'pods', '-n', 'shop', '-l', 'app=crashing')).output).toMatch(/0\/1\s+(CrashLoopBackOff|Running)\s+\d+/);
  });

  it('delete --cascade=foreground returns once the ReplicaSet and pods are gone', async () => {
    await waitFor('web to run', () => cluster.listPods('shop').filter((pod) => pod.metadata.labels?.['app'] === 'web' && pod.status.phase === 'Running').length === 2);
    expect((await kubectl('delete', 'deploy', '-n', 'shop', 'web', '--cascade=foreground')).output).toBe('deployment.apps "web" deleted\n');
    // kubectl waited for the Deployment to go, which the collector let happen only after its dependents.
    expect(cluster.listPods('shop').filter((pod) => pod.metadata.labels?.['app'] === 'web')).toEqual([]);
    expect(cluster.listObjects('replicasets', 'shop').filter((replicaSet) => replicaSet.metadata.labels?.['app'] === 'web')).toEqual([]);
  });
});
