import { ApiException, HttpMethod, KubeConfig, RequestContext, type ConfigurationOptions } from '@kubernetes/client-node';
import { DomainError } from '../../shared/errors.js';
import { createClusterOperations, type OperationApis } from './cluster-operations.js';

interface RecordedCall {
  readonly method: string;
  readonly request: Record<string, unknown>;
  readonly options: ConfigurationOptions | undefined;
}

type Behaviour = (method: string) => Promise<unknown>;

/** Stands in for AppsV1Api/CoreV1Api: records each call and answers as told. */
function fakeApis(calls: RecordedCall[], behave: Behaviour = async () => ({})): OperationApis {
  const handler: ProxyHandler<object> = {
    get: (_target, method: string) => (request: Record<string, unknown>, options?: ConfigurationOptions) => {
      calls.push({ method, request, options });
      return behave(method);
    },
  };
  return { apps: new Proxy({}, handler) as OperationApis['apps'], core: new Proxy({}, handler) as OperationApis['core'] };
}

function kubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromClusterAndUser({ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }, { name: 'u', token: 't' });
  return config;
}

function apiError(code: number, message: string): ApiException<string> {
  return new ApiException(code, 'Unknown API Status Code!', JSON.stringify({ kind: 'Status', code, message }), {});
}

/** What the request options do to an outgoing request: its headers and its abort signal. */
async function applied(options: ConfigurationOptions | undefined): Promise<{ contentType: string | undefined; signal: AbortSignal | undefined }> {
  let context = new RequestContext('https://127.0.0.1:1/x', HttpMethod.PATCH);
  context.setHeaderParam('Content-Type', 'application/json-patch+json');
  for (const middleware of options?.middleware ?? []) context = await middleware.pre(context).toPromise();
  return { contentType: context.getHeaders()['Content-Type'], signal: context.getSignal() };
}

function setup(behave?: Behaviour, timeoutMs = 15_000) {
  const calls: RecordedCall[] = [];
  const config = kubeConfig();
  const operations = createClusterOperations({ kubeConfigOf: (id) => (id === 'c1' ? config : undefined) }, { timeoutMs, apisFor: () => fakeApis(calls, behave) });
  return { operations, calls };
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('createClusterOperations', () => {
  it('scales through the scale subresource with a merge patch, bounded by a signal', async () => {
    const { operations, calls } = setup();
    await operations.scaleWorkload('c1', 'Deployment', 'shop', 'web', 5);
    await operations.scaleWorkload('c1', 'StatefulSet', 'shop', 'db', 0);
    expect(calls.map((call) => [call.method, call.request])).toEqual([
      ['patchNamespacedDeploymentScale', { namespace: 'shop', name: 'web', body: { spec: { replicas: 5 } } }],
      ['patchNamespacedStatefulSetScale', { namespace: 'shop', name: 'db', body: { spec: { replicas: 0 } } }],
    ]);
    const { contentType, signal } = await applied(calls[0]?.options);
    expect(contentType).toBe('application/merge-patch+json');
    expect(signal?.aborted).toBe(false);
  });

  it('restarts by stamping the pod template, for each restartable kind', async () => {
    const { operations, calls } = setup();
    const at = '2024-05-02T08:00:00.000Z';
    await operations.restartWorkload('c1', 'Deployment', 'shop', 'web', at);
    await operations.restartWorkload('c1', 'StatefulSet', 'shop', 'db', at);
    await operations.restartWorkload('c1', 'DaemonSet', 'ops', 'agent', at);
    expect(calls.map((call) => call.method)).toEqual(['patchNamespacedDeployment', 'patchNamespacedStatefulSet', 'patchNamespacedDaemonSet']);
    expect(calls[0]?.request['body']).toEqual({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } });
    expect((await applied(calls[2]?.options)).contentType).toBe('application/merge-patch+json');
  });

  it('deletes pods and cordons/uncordons nodes', async () => {
    const { operations, calls } = setup();
    await operations.deletePod('c1', 'shop', 'web-1');
    await operations.setNodeSchedulable('c1', 'worker-1', false);
    await operations.setNodeSchedulable('c1', 'worker-1', true);
    expect(calls.map((call) => [call.method, call.request])).toEqual([
      ['deleteNamespacedPod', { namespace: 'shop', name: 'web-1' }],
      ['patchNode', { name: 'worker-1', body: { spec: { unschedulable: true } } }],
      ['patchNode', { name: 'worker-1', body: { spec: { unschedulable: false } } }],
    ]);
    expect((await applied(calls[0]?.options)).signal).toBeDefined();
    expect((await applied(calls[1]?.options)).contentType).toBe('application/merge-patch+json');
  });

  it('maps the eviction answers: created, gone, blocked by a budget', async () => {
    const answers: Record<string, () => Promise<unknown>> = {
      ok: async () => ({}),
      gone: () => Promise.reject(apiError(404, 'pods "gone" not found')),
      blocked: () => Promise.reject(apiError(429, "Cannot evict pod as it would violate the pod's disruption budget.")),
      broken: () => Promise.reject(apiError(500, 'This pod has more than one PodDisruptionBudget')),
    };
    let next = 'ok';
    const { operations, calls } = setup(() => (answers[next] ?? answers['ok']!)());
    await expect(operations.evictPod('c1', 'shop', 'web-1')).resolves.toBe('EVICTED');
    next = 'gone';
    await expect(operations.evictPod('c1', 'shop', 'gone')).resolves.toBe('GONE');
    next = 'blocked';
    await expect(operations.evictPod('c1', 'shop', 'db-0')).resolves.toBe('BLOCKED_BY_DISRUPTION_BUDGET');
    next = 'broken';
    expect(await rejection(operations.evictPod('c1', 'shop', 'db-0'))).toMatchObject({ code: 'UNAVAILABLE', details: { clusterId: 'c1', statusCode: 500 } });
    expect(calls[0]?.request).toEqual({
      namespace: 'shop',
      name: 'web-1',
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-1', namespace: 'shop' } },
    });
  });

  it('maps apiserver failures to DomainErrors that name the object', async () => {
    let failure = new Error('no failure set');
    const { operations } = setup(() => Promise.reject(failure));

    failure = apiError(404, 'deployments.apps "web" not found');
    const notFound = await rejection(operations.scaleWorkload('c1', 'Deployment', 'shop', 'web', 1));
    expect(notFound.code).toBe('NOT_FOUND');
    expect(notFound.message).toBe('Deployment shop/web not found in cluster c1');

    failure = apiError(422, 'spec.replicas: Invalid value: -1');
    const invalid = await rejection(operations.scaleWorkload('c1', 'Deployment', 'shop', 'web', 1));
    expect(invalid).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'replicas' } });
    expect(invalid.message).toContain('spec.replicas: Invalid value: -1');

    failure = apiError(403, 'nodes "worker-1" is forbidden: User "gw" cannot patch resource "nodes"');
    const forbidden = await rejection(operations.setNodeSchedulable('c1', 'worker-1', false));
    expect(forbidden.code).toBe('FORBIDDEN');
    expect(forbidden.message).toMatch(/^The credentials this gateway holds for cluster c1 lack the permission to cordon Node worker-1: /);

    failure = apiError(409, 'the object has been modified');
    expect(await rejection(operations.deletePod('c1', 'shop', 'web-1'))).toMatchObject({ code: 'CONFLICT' });

    failure = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    const down = await rejection(operations.deletePod('c1', 'shop', 'web-1'));
    expect(down).toMatchObject({ code: 'UNAVAILABLE', details: { clusterId: 'c1' } });
    expect(down.message).toBe('Cannot reach cluster c1 to delete Pod shop/web-1: fetch failed (connect ECONNREFUSED 127.0.0.1:1)');
  });

  it('gives up after its timeout, aborting the request, with UNAVAILABLE', async () => {
    let seen: AbortSignal | undefined;
    const calls: RecordedCall[] = [];
    const config = kubeConfig();
    const operations = createClusterOperations(
      { kubeConfigOf: () => config },
      {
        timeoutMs: 30,
        apisFor: () =>
          fakeApis(calls, async () => {
            seen = (await applied(calls.at(-1)?.options)).signal;
            return new Promise(() => undefined);
          }),
      },
    );
    const error = await rejection(operations.deletePod('c1', 'shop', 'web-1'));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', details: { clusterId: 'c1' } });
    expect(error.message).toBe('Cluster c1 did not answer within 30 ms (delete Pod shop/web-1)');
    expect(seen?.aborted).toBe(true);
  });

  it('refuses an unknown cluster and bad input before calling anything', async () => {
    const { operations, calls } = setup();
    expect(await rejection(operations.deletePod('nope', 'shop', 'web-1'))).toMatchObject({ code: 'NOT_FOUND', details: { id: 'nope' } });
    expect(await rejection(operations.scaleWorkload('c1', 'Deployment', 'shop', 'web', -1))).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'replicas' } });
    expect(await rejection(operations.scaleWorkload('c1', 'Deployment', 'shop', 'web', 1.5))).toMatchObject({ details: { field: 'replicas' } });
    expect(await rejection(operations.scaleWorkload('c1', 'DaemonSet' as 'Deployment', 'shop', 'web', 1))).toMatchObject({ details: { field: 'kind' } });
    expect(await rejection(operations.restartWorkload('c1', 'Deployment', 'shop', 'web', 'yesterday'))).toMatchObject({ details: { field: 'restartedAt' } });
    expect(await rejection(operations.deletePod('c1', 'Shop!', 'web-1'))).toMatchObject({ details: { field: 'namespace' } });
    expect(await rejection(operations.evictPod('c1', 'shop', ''))).toMatchObject({ details: { field: 'name' } });
    expect(await rejection(operations.setNodeSchedulable('c1', '../etc', true))).toMatchObject({ details: { field: 'nodeName' } });
    expect(calls).toEqual([]);
  });
});
