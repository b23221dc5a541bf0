/**
 * The HTTP face of the simulator: authentication, discovery, and the REST paths of nodes,
 * namespaces and pods (list, watch, get, create, delete, log), answering with the same status
 * codes and `Status` bodies the real kube-apiserver uses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { podSpecFromObject, type ClusterState } from './cluster-state.js';
import { statusObject, type PodObject } from './k8s-types.js';
import { ListError, parseVersion, type ListService } from './lists.js';
import { objectKey, isResourceName, resourceTypes, type ResourceName } from './resources.js';
import { parseFieldSelector, parseLabelSelector, SelectorError, type Selector } from './selectors.js';
import { ObjectConflict, ObjectMissing, type ObjectStore } from './store.js';
import { acceptsTable, parseIncludeObject, toTable } from './tables.js';
import type { WatchHub } from './watch-hub.js';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface ApiContext {
  readonly token: string;
  readonly kubernetesVersion: string;
  readonly store: ObjectStore;
  readonly state: ClusterState;
  readonly hub: WatchHub;
  readonly lists: ListService;
  /** A pod created over the API starts Pending; the simulated kubelet starts it shortly after. */
  startPodSoon(namespace: string, name: string): void;
  countRequest(url: string): void;
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; kind?: string },
  ) {
    super(message);
  }
}

export function createApiHandler(context: ApiContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    context.countRequest(request.url ?? '/');
    handle(context, request, response).catch((error: unknown) => sendError(response, error));
  };
}

async function handle(context: ApiContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://simulator');
  if (request.headers.authorization !== `Bearer ${context.token}`) {
    throw new HttpError(401, 'Unauthorized', 'Unauthorized');
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
    case '/api/v1':
      return sendJson(response, 200, apiResourceList());
    case '/apis':
      return sendJson(response, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
  }

  if (segments[0] !== 'api' || segments[1] !== 'v1') throw notFound();
  const rest = segments.slice(2);
  // /api/v1/{nodes|namespaces|pods}[/{name}]
  if (rest.length <= 2 && rest[0] !== undefined && isResourceName(rest[0]) && !(rest.length === 2 && rest[0] === 'pods')) {
    return serveResource(context, request, response, url, method, rest[0], undefined, rest[1]);
  }
  // /api/v1/namespaces/{ns}/pods[/{name}[/log]]
  if (rest[0] === 'namespaces' && rest[1] !== undefined && rest[2] === 'pods' && rest.length <= 5) {
    const namespace = rest[1];
    const name = rest[3];
    if (rest.length === 5) {
      if (rest[4] !== 'log' || name === undefined) throw notFound();
      requireMethod(method, ['GET']);
      return sendPodLog(context, response, url, namespace, name);
    }
    return serveResource(context, request, response, url, method, 'pods', namespace, name);
  }
  throw notFound();
}

async function serveResource(
  context: ApiContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  method: string,
  resource: ResourceName,
  namespace: string | undefined,
  name: string | undefined,
): Promise<void> {
  const type = resourceTypes[resource];
  const table = acceptsTable(request.headers.accept);
  const includeObject = parseIncludeObject(url.searchParams.get('includeObject'));
  if (name !== undefined) {
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    if (method === 'GET') {
      const object = context.store.get(resource, key);
      if (object === undefined) throw objectNotFound(resource, name);
      const body = table ? toTable(resource, [object], object.metadata.resourceVersion, includeObject, Date.now()) : object;
      return sendJson(response, 200, body);
    }
    if (method === 'DELETE' && resource === 'pods' && namespace !== undefined) {
      if (context.store.get('pods', key) === undefined) throw objectNotFound(resource, name);
      return sendJson(response, 200, context.state.deletePod(namespace, name));
    }
    throw methodNotAllowed(method);
  }
  if (method === 'POST' && resource === 'pods' && namespace !== undefined) {
    return sendJson(response, 201, createPod(context, namespace, await readJsonBody(request)));
  }
  requireMethod(method, ['GET']);
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
    apiVersion: 'v1',
    metadata: {
      resourceVersion: result.resourceVersion,
      ...(result.continueToken === undefined ? {} : { continue: result.continueToken }),
      ...(result.remainingItemCount === undefined ? {} : { remainingItemCount: result.remainingItemCount }),
    },
    items: result.items,
  });
}

function createPod(context: ApiContext, namespace: string, body: unknown): PodObject {
  if (typeof body !== 'object' || body === null) throw new HttpError(400, 'BadRequest', 'the request body is not a Pod object');
  const manifest = body as Partial<PodObject> & { metadata?: Partial<PodObject['metadata']> };
  if (manifest.kind !== undefined && manifest.kind !== 'Pod') {
    throw new HttpError(400, 'BadRequest', `the API version in the data (${String(manifest.apiVersion)}) does not match the expected API version (v1)`);
  }
  const metadata: Partial<PodObject['metadata']> = manifest.metadata ?? {};
  if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
    throw new HttpError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  }
  if (!context.state.hasNamespace(namespace)) throw new HttpError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
  const containers = Array.isArray(manifest.spec?.containers) ? manifest.spec.containers : [];
  const invalid = (message: string) => new HttpError(422, 'Invalid', `Pod "${metadata.name ?? ''}" is invalid: ${message}`, { name: metadata.name ?? '', kind: 'Pod' });
  if (!metadata.name && !metadata.generateName) throw invalid('metadata.name: Required value: name or generateName is required');
  if (containers.length === 0) throw invalid('spec.containers: Required value');
  if (containers.some((container) => typeof container.name !== 'string' || typeof container.image !== 'string')) {
    throw invalid('spec.containers: each container needs a name and an image');
  }
  const spec = podSpecFromObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: metadata.name ?? '',
      namespace,
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      ...(metadata.generateName === undefined ? {} : { generateName: metadata.generateName }),
      ...(metadata.labels === undefined ? {} : { labels: metadata.labels }),
      ...(metadata.annotations === undefined ? {} : { annotations: metadata.annotations }),
      ...(metadata.ownerReferences === undefined ? {} : { ownerReferences: metadata.ownerReferences }),
    },
    spec: {
      containers: containers.map((container) => ({ ...container, resources: container.resources ?? {} })),
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      ...(manifest.spec?.tolerations === undefined ? {} : { tolerations: manifest.spec.tolerations }),
      ...(manifest.spec?.hostNetwork === true ? { hostNetwork: true } : {}),
    },
    status: { phase: 'Pending', conditions: [] },
  });
  if (metadata.name) spec.name = metadata.name;
  if (manifest.spec?.nodeName !== undefined) spec.nodeName = manifest.spec.nodeName;
  spec.phase = 'Pending';
  try {
    const created = context.state.createPod(spec);
    if (created.spec.nodeName !== undefined) context.startPodSoon(namespace, created.metadata.name);
    return created;
  } catch (error) {
    if (error instanceof ObjectConflict) {
      throw new HttpError(409, 'AlreadyExists', `pods "${metadata.name ?? ''}" already exists`, { name: metadata.name ?? '', kind: 'pods' });
    }
    throw error;
  }
}

function sendPodLog(context: ApiContext, response: ServerResponse, url: URL, namespace: string, name: string): void {
  const pod = context.state.getPod(namespace, name);
  if (pod === undefined) throw objectNotFound('pods', name);
  const names = pod.spec.containers.map((container) => container.name);
  const requested = url.searchParams.get('container');
  const container = requested ?? (names.length === 1 ? names[0] : undefined);
  if (container === undefined) {
    throw new HttpError(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
  }
  if (!names.includes(container)) throw new HttpError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
  const startedAt = pod.status.startTime ?? pod.metadata.creationTimestamp;
  const lines = [
    `${startedAt} INFO starting ${container} (${pod.spec.containers.find((entry) => entry.name === container)?.image ?? ''})`,
    `${startedAt} INFO ${pod.metadata.namespace}/${pod.metadata.name} listening`,
    `${startedAt} INFO ready`,
  ];
  sendText(response, 200, `${lines.join('\n')}\n`);
}

function apiResourceList(): unknown {
  const resources: Array<Record<string, unknown>> = Object.values(resourceTypes).map((type) => ({
    name: type.name,
    singularName: type.singularName,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
    shortNames: type.shortNames,
    ...(type.name === 'pods' ? { categories: ['all'] } : {}),
  }));
  resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'], shortNames: [] });
  return { kind: 'APIResourceList', groupVersion: 'v1', resources };
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
    if (error instanceof SelectorError) throw new HttpError(400, 'BadRequest', error.message);
    throw error;
  }
}

function listError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ListError) throw new HttpError(error.code, error.reason, error.message);
    throw error;
  }
}

function optionalInteger(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new HttpError(400, 'BadRequest', `invalid ${name}: ${JSON.stringify(text)}`);
  return Number(text);
}

function requireMethod(method: string, allowed: readonly string[]): void {
  if (!allowed.includes(method)) throw methodNotAllowed(method);
}

function methodNotAllowed(method: string): HttpError {
  return new HttpError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
}

function notFound(): HttpError {
  return new HttpError(404, 'NotFound', 'the server could not find the requested resource');
}

function objectNotFound(resource: ResourceName, name: string): HttpError {
  return new HttpError(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'BadRequest', 'the request body is not valid JSON');
  }
}

function sendJson(response: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
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
  if (error instanceof HttpError) {
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
