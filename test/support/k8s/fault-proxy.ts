/**
 * A plain node:http server in front of a simulated apiserver (started with `tls: false`) that
 * forwards every request, except those a test hands to a fault: answer a watch with a plain list,
 * close the connection, answer 410 or 403, and so on. The gateway reaches it through the real
 * @kubernetes/client-node, so a fault looks to it exactly as it would from a misbehaving proxy.
 */
import { createServer, request as forwardRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kubeconfigYaml } from '../../../src/simulator/kubeconfig.js';

/** Answers the request itself and returns true, or returns false to let it through. */
export type Fault = (request: IncomingMessage, response: ServerResponse) => boolean;

export class FaultProxy {
  /** Path and query of every request received, in order. */
  readonly requests: string[] = [];
  private readonly faults = new Set<Fault>();
  /** Forwarded answers still streaming, by path and query. */
  private readonly open = new Map<ServerResponse, string>();

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
    private readonly name: string,
    private readonly token: string,
  ) {}

  static async start(upstream: { readonly url: string; readonly name: string; readonly token: string }): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, new URL(upstream.url), upstream.name, upstream.token);
    server.on('request', (request, response) => proxy.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A kubeconfig for the proxy (plain HTTP: the gateway needs `insecureTransport` allowed). */
  kubeconfig(): string {
    return kubeconfigYaml(this.name, this.url, this.token);
  }

  /** Adds a fault; returns its removal. */
  inject(fault: Fault): () => void {
    this.faults.add(fault);
    return () => this.faults.delete(fault);
  }

  /** Drops every forwarded answer still streaming whose path matches, mid-stream; returns how many. */
  cutOpen(pattern: RegExp): number {
    let cut = 0;
    for (const [response, path] of this.open) {
      if (!pattern.test(path)) continue;
      response.socket?.destroy();
      response.destroy();
      cut += 1;
    }
    return cut;
  }

  /** How many forwarded answers to matching paths are still streaming. */
  openCount(pattern: RegExp): number {
    return [...this.open.values()].filter((path) => pattern.test(path)).length;
  }

  /** Client connections open to the proxy now: every socket the gateway holds to this cluster. */
  connections(): Promise<number> {
    return new Promise((resolve, reject) => this.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
  }

  count(pattern: RegExp): number {
    return this.requests.filter((path) => pattern.test(path)).length;
  }

  async close(): Promise<void> {
    this.faults.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.requests.push(request.url ?? '');
    for (const fault of this.faults) {
      if (fault(request, response)) return;
    }
    const upstream = forwardRequest({ host: this.upstream.hostname, port: this.upstream.port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      this.open.set(response, request.url ?? '');
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      response.flushHeaders();
      answer.pipe(response);
      // A watch cut upstream must reach the client as a cut, not as a clean end.
      answer.on('aborted', () => response.destroy());
      answer.on('error', () => response.destroy());
    });
    upstream.on('error', () => response.destroy());
    // The client went away (aborted watch): stop the upstream stream too.
    response.on('close', () => {
      this.open.delete(response);
      upstream.destroy();
    });
    request.pipe(upstream);
  }
}

/** True for a watch request on exactly this collection path. */
export function isWatchOn(request: IncomingMessage, collectionPath: string): boolean {
  const url = new URL(request.url ?? '/', 'http://proxy');
  return url.pathname === collectionPath && url.searchParams.get('watch') === 'true';
}

/** True for a list (not watch) request on exactly this collection path. */
export function isListOn(request: IncomingMessage, collectionPath: string): boolean {
  const url = new URL(request.url ?? '/', 'http://proxy');
  return url.pathname === collectionPath && url.searchParams.get('watch') !== 'true';
}

/** A Kubernetes Status body, as the apiserver answers errors. */
export function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/** Answers with a Status error and ends. */
export function answerStatus(response: ServerResponse, code: number, reason: string, message: string): true {
  response.writeHead(code, { 'Content-Type': 'application/json' });
  response.end(statusBody(code, reason, message));
  return true;
}
