/**
 * One simulated cluster: a kube-apiserver on 127.0.0.1 over real HTTP, backed by the in-memory
 * store, with hooks for tests to change objects and to inject faults.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApiHandler } from './api-server.js';
import { ClusterState, type NodeSpec, type PodSpec } from './cluster-state.js';
import type { NamespaceObject, NodeObject, PodObject } from './k8s-types.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { ListService } from './lists.js';
import { objectKey } from './resources.js';
import { Scenario, type ScenarioOptions } from './scenario.js';
import { ObjectStore } from './store.js';
import { simulatorCaCertificate, simulatorServerCertificate, simulatorServerKey } from './tls-fixture.js';
import { WatchHub } from './watch-hub.js';

export interface SimulatedClusterOptions {
  /** Also the kubeconfig's cluster, user and context name. */
  name: string;
  /** Bearer token every request must carry (default: random). */
  token?: string;
  kubernetesVersion?: string;
  bookmarkIntervalMs?: number;
  /** Watch events kept for resuming; older resourceVersions get 410 Gone. */
  historyLimit?: number;
  /** Delay before a pod created over the API goes from Pending to Running (default 100 ms). */
  podStartDelayMs?: number;
  /**
   * Serve HTTPS (default true) with a fixture CA that the kubeconfig carries. Plain HTTP works for
   * @kubernetes/client-node (the kubeconfig then skips TLS verification) but not for kubectl,
   * which never sends a token over HTTP.
   */
  tls?: boolean;
}

/** Raw Kubernetes-shaped objects as the apiserver serves them. Treat as read-only. */
export type SimNode = NodeObject;
export type SimPod = PodObject;
export type SimNamespace = NamespaceObject;

export interface SimulatedCluster {
  readonly name: string;
  readonly url: string;
  readonly token: string;
  kubeconfig(): string;
  addNode(spec: NodeSpec): SimNode;
  updateNode(name: string, patch: Partial<NodeSpec>): void;
  removeNode(name: string): void;
  /** `createdAt` backdates the namespace (demo seeding); default now. */
  addNamespace(name: string, labels?: Record<string, string>, createdAt?: Date): void;
  removeNamespace(name: string): void;
  /** Creates the namespace too when it does not exist yet. */
  createPod(spec: PodSpec): SimPod;
  updatePod(namespace: string, name: string, mutate: (pod: SimPod) => void): void;
  deletePod(namespace: string, name: string): void;
  listPods(namespace?: string): ReadonlyArray<SimPod>;
  listNodes(): ReadonlyArray<SimNode>;
  listNamespaces(): ReadonlyArray<SimNamespace>;
  readonly resourceVersion: string;
  cutWatches(): void;
  compact(): void;
  silenceWatches(silent: boolean): void;
  setReachable(reachable: boolean): void;
  startScenario(options?: ScenarioOptions): void;
  stopScenario(): void;
  watchCount(): number;
  requestCount(path?: RegExp): number;
  close(): Promise<void>;
}

const ignore = (): undefined => undefined;

class SimulatedClusterServer implements SimulatedCluster {
  readonly name: string;
  readonly token: string;
  private readonly store: ObjectStore;
  private readonly state: ClusterState;
  private readonly hub: WatchHub;
  private readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  private readonly requests = new Map<string, number>();
  private readonly podStarts = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private port = 0;
  /** The latest listener transition (listen again, or stop); later ones chain after it. */
  private listening: Promise<void> = Promise.resolve();
  private scenario: Scenario | undefined;
  private closed = false;
  private wantReachable = true;

  constructor(private readonly options: SimulatedClusterOptions) {
    this.name = options.name;
    this.token = options.token ?? randomBytes(24).toString('base64url');
    this.hub = new WatchHub(() => this.store, options.bookmarkIntervalMs ?? 10_000);
    this.store = new ObjectStore(options.historyLimit ?? 10_000, (event) => this.hub.dispatch(event));
    this.state = new ClusterState(this.store, options.kubernetesVersion ?? 'v1.31.4', options.name);
    this.handler = createApiHandler({
      token: this.token,
      kubernetesVersion: options.kubernetesVersion ?? 'v1.31.4',
      store: this.store,
      state: this.state,
      hub: this.hub,
      lists: new ListService(() => this.store),
      startPodSoon: (namespace, name) => this.startPodSoon(namespace, name),
      countRequest: (url) => this.requests.set(url, (this.requests.get(url) ?? 0) + 1),
    });
  }

  get url(): string {
    return `${this.options.tls === false ? 'http' : 'https'}://127.0.0.1:${this.port}`;
  }

  get resourceVersion(): string {
    return String(this.store.resourceVersion);
  }

  async listen(): Promise<void> {
    this.listening = this.listenOn(this.port);
    await this.listening;
  }

  kubeconfig(): string {
    return kubeconfigYaml(this.name, this.url, this.token, this.options.tls === false ? undefined : simulatorCaCertificate);
  }

  addNode(spec: NodeSpec): SimNode {
    return this.state.addNode(spec);
  }

  updateNode(name: string, patch: Partial<NodeSpec>): void {
    this.state.updateNode(name, patch);
  }

  removeNode(name: string): void {
    this.state.removeNode(name);
  }

  addNamespace(name: string, labels?: Record<string, string>, createdAt?: Date): void {
    this.state.addNamespace(name, labels, createdAt);
  }

  removeNamespace(name: string): void {
    this.state.removeNamespace(name);
  }

  createPod(spec: PodSpec): SimPod {
    return this.state.createPod(spec);
  }

  updatePod(namespace: string, name: string, mutate: (pod: SimPod) => void): void {
    this.state.updatePod(namespace, name, mutate);
  }

  deletePod(namespace: string, name: string): void {
    this.state.deletePod(namespace, name);
  }

  listPods(namespace?: string): ReadonlyArray<SimPod> {
    return this.state.listPods(namespace);
  }

  listNodes(): ReadonlyArray<SimNode> {
    return [...this.store.objects('nodes')];
  }

  listNamespaces(): ReadonlyArray<SimNamespace> {
    return [...this.store.objects('namespaces')];
  }

  cutWatches(): void {
    this.hub.cutAll();
  }

  compact(): void {
    this.store.compact();
  }

  silenceWatches(silent: boolean): void {
    this.hub.setSilent(silent);
  }

  setReachable(reachable: boolean): void {
    if (this.closed) return;
    this.wantReachable = reachable;
    const previous = this.listening.catch(ignore);
    if (!reachable) {
      this.hub.cutAll();
      // Closing the listener is synchronous, so connections are refused from here on.
      const stopped = this.stopListening();
      this.listening = previous.then(() => stopped);
      return;
    }
    this.listening = previous.then(() => (this.server === undefined && this.wantReachable && !this.closed ? this.listenOn(this.port) : undefined));
    // A failure to listen again shows up as refused connections, and again in close().
    this.listening.catch(ignore);
  }

  startScenario(options?: ScenarioOptions): void {
    this.scenario?.stop();
    this.scenario = new Scenario(this.state, this.store, options);
    this.scenario.start();
  }

  stopScenario(): void {
    this.scenario?.stop();
    this.scenario = undefined;
  }

  watchCount(): number {
    return this.hub.count;
  }

  requestCount(path?: RegExp): number {
    let total = 0;
    for (const [url, count] of this.requests) {
      if (path === undefined || path.test(url)) total += count;
    }
    return total;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopScenario();
    for (const timer of this.podStarts) clearTimeout(timer);
    this.podStarts.clear();
    this.hub.close();
    await this.listening.catch(ignore);
    await this.stopListening();
  }

  private startPodSoon(namespace: string, name: string): void {
    const timer = setTimeout(() => {
      this.podStarts.delete(timer);
      const pod = this.store.get('pods', objectKey(namespace, name));
      if (pod?.status.phase === 'Pending') this.state.setPhase(namespace, name, 'Running');
    }, this.options.podStartDelayMs ?? 100);
    this.podStarts.add(timer);
  }

  private async listenOn(port: number): Promise<void> {
    const server: Server =
      this.options.tls === false
        ? createHttpServer(this.handler)
        : createHttpsServer({ cert: simulatorServerCertificate, key: simulatorServerKey }, this.handler);
    this.server = server;
    // The same port again after an outage; retry briefly in case it is not free yet.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' || attempt >= 50 || this.server !== server) {
          if (this.server === server) this.server = undefined;
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    this.port = (server.address() as AddressInfo).port;
    // Told to go away (or closed) while this listen was in flight.
    if (!this.wantReachable || this.closed) await this.stopListening();
  }

  private stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined || !server.listening) return Promise.resolve();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    return closed;
  }
}

export async function startSimulatedCluster(options: SimulatedClusterOptions): Promise<SimulatedCluster> {
  const cluster = new SimulatedClusterServer(options);
  await cluster.listen();
  return cluster;
}
