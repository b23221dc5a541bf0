/**
 * The two apiserver calls a reflector makes, behind a port so the reflector logic can be tested
 * with fakes. The real implementation uses @kubernetes/client-node 2: its KubeConfig for
 * authentication/TLS, its `Watch` for the chunked watch stream, and its fetch-based HTTP library
 * for raw list requests (raw so list items are plain JSON exactly like watch objects).
 */
import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, Watch, type KubeConfig } from '@kubernetes/client-node';
import { asArray, asNumber, asRecord, asString } from './raw-object.js';

export interface ListRequest {
  readonly limit?: number;
  readonly continueToken?: string;
  readonly signal: AbortSignal;
}

export interface ListPage {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
}

export interface WatchRequest {
  readonly resourceVersion?: string;
  readonly timeoutSeconds: number;
  readonly allowWatchBookmarks: boolean;
}

export interface WatchCallbacks {
  /**
   * One decoded watch event: ADDED | MODIFIED | DELETED | BOOKMARK | ERROR. `type` is undefined
   * for a JSON line that is no watch event at all (a server answering with a plain list).
   */
  onEvent(type: string | undefined, object: unknown): void;
  /** The stream ended: cleanly (no error) or not. Called at most once, only after `watch` resolved. */
  onDone(error?: unknown): void;
}

export interface WatchHandle {
  abort(): void;
}

export interface ReflectorTransport {
  list(path: string, request: ListRequest): Promise<ListPage>;
  /** Resolves once the apiserver accepted the watch (HTTP 200); rejects when it did not. */
  watch(path: string, request: WatchRequest, callbacks: WatchCallbacks): Promise<WatchHandle>;
}

/** An HTTP status from the apiserver (or a watch ERROR event carrying one). */
export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export function isGone(error: unknown): boolean {
  return error instanceof KubeApiError && error.statusCode === 410;
}

/** Builds the error a Kubernetes `Status` object describes (list error body or watch ERROR event). */
export function errorFromStatus(status: unknown, fallbackCode = 500): KubeApiError {
  const record = asRecord(status);
  const code = asNumber(record['code']) || fallbackCode;
  const reason = asString(record['reason']);
  const message = asString(record['message']) ?? reason ?? `HTTP ${code}`;
  return new KubeApiError(code, message, reason);
}

/** Readable one-line description, including the network cause undici hides behind "fetch failed". */
export function describeError(error: unknown): string {
  const message = messageOf(error);
  const cause = messageOf((error as { cause?: unknown } | null)?.cause);
  return cause === undefined || cause === message ? (message ?? String(error)) : `${message ?? String(error)} (${cause})`;
}

/** Duck-typed: errors from another realm (vm contexts, test runners) are not `instanceof Error`. */
function messageOf(value: unknown): string | undefined {
  const message = (value as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

export interface KubeApiTransportOptions {
  /** Connect timeout and inactivity timeout for watch streams (client-node defaults to 30 s). */
  readonly watchInactivityMs: number;
  readonly listTimeoutMs: number;
}

export class KubeApiTransport implements ReflectorTransport {
  private readonly watcher: Watch;
  private readonly http = new IsomorphicFetchHttpLibrary();

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly options: KubeApiTransportOptions,
  ) {
    this.watcher = new Watch(kubeConfig);
    // `requestTimeoutMs` is private in the typings but is the knob Watch uses for its
    // connect/inactivity abort; left at 30 s it would cut quiet watches before our own deadline.
    Object.assign(this.watcher, { requestTimeoutMs: options.watchInactivityMs });
  }

  async list(path: string, request: ListRequest): Promise<ListPage> {
    const url = new URL(this.serverUrl() + path);
    if (request.limit !== undefined) url.searchParams.set('limit', String(request.limit));
    if (request.continueToken !== undefined) url.searchParams.set('continue', request.continueToken);
    const context = new RequestContext(url.toString(), HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    await this.kubeConfig.applySecurityAuthentication(context);
    context.setSignal(AbortSignal.any([request.signal, AbortSignal.timeout(this.options.listTimeoutMs)]));
    const response = await this.http.send(context).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode !== 200) {
      throw errorFromStatus(parseJson(text), response.httpStatusCode);
    }
    const body = asRecord(parseJson(text));
    const metadata = asRecord(body['metadata']);
    const resourceVersion = asString(metadata['resourceVersion']);
    if (resourceVersion === undefined) throw new Error(`List ${path} returned no resourceVersion`);
    const continueToken = asString(metadata['continue']);
    return {
      items: asArray(body['items']),
      resourceVersion,
      ...(continueToken === undefined ? {} : { continueToken }),
    };
  }

  async watch(path: string, request: WatchRequest, callbacks: WatchCallbacks): Promise<WatchHandle> {
    let accepted = false;
    let endedEarly = false;
    let earlyError: unknown;
    const query: Record<string, string | number | boolean | undefined> = {
      resourceVersion: request.resourceVersion,
      allowWatchBookmarks: request.allowWatchBookmarks,
      timeoutSeconds: request.timeoutSeconds,
    };
    const controller = await this.watcher.watch(
      path,
      query,
      // client-node passes the line's `type` unchecked: undefined when the line is not an event.
      (type: unknown, object: unknown) => callbacks.onEvent(typeof type === 'string' ? type : undefined, object),
      (error: unknown) => {
        if (!accepted) {
          // Watch reports a refused connection or a non-200 status through `done` before it returns.
          endedEarly = true;
          earlyError = error;
          return;
        }
        callbacks.onDone(error === null || error === undefined ? undefined : normalizeError(error));
      },
    );
    accepted = true;
    const handle: WatchHandle = { abort: () => controller.abort() };
    if (endedEarly) {
      if (earlyError !== null && earlyError !== undefined) throw normalizeError(earlyError);
      queueMicrotask(() => callbacks.onDone(undefined));
    }
    return handle;
  }

  private serverUrl(): string {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('Kubeconfig has no current cluster');
    return cluster.server.replace(/\/+$/, '');
  }
}

function normalizeError(error: unknown): unknown {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && !(error instanceof KubeApiError)) {
    return new KubeApiError(statusCode, error instanceof Error ? error.message : `HTTP ${statusCode}`);
  }
  return error;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
