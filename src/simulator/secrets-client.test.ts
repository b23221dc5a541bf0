/**
 * core/v1 Secrets in the simulator, through the real clients: create (stringData folded into base64
 * data), get, list, watch, delete, validation, discovery, kubectl's table; the kubelet resolving
 * secretKeyRef env (CreateContainerConfigError while the Secret is missing) and secret volumes;
 * init containers configured and completed before the others; the garbage collector removing a
 * Secret owned by a deleted Job.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiException, BatchV1Api, CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { startSimulatedCluster, type SimulatedCluster } from './index.js';
import { rawGet, waitFor } from '../../test/support/simulator-helpers.js';

const GiB = 2 ** 30;
const run = promisify(execFile);
const kubectlAvailable = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

async function failure(call: Promise<unknown>): Promise<{ code: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    const body = error instanceof ApiException ? String(error.body) : String(error);
    // The apiserver's Status body: its message is what a user reads.
    const message = ((): string => {
      try {
        const parsed = (JSON.parse(body) as { message?: unknown }).message;
        return typeof parsed === 'string' ? parsed : body;
      } catch {
        return body;
      }
    })();
    return { code: statusOf(error), message };
  }
  throw new Error('expected the call to fail');
}

describe('simulated Secrets', () => {
  let cluster: SimulatedCluster;
  let config: KubeConfig;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'sim-secrets-'));
    cluster = await startSimulatedCluster({ name: 'secrets-sim', podStartDelayMs: 10 });
    cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    cluster.addNamespace('apps');
    config = new KubeConfig();
    config.loadFromString(cluster.kubeconfig());
    core = config.makeApiClient(CoreV1Api);
    batch = config.makeApiClient(BatchV1Api);
  });

  afterAll(async () => {
    await cluster?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('creates, reads, lists, watches and deletes Secrets like the apiserver', async () => {
    const events: Array<{ type: string; name: string; data: Record<string, string> | undefined }> = [];
    const watch = await new Watch(config).watch(
      '/api/v1/namespaces/apps/secrets',
      {},
      (type: string, object: { metadata?: { name?: string }; data?: Record<string, string> }) => events.push({ type, name: object.metadata?.name ?? '', data: object.data }),
      () => undefined,
    );
    try {
      const created = await core.createNamespacedSecret({
        namespace: 'apps',
        body: { metadata: { name: 'db', labels: { app: 'db' } }, data: { user: Buffer.from('admin').toString('base64') }, stringData: { password: 's3cret', user: 'root' } },
      });
      // stringData wins for the same key, is encoded into data, and is never stored or served.
      expect(created.type).toBe('Opaque');
      expect(created.data).toEqual({ user: Buffer.from('root').toString('base64'), password: Buffer.from('s3cret').toString('base64') });
      expect(created.stringData).toBeUndefined();
      expect((await core.readNamespacedSecret({ namespace: 'apps', name: 'db' })).data?.['password']).toBe(Buffer.from('s3cret').toString('base64'));
      expect((await core.listNamespacedSecret({ namespace: 'apps', labelSelector: 'app=db' })).items.map((secret) => secret.metadata?.name)).toEqual(['db']);
      expect((await core.listSecretForAllNamespaces({ fieldSelector: 'type=Opaque' })).items.map((secret) => secret.metadata?.name)).toContain('db');
      expect((await core.listSecretForAllNamespaces({ fieldSelector: 'type=kubernetes.io/tls' })).items).toEqual([]);
      await core.deleteNamespacedSecret({ namespace: 'apps', name: 'db' });
      expect(await failure(core.readNamespacedSecret({ namespace: 'apps', name: 'db' }))).toMatchObject({ code: 404 });
      await waitFor('the watch to see the Secret come and go', () => events.some((event) => event.type === 'DELETED' && event.name === 'db'));
      expect(events.filter((event) => event.name === 'db').map((event) => event.type)).toEqual(['ADDED', 'DELETED']);
      expect(events[0]?.data?.['password']).toBe(Buffer.from('s3cret').toString('base64'));
    } finally {
      watch.abort();
    }
  });

  it('refuses bad Secrets with the apiserver answers', async () => {
    const badBase64 = await failure(core.createNamespacedSecret({ namespace: 'apps', body: { metadata: { name: 'bad' }, data: { key: 'not base64!' } } }));
    expect(badBase64.code).toBe(400);
    expect(badBase64.message).toMatch(/illegal base64 data/);
    const badKey = await failure(core.createNamespacedSecret({ namespace: 'apps', body: { metadata: { name: 'bad' }, stringData: { 'a/b': 'x' } } }));
    expect(badKey.code).toBe(422);
    expect(badKey.message).toMatch(/data\[a\/b\]: Invalid value/);
    const noConfig = await failure(
      core.createNamespacedSecret({ namespace: 'apps', body: { metadata: { name: 'bad' }, type: 'kubernetes.io/dockerconfigjson', stringData: { other: '{}' } } }),
    );
    expect(noConfig.code).toBe(422);
    expect(noConfig.message).toMatch(/data\[\.dockerconfigjson\]: Required value/);
    const notJson = await failure(
      core.createNamespacedSecret({ namespace: 'apps', body: { metadata: { name: 'bad' }, type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{nope' } } }),
    );
    expect(notJson.code).toBe(422);
    expect(notJson.message).toMatch(/<secret contents redacted>/);
    expect(notJson.message).not.toMatch(/\{nope/);
    expect(await failure(core.createNamespacedSecret({ namespace: 'nowhere', body: { metadata: { name: 'x' } } }))).toMatchObject({ code: 404 });

    await core.createNamespacedSecret({ namespace: 'apps', body: { metadata: { name: 'typed' }, type: 'kubernetes.io/basic-auth', stringData: { username: 'u' } } });
    const retyped = await failure(
      core.replaceNamespacedSecret({ namespace: 'apps', name: 'typed', body: { metadata: { name: 'typed' }, type: 'Opaque', stringData: { username: 'u' } } }),
    );
    expect(retyped.code).toBe(422);
    expect(retyped.message).toMatch(/type: Invalid value: "Opaque": field is immutable/);
    expect(cluster.getObject('secrets', 'apps', 'typed')?.type).toBe('kubernetes.io/basic-auth');
  });

  it('is in discovery', async () => {
    const discovery = JSON.parse((await rawGet(cluster.url, '/api/v1', { authorization: `Bearer ${cluster.token}` })).body) as {
      resources: Array<{ name: string; kind: string; namespaced: boolean; verbs: string[] }>;
    };
    expect(discovery.resources.find((resource) => resource.name === 'secrets')).toMatchObject({
      kind: 'Secret',
      namespaced: true,
      verbs: expect.arrayContaining(['create', 'delete', 'get', 'list', 'watch']),
    });
  });

  it('the kubelet resolves secretKeyRef env: CreateContainerConfigError until the Secret exists, then the pod runs', async () => {
    await core.createNamespacedPod({
      namespace: 'apps',
      body: {
        metadata: { name: 'needs-secret' },
        spec: { containers: [{ name: 'main', image: 'example/app:1', env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'token' } } }] }] },
      },
    });
    let pod: V1Pod | undefined;
    await waitFor('the container to wait in CreateContainerConfigError', async () => {
      pod = await core.readNamespacedPod({ namespace: 'apps', name: 'needs-secret' });
      return pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError';
    });
    expect(pod?.status?.phase).toBe('Pending');
    expect(pod?.status?.containerStatuses?.[0]?.state?.waiting?.message).toBe('secret "api-token" not found');
    const events = await core.listNamespacedEvent({ namespace: 'apps', fieldSelector: 'involvedObject.name=needs-secret,reason=Failed' });
    expect(events.items.map((event) => `${event.type} ${event.message}`)).toEqual(['Warning Error: secret "api-token" not found']);
    const log = await failure(core.readNamespacedPodLog({ namespace: 'apps', name: 'needs-secret', container: 'main' }));
    expect(log.message).toMatch(/waiting to start: CreateContainerConfigError/);

    // The wrong key is still an error, named.
    await core.createNamespacedSecret({ namespace: 'apps', body: { metadata: { name: 'api-token' }, stringData: { other: 'x' } } });
    await waitFor(
      'the missing key to be reported',
      async () =>
        (await core.readNamespacedPod({ namespace: 'apps', name: 'needs-secret' })).status?.containerStatuses?.[0]?.state?.waiting?.message ===
        "couldn't find key token in Secret apps/api-token",
    );
    await core.replaceNamespacedSecret({ namespace: 'apps', name: 'api-token', body: { metadata: { name: 'api-token' }, stringData: { token: 't0k3n' } } });
    await waitFor(
      'the pod to run once the Secret has the key',
      async () => (await core.readNamespacedPod({ namespace: 'apps', name: 'needs-secret' })).status?.phase === 'Running',
    );
  });

  it('init containers: configured like the others (held in CreateContainerConfigError), then completed before the pod runs', async () => {
    await core.createNamespacedPod({
      namespace: 'apps',
      body: {
        metadata: { name: 'with-init' },
        spec: {
          initContainers: [{ name: 'fetch', image: 'alpine/git:2.45.2', env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'init-token', key: 'token' } } }] }],
          containers: [{ name: 'main', image: 'example/app:1' }],
        },
      },
    });
    let pod: V1Pod | undefined;
    await waitFor('the init container to wait in CreateContainerConfigError', async () => {
      pod = await core.readNamespacedPod({ namespace: 'apps', name: 'with-init' });
      return pod.status?.initContainerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError';
    });
    expect(pod?.status?.phase).toBe('Pending');
    expect(pod?.status?.conditions?.find((condition) => condition.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized' });
    const events = await core.listNamespacedEvent({ namespace: 'apps', fieldSelector: 'involvedObject.name=with-init,reason=Failed' });
    expect(events.items.map((event) => event.involvedObject.fieldPath)).toEqual(['spec.initContainers{fetch}']);

    await core.createNamespacedSecret({ namespace: 'apps', body: { metadata: { name: 'init-token' }, stringData: { token: 't0k3n' } } });
    await waitFor('the pod to run', async () => (pod = await core.readNamespacedPod({ namespace: 'apps', name: 'with-init' })).status?.phase === 'Running');
    expect(pod?.status?.initContainerStatuses?.map((status) => [status.name, status.state?.terminated?.reason, status.state?.terminated?.exitCode])).toEqual([
      ['fetch', 'Completed', 0],
    ]);
    const started = await core.listNamespacedEvent({ namespace: 'apps', fieldSelector: 'involvedObject.name=with-init,reason=Started' });
    // Events of the same instant list in any order: the pod's statuses say which ran first.
    expect(started.items.map((event) => event.involvedObject.fieldPath).sort()).toEqual(['spec.containers{main}', 'spec.initContainers{fetch}']);
    const initFinished = pod?.status?.initContainerStatuses?.[0]?.state?.terminated?.finishedAt;
    const mainStarted = pod?.status?.containerStatuses?.[0]?.state?.running?.startedAt;
    expect(initFinished).toBeDefined();
    expect(new Date(initFinished!).getTime()).toBeLessThanOrEqual(new Date(mainStarted!).getTime());
    // Its log can be read by name (it says nothing here); an unknown container is refused.
    await expect(core.readNamespacedPodLog({ namespace: 'apps', name: 'with-init', container: 'fetch' })).resolves.toBeDefined();
    expect((await failure(core.readNamespacedPodLog({ namespace: 'apps', name: 'with-init', container: 'other' }))).message).toMatch(/container other is not valid/);
  });

  it('a pod mounting a missing Secret stays ContainerCreating with FailedMount, then runs when it appears', async () => {
    await core.createNamespacedPod({
      namespace: 'apps',
      body: {
        metadata: { name: 'mounts-secret' },
        spec: {
          containers: [{ name: 'main', image: 'example/app:1', volumeMounts: [{ name: 'creds', mountPath: '/etc/creds' }] }],
          volumes: [{ name: 'creds', secret: { secretName: 'creds', items: [{ key: 'k', path: 'file' }] } }],
        },
      },
    });
    await waitFor(
      'a FailedMount event',
      async () => (await core.listNamespacedEvent({ namespace: 'apps', fieldSelector: 'involvedObject.name=mounts-secret,reason=FailedMount' })).items.length > 0,
    );
    const pod = await core.readNamespacedPod({ namespace: 'apps', name: 'mounts-secret' });
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
    await core.createNamespacedSecret({ namespace: 'apps', body: { metadata: { name: 'creds' }, stringData: { k: 'v' } } });
    await waitFor('the pod to run once the Secret exists', async () => (await core.readNamespacedPod({ namespace: 'apps', name: 'mounts-secret' })).status?.phase === 'Running');
  });

  it('deleting a Job deletes the Secret it owns', async () => {
    const job = await batch.createNamespacedJob({
      namespace: 'apps',
      body: { metadata: { name: 'owner' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'example/job:1' }] } } } },
    });
    const uid = job.metadata?.uid ?? '';
    await core.createNamespacedSecret({
      namespace: 'apps',
      body: { metadata: { name: 'owned', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'owner', uid, controller: true }] }, stringData: { k: 'v' } },
    });
    await core.createNamespacedSecret({ namespace: 'apps', body: { metadata: { name: 'unowned' }, stringData: { k: 'v' } } });
    await batch.deleteNamespacedJob({ namespace: 'apps', name: 'owner', propagationPolicy: 'Background' });
    await waitFor('the owned Secret to be collected', () => cluster.getObject('secrets', 'apps', 'owned') === undefined);
    expect(cluster.getObject('secrets', 'apps', 'unowned')).toBeDefined();
  });

  (kubectlAvailable ? it : it.skip)('kubectl creates and lists Secrets (TYPE and DATA columns)', async () => {
    const kubeconfigPath = join(directory, 'kubeconfig');
    writeFileSync(kubeconfigPath, cluster.kubeconfig());
    const kubectl = async (...args: string[]) =>
      (
        await run('kubectl', ['--kubeconfig', kubeconfigPath, '--cache-dir', join(directory, 'cache'), ...args], {
          env: { ...process.env, HOME: directory, KUBECONFIG: '' },
          timeout: 30_000,
        })
      ).stdout;
    cluster.addNamespace('kubectl');
    await kubectl('-n', 'kubectl', 'create', 'secret', 'generic', 'app-config', '--from-literal=a=1', '--from-literal=b=2', '--validate=false');
    await kubectl(
      '-n',
      'kubectl',
      'create',
      'secret',
      'docker-registry',
      'pull',
      '--docker-server=registry.example.com',
      '--docker-username=u',
      '--docker-password=p',
      '--validate=false',
    );
    const rows = (await kubectl('-n', 'kubectl', 'get', 'secrets'))
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/).slice(0, 3));
    expect(rows).toEqual([
      ['NAME', 'TYPE', 'DATA'],
      ['app-config', 'Opaque', '2'],
      ['pull', 'kubernetes.io/dockerconfigjson', '1'],
    ]);
    const value = await kubectl('-n', 'kubectl', 'get', 'secret', 'app-config', '-o', 'jsonpath={.data.b}');
    expect(Buffer.from(value, 'base64').toString()).toBe('2');
  });
});
