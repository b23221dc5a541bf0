import { ApiException, CoreV1Api, KubeConfig, NetworkingV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startSimulatedCluster, type SimulatedCluster } from './index.js';
import { waitFor } from '../../test/support/simulator-helpers.js';

const GiB = 2 ** 30;
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function failure(error: unknown): { code: number | undefined; message: string | undefined } {
  if (!(error instanceof ApiException)) throw error;
  return { code: error.code, message: (JSON.parse(String(error.body)) as { message?: string }).message };
}

describe('ConfigMaps and Ingresses in the simulated apiserver', () => {
  let cluster: SimulatedCluster;
  let core: CoreV1Api;
  let networking: NetworkingV1Api;

  beforeEach(async () => {
    cluster = await startSimulatedCluster({ name: 'config-test', podStartDelayMs: 10, loadBalancerDelayMs: 30 });
    cluster.addNode({ name: 'worker-1', cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    cluster.addNamespace('shop');
    const config = new KubeConfig();
    config.loadFromString(cluster.kubeconfig());
    core = config.makeApiClient(CoreV1Api);
    networking = config.makeApiClient(NetworkingV1Api);
  });

  afterEach(async () => {
    await cluster.close();
  });

  it('serves ConfigMaps (data, binaryData, immutable) and holds back pods that need a missing one', async () => {
    await core.createNamespacedPod({
      namespace: 'shop',
      body: {
        metadata: { name: 'app' },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'shop:1',
              env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }],
              envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'APP_' }],
              volumeMounts: [{ name: 'settings', mountPath: '/etc/shop' }],
            },
          ],
          volumes: [{ name: 'settings', configMap: { name: 'settings' } }],
        },
      },
    });
    await waitFor('the mount to fail', () =>
      cluster.listObjects('events', 'shop').some((event) => event.reason === 'FailedMount' && event.message.includes('configmap "settings" not found')),
    );
    expect(cluster.getObject('pods', 'shop', 'app')?.status.phase).toBe('Pending');
    const created = await core.createNamespacedConfigMap({
      namespace: 'shop',
      body: { metadata: { name: 'settings' }, data: { mode: 'fast' }, binaryData: { logo: Buffer.from('png').toString('base64') }, immutable: true },
    });
    expect(created).toMatchObject({ kind: 'ConfigMap', data: { mode: 'fast' }, immutable: true });
    await waitFor('the pod to run once the ConfigMap exists', () => cluster.getObject('pods', 'shop', 'app')?.status.phase === 'Running');

    const changed = failure(await core.patchNamespacedConfigMap({ namespace: 'shop', name: 'settings', body: { data: { mode: 'slow' } } }, merge).catch((error: unknown) => error));
    expect(changed).toEqual({ code: 422, message: 'ConfigMap "settings" is invalid: data: Forbidden: field is immutable when `immutable` is set' });
    const badKey = failure(
      await core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'bad' }, data: { 'no spaces': 'x' } } }).catch((error: unknown) => error),
    );
    expect(badKey.code).toBe(422);
    expect((await core.listNamespacedConfigMap({ namespace: 'shop' })).items.map((item) => item.metadata?.name)).toEqual(['settings']);
  });

  it('serves Ingresses: validated, and given the ingress controller address a moment later', async () => {
    const missingPathType = failure(
      await networking
        .createNamespacedIngress({
          namespace: 'shop',
          body: {
            metadata: { name: 'web' },
            spec: { rules: [{ host: 'shop.example', http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } } as never] } }] },
          },
        })
        .catch((error: unknown) => error),
    );
    expect(missingPathType).toEqual({ code: 422, message: 'Ingress "web" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified' });
    const body = {
      metadata: { name: 'web' },
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'shop.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
      },
    };
    const created = await networking.createNamespacedIngress({ namespace: 'shop', body });
    expect(created.status?.loadBalancer?.ingress ?? []).toEqual([]);
    await waitFor('the address', () => (cluster.getObject('ingresses', 'shop', 'web')?.status.loadBalancer.ingress ?? []).length > 0);
    const other = await networking.createNamespacedIngress({ namespace: 'shop', body: { ...body, metadata: { name: 'api' } } });
    expect(other.metadata?.name).toBe('api');
    await waitFor('the same address for the second one', () => (cluster.getObject('ingresses', 'shop', 'api')?.status.loadBalancer.ingress ?? []).length > 0);
    expect(cluster.getObject('ingresses', 'shop', 'api')?.status.loadBalancer.ingress).toEqual(cluster.getObject('ingresses', 'shop', 'web')?.status.loadBalancer.ingress);
  });
});
