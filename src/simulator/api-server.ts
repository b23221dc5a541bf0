/**
 * The HTTP face of the simulator: authentication, discovery, and the REST paths of every served
 * resource (list, watch, get, create, replace, patch, delete) with the scale, eviction and log
 * subresources, answering with the status codes and `Status` bodies the real kube-apiserver uses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, methodNotAllowed, objectNotFound, pathNotFound } from './api-errors.js';
import type { ClusterState } from './cluster-state.js';
import { apiGroup, apiGroupList, apiResourceList, type Served } from './discovery.js';
import { statusObject, type PodObject } from './k8s-types.js';
import { ListError, parseVersion, type ListService } from './lists.js';
import { isScalable, type ObjectService } from './object-service.js';
import { patchTypeOf } from './patches.js';
import { deleteOptions, writeOptions } from './request-options.js';
import type { PodLogs } from './pod-logs.js';
import { apiVersionOf, objectKey, resourceAt, resourceTypes, type ResourceName } from './resources.js';
import { parseFieldSelector, parseLabelSelector, SelectorError, type Selector } from './selectors.js';
import { ObjectMissing, type ObjectStore } from './store.js';
import { acceptsTable, parseIncludeObject, toTable } from './tables.js';
import type { WatchHub } from './watch-hub.js';
import {
  METRICS_GROUP,
  METRICS_VERSION,
  metricsGroupDocument,
  metricsResourceList,
  nodeMetricsObject,
  nodeStatsSummary,
  podMetricsObject,
  type MetricsServerMode,
} from './metrics-server.js';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface ApiContext {
  readonly token: string;
  readonly kubernetesVersion: string;
  readonly store: ObjectStore;
  readonly state: ClusterState;
  readonly hub: WatchHub;
  readonly lists: ListService;
  readonly objects: ObjectService;
  readonly logs: PodLogs;
  /** Resources this cluster serves (the others answer 404, as a missing CRD does). */
  readonly served: Served;
  /** Every response waits this long first (a slow cluster). */
  latencyMs(): number;
  countRequest(url: string): void;
  /** Whether metrics.k8s.io is served, absent, or answering 503. */
  metricsMode(): MetricsServerMode;
  /** Length of a simulated second in ms (pods' warm-up is counted in them). */
  readonly secondMs: number;
}

interface Target {
  readonly resource: ResourceName;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

export function createApiHandler(context: ApiContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    context.countRequest(request.url ?? '/');
    const latency = context.latencyMs();
    const run = () => handle(context, request, response).catch((error: unknown) => sendError(response, error));
    if (latency > 0) setTimeout(run, latency);
    else void run();
  };
}

async function handle(context: ApiContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://simulator');
  if (request.headers.authorization !== `Bearer ${context.token}`) {
    throw new ApiError(401, 'Unauthorized', 'Unauthorized');
  }
  const method = request.method ?? 'GET';
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const path = `/${segments.join('/')}`;

  switch (path) {
    case '/healthz':
    case '/readyz':
    case '/livez':
      return sendText(response, 200, 'ok');
    case '/version':
      return sendJson(response, 200, versionInfo(context.kubernetesVersion));
    case '/api':
      return sendJson(response, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: request.headers.host ?? '' }],
      });
    case '/apis': {
      const list = apiGroupList(context.served) as { groups: unknown[] };
      if (context.metricsMode() !== 'off') list.groups.push(metricsGroupDocument());
      return sendJson(response, 200, list);
    }
  }
  if (segments[0] === 'apis' && segments[1] === METRICS_GROUP) return serveMetrics(context, response, method, segments.slice(2));
  // The kubelet's Summary API through the apiserver's node proxy: what a node's disk holds.
  if (segments.length === 7 && segments[0] === 'api' && segments[1] === 'v1' && segments[2] === 'nodes' && segments.slice(4).join('/') === 'proxy/stats/summary') {
    requireMethod(method, ['GET']);
    const node = context.store.get('nodes', objectKey(undefined, segments[3]!));
    if (node === undefined) throw objectNotFound('nodes', segments[3]!);
    return sendJson(response, 200, nodeStatsSummary(node, [...context.store.objects('pods')], Date.now(), context.secondMs));
  }

  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments[1] === 'v1') {
    group = '';
    version = 'v1';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments[1] !== undefined) {
    group = segments[1];
    if (segments[2] === undefined) {
      const document = apiGroup(group, context.served);
      if (document === undefined) throw pathNotFound();
      return sendJson(response, 200, document);
    }
    version = segments[2];
    rest = segments.slice(3);
  } else {
    throw pathNotFound();
  }
  if (rest.length === 0) {
    const document = apiResourceList(group, version, context.served);
    if (document === undefined) throw pathNotFound();
    return sendJson(response, 200, document);
  }
  const target = parseTarget(group, version, rest);
  if (target === undefined || !context.served(target.resource)) throw pathNotFound();
  return serve(context, request, response, url, method, target);
}

/** [res], [res, name], [res, name, sub], [namespaces, ns, res], [namespaces, ns, res, name], [..., sub]. */
function parseTarget(group: string, version: string, rest: string[]): Target | undefined {
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const [, namespace, name, objectName, subresource, extra] = rest;
    if (extra !== undefined || namespace === undefined || name === undefined) return undefined;
    const resource = resourceAt(group, version, name);
    if (resource === undefined || !resourceTypes[resource].namespaced) return undefined;
    return { resource, namespace, name: objectName, subresource };
  }
  const [name, objectName, subresource, extra] = rest;
  if (extra !== undefined || name === undefined) return undefined;
  const resource = resourceAt(group, version, name);
  if (resource === undefined) return undefined;
  // A namespaced resource without a namespace is only a collection (list/watch across namespaces).
  if (resourceTypes[resource].namespaced && objectName !== undefined) return undefined;
  return { resource, namespace: undefined, name: objectName, subresource };
}

async function serve(context: ApiContext, request: IncomingMessage, response: ServerResponse, url: URL, method: string, target: Target): Promise<void> {
  const { resource, namespace, name, subresource } = target;
  if (name === undefined) {
    if (method === 'GET') return serveCollection(context, request, response, url, target);
    if (method === 'POST') {
      if (namespace === undefined && resourceTypes[resource].namespaced) throw methodNotAllowed(method);
      const options = writeOptions(request, url, 'CreateOptions', undefined);
      return sendJson(response, 201, context.objects.create(resource, namespace, await readJsonBody(request), options));
    }
    throw methodNotAllowed(method);
  }
  if (subresource !== undefined) return serveSubresource(context, request, response, url, method, { ...target, name });
  switch (method) {
    case 'GET': {
      const object = context.objects.get(resource, namespace, name);
      const table = acceptsTable(request.headers.accept);
      const body = table ? toTable(resource, [object], object.metadata.resourceVersion, parseIncludeObject(url.searchParams.get('includeObject')), Date.now()) : object;
      return sendJson(response, 200, body);
    }
    case 'PUT': {
      const options = writeOptions(request, url, 'UpdateOptions', undefined);
      return sendJson(response, 200, context.objects.replace(resource, namespace, name, await readJsonBody(request), options));
    }
    case 'PATCH': {
      const type = patchTypeOf(request.headers['content-type']);
      const options = writeOptions(request, url, 'PatchOptions', type);
      const { object, created } = context.objects.patch(resource, namespace, name, type, await readJsonBody(request), options);
      return sendJson(response, created ? 201 : 200, object);
    }
    case 'DELETE': {
      const options = deleteOptions(url, await readOptionalJsonBody(request));
      const { object, warnings } = context.objects.remove(resource, namespace, name, options);
      return sendJson(response, 200, object, warnings);
    }
    default:
      throw methodNotAllowed(method);
  }
}

async function serveSubresource(
  context: ApiContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  method: string,
  target: Target & { name: string },
): Promise<void> {
  const { resource, namespace, name, subresource } = target;
  if (resource === 'pods' && subresource === 'log' && namespace !== undefined) {
    requireMethod(method, ['GET']);
    return sendPodLog(context, response, url, namespace, name);
  }
  if (resource === 'pods' && subresource === 'eviction' && namespace !== undefined) {
    requireMethod(method, ['POST']);
    const body = await readJsonBody(request);
    const kind = typeof body === 'object' && body !== null ? (body as { kind?: unknown }).kind : undefined;
    if (kind !== undefined && kind !== 'Eviction' && kind !== 'DeleteOptions')
      throw badRequest(`expected an Eviction object, got ${typeof kind === 'string' ? kind : JSON.stringify(kind)}`);
    const fromBody = typeof body === 'object' && body !== null ? (body as { deleteOptions?: unknown }).deleteOptions : undefined;
    context.objects.evict(namespace, name, { dryRun: deleteOptions(url, fromBody).dryRun === true });
    return sendJson(response, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }
  if (subresource === 'scale' && isScalable(resource) && namespace !== undefined) {
    if (method === 'GET') return sendJson(response, 200, context.objects.scaleOf(resource, namespace, name));
    if (method === 'PUT') {
      const options = writeOptions(request, url, 'UpdateOptions', undefined);
      return sendJson(response, 200, context.objects.setScale(resource, namespace, name, 'replace', await readJsonBody(request), options));
    }
    if (method === 'PATCH') {
      const type = patchTypeOf(request.headers['content-type']);
      if (type === 'apply') throw new ApiError(415, 'UnsupportedMediaType', 'the scale subresource does not accept server-side apply in the simulator');
      const options = writeOptions(request, url, 'PatchOptions', type);
      return sendJson(response, 200, context.objects.setScale(resource, namespace, name, type, await readJsonBody(request), options));
    }
    throw methodNotAllowed(method);
  }
  if (subresource === 'status' && resourceTypes[resource].subresources.some((entry) => entry.name === 'status')) {
    requireMethod(method, ['GET']);
    return sendJson(response, 200, context.objects.get(resource, namespace, name));
  }
  throw pathNotFound();
}

function serveCollection(context: ApiContext, request: IncomingMessage, response: ServerResponse, url: URL, target: Target): void {
  const { resource, namespace } = target;
  const type = resourceTypes[resource];
  const table = acceptsTable(request.headers.accept);
  const includeObject = parseIncludeObject(url.searchParams.get('includeObject'));
  const labelSelector = selector(() => parseLabelSelector(url.searchParams.get('labelSelector')));
  const fieldSelector = selector(() => parseFieldSelector(url.searchParams.get('fieldSelector'), type.fieldNames));
  const watch = url.searchParams.get('watch');
  if (watch === 'true' || watch === '1') {
    const timeoutSeconds = optionalInteger(url.searchParams.get('timeoutSeconds'), 'timeoutSeconds');
    context.hub.open(response, {
      resource,
      namespace,
      labelSelector,
      fieldSelector,
      resourceVersion: listError(() => parseVersion(url.searchParams.get('resourceVersion') ?? undefined)),
      allowBookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
      timeoutSeconds,
      table: table ? { includeObject } : undefined,
    });
    return;
  }
  const limit = optionalInteger(url.searchParams.get('limit'), 'limit');
  const result = listError(() =>
    context.lists.list({
      resource,
      namespace,
      labelSelector,
      fieldSelector,
      limit,
      continueToken: url.searchParams.get('continue') ?? undefined,
      resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
      resourceVersionMatch: url.searchParams.get('resourceVersionMatch') ?? undefined,
    }),
  );
  if (table) {
    return sendJson(response, 200, toTable(resource, result.items, result.resourceVersion, includeObject, Date.now(), result.continueToken));
  }
  sendJson(response, 200, {
    kind: type.listKind,
    apiVersion: apiVersionOf(resource),
    metadata: {
      resourceVersion: result.resourceVersion,
      ...(result.continueToken === undefined ? {} : { continue: result.continueToken }),
      ...(result.remainingItemCount === undefined ? {} : { remainingItemCount: result.remainingItemCount }),
    },
    items: result.items,
  });
}

/** metrics.k8s.io as metrics-server serves it through the aggregation layer: get and list, no watch. */
function serveMetrics(context: ApiContext, response: ServerResponse, method: string, rest: string[]): void {
  const mode = context.metricsMode();
  if (mode === 'off') throw pathNotFound();
  if (mode === 'unavailable') throw new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
  if (rest.length === 0) return sendJson(response, 200, { kind: 'APIGroup', apiVersion: 'v1', ...metricsGroupDocument() });
  if (rest[0] !== METRICS_VERSION) throw pathNotFound();
  if (rest.length === 1) return sendJson(response, 200, metricsResourceList());
  requireMethod(method, ['GET']);
  const now = Date.now();
  const pods = (namespace?: string) => [...context.store.objects('pods', namespace)];
  const list = (kind: string, items: unknown[]) => sendJson(response, 200, { kind, apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, metadata: {}, items });
  const [resource, name, extra] = rest.slice(1);
  if (resource === 'nodes' && extra === undefined) {
    const all = pods();
    if (name === undefined)
      return list(
        'NodeMetricsList',
        [...context.store.objects('nodes')].map((node) => nodeMetricsObject(node, all, now, context.secondMs)),
      );
    const node = context.store.get('nodes', objectKey(undefined, name));
    if (node === undefined) throw new ApiError(404, 'NotFound', `nodemetrics.metrics.k8s.io "${name}" not found`);
    return sendJson(response, 200, nodeMetricsObject(node, all, now, context.secondMs));
  }
  if (resource === 'pods' && name === undefined) return list('PodMetricsList', podMetricsOf(pods(), now, context.secondMs));
  if (resource === 'namespaces' && name !== undefined && extra === 'pods') {
    const [podName, tooMuch] = rest.slice(4);
    if (tooMuch !== undefined) throw pathNotFound();
    if (podName === undefined) return list('PodMetricsList', podMetricsOf(pods(name), now, context.secondMs));
    const pod = context.store.get('pods', objectKey(name, podName));
    const metrics = pod === undefined ? undefined : podMetricsObject(pod, now, context.secondMs);
    if (metrics === undefined) throw new ApiError(404, 'NotFound', `podmetrics.metrics.k8s.io "${podName}" not found`);
    return sendJson(response, 200, metrics);
  }
  throw pathNotFound();
}

function podMetricsOf(pods: readonly PodObject[], now: number, secondMs: number): unknown[] {
  return pods.map((pod) => podMetricsObject(pod, now, secondMs)).filter((item) => item !== undefined);
}

function sendPodLog(context: ApiContext, response: ServerResponse, url: URL, namespace: string, name: string): void {
  const pod = context.store.get('pods', objectKey(namespace, name));
  if (pod === undefined) throw objectNotFound('pods', name);
  const names = pod.spec.containers.map((container) => container.name);
  const initNames = (pod.spec.initContainers ?? []).map((container) => container.name);
  const requested = url.searchParams.get('container');
  const container = requested ?? (names.length === 1 ? names[0] : undefined);
  if (container === undefined) {
    const init = initNames.length > 0 ? ` or one of the init containers: [${initNames.join(' ')}]` : '';
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]${init}`);
  }
  if (!names.includes(container) && !initNames.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  if (pod.status.phase === 'Pending') {
    const statuses = [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])];
    const reason = statuses.find((status) => status.name === container)?.state.waiting?.reason ?? 'ContainerCreating';
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  }
  if (url.searchParams.get('previous') === 'true') {
    const status = pod.status.containerStatuses?.find((entry) => entry.name === container);
    if (status?.lastState.terminated === undefined) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  }
  const options = {
    tailLines: optionalInteger(url.searchParams.get('tailLines'), 'tailLines'),
    sinceSeconds: optionalInteger(url.searchParams.get('sinceSeconds'), 'sinceSeconds'),
    sinceTime: optionalTime(url.searchParams.get('sinceTime'), 'sinceTime'),
    timestamps: url.searchParams.get('timestamps') === 'true',
    previous: url.searchParams.get('previous') === 'true',
  };
  const follow = url.searchParams.get('follow') === 'true';
  // An init container has completed once the pod runs: its log is all there, nothing to follow.
  if (follow && !options.previous && isRunningPod(pod) && !initNames.includes(container)) {
    context.logs.follow(pod, container, response, options);
    return;
  }
  sendText(response, 200, context.logs.read(pod, container, options));
}

function isRunningPod(pod: PodObject): boolean {
  return pod.status.phase === 'Running' || pod.status.phase === 'Pending';
}

function versionInfo(gitVersion: string): unknown {
  const match = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: match?.[1] ?? '1',
    minor: match?.[2] ?? '31',
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-12-10T00:00:00Z',
    goVersion: 'go1.22.10',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function selector(parse: () => Selector): Selector {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
}

function listError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ListError) throw new ApiError(error.code, error.reason, error.message);
    throw error;
  }
}

function optionalInteger(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw badRequest(`invalid ${name}: ${JSON.stringify(text)}`);
  return Number(text);
}

/** An RFC3339 time, as epoch ms. */
function optionalTime(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(time)) throw badRequest(`invalid ${name}: ${JSON.stringify(text)}`);
  return time;
}

function requireMethod(method: string, allowed: readonly string[]): void {
  if (!allowed.includes(method)) throw methodNotAllowed(method);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const text = await readBody(request);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest(
      (request.headers['content-type'] ?? '').startsWith('application/apply-patch+yaml')
        ? 'the simulated apiserver accepts server-side apply bodies in JSON (the form kubectl sends), not YAML'
        : 'the request body is not valid JSON',
    );
  }
}

async function readOptionalJsonBody(request: IncomingMessage): Promise<unknown> {
  const text = await readBody(request);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
}

function sendJson(response: ServerResponse, code: number, body: unknown, warnings: readonly string[] = []): void {
  const text = JSON.stringify(body);
  response.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...(warnings.length === 0 ? {} : { Warning: warnings.map((warning) => `299 - ${JSON.stringify(warning)}`) }),
  });
  response.end(text);
}

function sendText(response: ServerResponse, code: number, text: string): void {
  response.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function sendError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof ApiError) {
    sendJson(response, error.code, statusObject(error.code, error.reason, error.message, error.details));
    return;
  }
  if (error instanceof ObjectMissing) {
    sendJson(response, 404, statusObject(404, 'NotFound', error.message));
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(response, 500, statusObject(500, 'InternalError', `Internal error occurred: ${message}`));
}
