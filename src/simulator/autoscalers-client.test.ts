/**
 * autoscaling/v2 HorizontalPodAutoscalers and core/v1 ServiceAccounts in the simulator, through the
 * real client: create with the apiserver's defaults, get, list, update, delete, dry runs that store
 * nothing, validation with the apiserver's messages, and discovery.
 */
import { ApiException, AutoscalingV2Api, CoreV1Api, KubeConfig, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { startSimulatedCluster, type SimulatedCluster } from './index.js';
import { rawGet } from '../../test/support/simulator-helpers.js';

async function failure(call: Promise<unknown>): Promise<{ code: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const parsed = (JSON.parse(String(error.body)) as { message?: unknown }).message;
    return { code: error.code, message: typeof parsed === 'string' ? parsed : String(error.body) };
  }
  throw new Error('expected the call to fail');
}

function autoscaler(name: string, spec: Partial<NonNullable<V2HorizontalPodAutoscaler['spec']>>): V2HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, ...spec },
  };
}

describe('simulated HorizontalPodAutoscalers and ServiceAccounts', () => {
  let cluster: SimulatedCluster;
  let autoscaling: AutoscalingV2Api;
  let core: CoreV1Api;

  beforeAll(async () => {
    cluster = await startSimulatedCluster({ name: 'autoscalers-sim' });
    cluster.addNamespace('apps');
    const config = new KubeConfig();
    config.loadFromString(cluster.kubeconfig());
    autoscaling = config.makeApiClient(AutoscalingV2Api);
    core = config.makeApiClient(CoreV1Api);
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it('stores an autoscaler with minReplicas 1 and CPU at 80% by default, and keeps the metrics it is given', async () => {
    const created = await autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace: 'apps', body: autoscaler('web', {}) });
    expect(created.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    expect(created.metadata?.generation).toBe(1);
    const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } };
    const replaced = await autoscaling.replaceNamespacedHorizontalPodAutoscaler({
      namespace: 'apps',
      name: 'web',
      body: { ...created, spec: { ...created.spec, minReplicas: 2, metrics: [memory] } },
    });
    expect(replaced.spec?.minReplicas).toBe(2);
    expect(replaced.spec?.metrics).toEqual([memory]);
    const listed = await autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: 'apps' });
    expect(listed.items.map((item) => item.metadata?.name)).toEqual(['web']);
    await autoscaling.deleteNamespacedHorizontalPodAutoscaler({ namespace: 'apps', name: 'web' });
    expect(cluster.getObject('horizontalpodautoscalers', 'apps', 'web')).toBeUndefined();
  });

  it('refuses autoscalers the apiserver refuses, and stores nothing', async () => {
    const cases: Array<[Partial<NonNullable<V2HorizontalPodAutoscaler['spec']>>, string]> = [
      [{ scaleTargetRef: { kind: 'Deployment', name: '' } }, 'spec.scaleTargetRef.name: Required value'],
      [{ minReplicas: 0 }, 'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1'],
      [{ minReplicas: 4, maxReplicas: 3 }, 'spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`'],
      [{ metrics: [{ type: 'Resource' }] }, 'spec.metrics[0].resource: Required value: must populate information for the given metric source'],
      [{ metrics: [{ type: 'Cpu' }] }, 'spec.metrics[0].type: Unsupported value: "Cpu"'],
      [
        { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }] },
        'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
      ],
    ];
    for (const [spec, message] of cases) {
      const refused = await failure(autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace: 'apps', body: autoscaler('bad', spec) }));
      expect(refused.code).toBe(422);
      expect(refused.message).toContain(`HorizontalPodAutoscaler "bad" is invalid: ${message}`);
    }
    const withoutMax = { ...autoscaler('bad', {}), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' } } } as V2HorizontalPodAutoscaler;
    expect((await failure(autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace: 'apps', body: withoutMax }))).message).toContain('spec.maxReplicas: Required value');
    expect(cluster.listObjects('horizontalpodautoscalers')).toEqual([]);
  });

  it('serves ServiceAccounts, checks their pull secrets, and a dry run stores nothing', async () => {
    const dryRun = await core.createNamespacedServiceAccount({ namespace: 'apps', dryRun: 'All', body: { metadata: { name: 'gateway' }, automountServiceAccountToken: false } });
    expect(dryRun.automountServiceAccountToken).toBe(false);
    expect(cluster.getObject('serviceaccounts', 'apps', 'gateway')).toBeUndefined();
    const created = await core.createNamespacedServiceAccount({
      namespace: 'apps',
      body: { metadata: { name: 'gateway', labels: { app: 'gateway' } }, imagePullSecrets: [{ name: 'registry' }] },
    });
    expect(created).toMatchObject({ kind: 'ServiceAccount', metadata: { name: 'gateway', namespace: 'apps' }, imagePullSecrets: [{ name: 'registry' }] });
    const refused = await failure(core.createNamespacedServiceAccount({ namespace: 'apps', body: { metadata: { name: 'other' }, imagePullSecrets: [{}] } }));
    expect(refused).toEqual({ code: 422, message: 'ServiceAccount "other" is invalid: imagePullSecrets[0].name: Required value' });
    expect(cluster.getObject('serviceaccounts', 'apps', 'other')).toBeUndefined();
  });

  it("prints kubectl's columns for both kinds", async () => {
    await autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace: 'apps', body: autoscaler('api', { minReplicas: 2 }) });
    const headers = { authorization: `Bearer ${cluster.token}`, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
    const table = JSON.parse((await rawGet(cluster.url, '/apis/autoscaling/v2/namespaces/apps/horizontalpodautoscalers', headers)).body) as {
      columnDefinitions: Array<{ name: string }>;
      rows: Array<{ cells: unknown[] }>;
    };
    expect(table.columnDefinitions.map((column) => column.name)).toEqual(['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    expect(table.rows.map((row) => row.cells.slice(0, 6))).toEqual([['api', 'Deployment/web', 'cpu: <unknown>/80%', 2, 5, 0]]);
    const accounts = JSON.parse((await rawGet(cluster.url, '/api/v1/namespaces/apps/serviceaccounts', headers)).body) as { rows: Array<{ cells: unknown[] }> };
    expect(accounts.rows.map((row) => row.cells.slice(0, 2))).toEqual([['gateway', 0]]);
  });

  it('lists both kinds in discovery', async () => {
    const autoscalingGroup = JSON.parse((await rawGet(cluster.url, '/apis/autoscaling/v2', { authorization: `Bearer ${cluster.token}` })).body) as {
      resources: Array<{ name: string; shortNames?: string[] }>;
    };
    expect(autoscalingGroup.resources.map((resource) => resource.name)).toEqual(['horizontalpodautoscalers', 'horizontalpodautoscalers/status']);
    const coreGroup = JSON.parse((await rawGet(cluster.url, '/api/v1', { authorization: `Bearer ${cluster.token}` })).body) as {
      resources: Array<{ name: string; shortNames?: string[] }>;
    };
    expect(coreGroup.resources.find((resource) => resource.name === 'serviceaccounts')?.shortNames).toEqual(['sa']);
  });
});
