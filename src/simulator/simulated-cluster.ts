/**
 * One simulated cluster: a kube-apiserver on 127.0.0.1 over real HTTP, backed by the in-memory
 * store, with hooks for tests to change objects and to inject faults.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ApiError } from './api-errors.js';
import { createApiHandler } from './api-server.js';
import { ClusterState, type NodeSpec, type PodSpec } from './cluster-state.js';
import {
  cronJobManifest,
  daemonSetManifest,
  deploymentManifest,
  jobManifest,
  persistentVolumeClaimManifest,
  persistentVolumeManifest,
  podDisruptionBudgetManifest,
  serviceManifest,
  statefulSetManifest,
  storageClassManifest,
  type CronJobSpec,
  type DaemonSetSpec,
  type DeploymentSpec,
  type EventSpec,
  type JobSpec,
  type PersistentVolumeClaimSpec,
  type PersistentVolumeSpec,
  type PodDisruptionBudgetSpec,
  type ServiceSpec,
  type StatefulSetSpec,
  type StorageClassSpec,
} from './control-specs.js';
import { EventRecorder } from './controllers/events.js';
import { triggerCronJob } from './controllers/jobs.js';
import { Kubelet } from './controllers/kubelet.js';
import { ControllerManager } from './controllers/manager.js';
import type { NamespaceObject, NodeObject, PodObject } from './k8s-types.js';
import { kubeconfigYaml } from './kubeconfig.js';
import type { MetricsServerMode } from './metrics-server.js';
import { ListService } from './lists.js';
import { ObjectService } from './object-service.js';
import type { EventObject, JobObject, KubeObject, ObjectTypes, ResourceName, VulnerabilityObject, VulnerabilityReportObject } from './object-types.js';
import { reportObject, writeReport } from './controllers/vulnerability-scanner.js';
import { PodLogs } from './pod-logs.js';
import { objectKey, resourceOfKind, resourceTypes } from './resources.js';
import { Scenario, type ScenarioOptions } from './scenario.js';
import { ObjectStore, type ObjectFor } from './store.js';
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
  /** Delay before a new pod (over the API or from a controller) goes from Pending to Running (default 100 ms). */
  podStartDelayMs?: number;
  /**
   * After its containers start, until a pod is Ready (default 0: at once), plus each container's
   * readinessProbe.initialDelaySeconds. A rollout moves one readiness at a time, so this sets its pace.
   */
  podReadyDelayMs?: number;
  /**
   * Length of one second, in ms, of the durations objects declare: progressDeadlineSeconds,
   * minReadySeconds, probe delays, crash-loop back-off (10 s doubling to 5 min). Default 1000;
   * tests shrink it to see a deadline pass quickly.
   */
  simulatedSecondMs?: number;
  /** Until a LoadBalancer Service gets its external address (default 500 ms; at once when seeded settled). */
  loadBalancerDelayMs?: number;
  /** How long a job pod runs before it completes, unless its job says (default 1000 ms). */
  jobRunMs?: number;
  /** How often running pods write a log line (followed pods always do; default 1000 ms). */
  logIntervalMs?: number;
  /** Pace of build pods' log lines, in ms (default 150). */
  buildLineIntervalMs?: number;
  /** Events kept; the oldest go first (default 1000). */
  maxEvents?: number;
  /**
   * Serve HTTPS (default true) with a fixture CA that the kubeconfig carries. Plain HTTP works for
   * @kubernetes/client-node (the kubeconfig then skips TLS verification) but not for kubectl,
   * which never sends a token over HTTP.
   */
  tls?: boolean;
  /**
   * Whether Trivy Operator runs here (default true): its VulnerabilityReport CRD is served and each
   * workload container gets a report. False: the aquasecurity.github.io group is not there at all.
   */
  vulnerabilityReports?: boolean;
  /** From a new image's first pod to its VulnerabilityReport (default 500 ms; images seen before: at once). */
  vulnerabilityScanDelayMs?: number;
  /** metrics.k8s.io: served (default), absent as without metrics-server, or answering 503. */
  metricsServer?: MetricsServerMode;
}

/** A report as a test sets it: for a container of a ReplicaSet, StatefulSet, DaemonSet or Job. */
export interface VulnerabilityReportSpec {
  namespace: string;
  owner: { kind: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job'; name: string };
  container: string;
  image: string;
  /** Default: the simulated scanner's findings for the image. */
  vulnerabilities?: VulnerabilityObject[];
  /** Default: the digest pods report for the image. */
  digest?: string;
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
  /** Watch streams open now, on every resource or on one (e.g. 'pods'). */
  watchCount(resource?: ResourceName): number;
  requestCount(path?: RegExp): number;
  /** Every response (and watch start) is delayed by this much: a slow cluster. 0 turns it off. */
  setLatency(ms: number): void;
  /** Installs, removes or breaks metrics-server (metrics.k8s.io) from now on. */
  setMetricsServer(mode: MetricsServerMode): void;

  // Workloads, network, storage and policy. Each returns the stored object once its controllers
  // have settled: pods already running (seeding), unless `settled: false` asks for a live start.
  addDeployment(spec: DeploymentSpec, options?: AddOptions): ObjectTypes['deployments'];
  addStatefulSet(spec: StatefulSetSpec, options?: AddOptions): ObjectTypes['statefulsets'];
  addDaemonSet(spec: DaemonSetSpec, options?: AddOptions): ObjectTypes['daemonsets'];
  addJob(spec: JobSpec, options?: AddOptions): ObjectTypes['jobs'];
  addCronJob(spec: CronJobSpec, options?: AddOptions): ObjectTypes['cronjobs'];
  /** A run of the CronJob now (there is no wall clock): creates its Job, whose pods then run. */
  triggerCronJob(namespace: string, name: string, options?: { settled?: boolean; at?: Date }): JobObject;
  addService(spec: ServiceSpec): ObjectTypes['services'];
  addPersistentVolume(spec: PersistentVolumeSpec): ObjectTypes['persistentvolumes'];
  /** Binds to a fitting volume, or provisions one when its storage class has a provisioner. */
  addPersistentVolumeClaim(spec: PersistentVolumeClaimSpec): ObjectTypes['persistentvolumeclaims'];
  addStorageClass(spec: StorageClassSpec): ObjectTypes['storageclasses'];
  addPodDisruptionBudget(spec: PodDisruptionBudgetSpec): ObjectTypes['poddisruptionbudgets'];
  /** A core/v1 Event; repeats of the same one count up. Undefined when its namespace does not exist. */
  recordEvent(spec: EventSpec): EventObject | undefined;
  /** Creates or replaces the VulnerabilityReport of a container (named as Trivy Operator names it). */
  putVulnerabilityReport(spec: VulnerabilityReportSpec): VulnerabilityReportObject;
  /** Writes a line to a container's log (streamed to `logs -f` followers). */
  appendPodLog(namespace: string, name: string, container: string, line: string): void;
  /** Any served object, e.g. getObject('deployments', 'shop', 'web'). */
  getObject<R extends ResourceName>(resource: R, namespace: string | undefined, name: string): ObjectFor<R> | undefined;
  listObjects<R extends ResourceName>(resource: R, namespace?: string): ReadonlyArray<ObjectFor<R>>;
  /** A JSON merge patch, as `kubectl patch --type=merge` sends (e.g. `{ spec: { replicas: 3 } }`). */
  patchObject<R extends ResourceName>(resource: R, namespace: string | undefined, name: string, patch: unknown): ObjectFor<R>;
  /** Runs the controllers now on whatever changed (they otherwise run right after each change). */
  reconcile(): void;
  /**
   * Calls `listener` with every stored change from now on, in order, as it happens (no HTTP): a
   * test waits on these instead of sleeping. Returns the function that stops it.
   */
  onChange(listener: (change: ObjectChange) => void): () => void;
  /** Resolves with the first change from now on that `accept`s; rejects after `timeoutMs` (default 10 s). */
  nextChange(accept: (change: ObjectChange) => boolean, timeoutMs?: number): Promise<ObjectChange>;
  close(): Promise<void>;
}

/** A change to a stored object, as a watch would report it. */
export interface ObjectChange {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly resource: ResourceName;
  /** The object after the change (for DELETED, its last state). Read-only. */
  readonly object: KubeObject;
}

export interface AddOptions {
  /** Default true: created as if it had been running a while. False: pods start Pending and come up live. */
  settled?: boolean;
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
  private readonly logs = new PodLogs();
  private readonly events: EventRecorder;
  private readonly kubelet: Kubelet;
  private readonly controllers: ControllerManager;
  private readonly objects: ObjectService;
  private latencyMs = 0;
  private metricsMode: MetricsServerMode;
  private readonly listeners = new Set<(change: ObjectChange) => void>();
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
    this.metricsMode = options.metricsServer ?? 'on';
    this.hub = new WatchHub(() => this.store, options.bookmarkIntervalMs ?? 10_000);
    this.store = new ObjectStore(options.historyLimit ?? 10_000, (event) => {
      this.hub.dispatch(event);
      this.logs.observe(event);
      this.controllers.observe(event);
      for (const listener of [...this.listeners]) listener({ type: event.type, resource: event.resource, object: event.object });
    });
    this.state = new ClusterState(this.store, options.kubernetesVersion ?? 'v1.31.4', options.name);
    this.events = new EventRecorder(this.store, options.maxEvents ?? 1000);
    this.kubelet = new Kubelet(this.store, this.state, this.events, this.logs, {
      startDelayMs: options.podStartDelayMs ?? 100,
      jobRunMs: options.jobRunMs ?? 1000,
      chatterIntervalMs: options.logIntervalMs ?? 1000,
      ...(options.buildLineIntervalMs !== undefined ? { buildLineIntervalMs: options.buildLineIntervalMs } : {}),
      readyDelayMs: options.podReadyDelayMs ?? 0,
      secondMs: options.simulatedSecondMs ?? 1000,
    });
    this.controllers = new ControllerManager(
      this.store,
      this.state,
      this.events,
      this.kubelet,
      { secondMs: options.simulatedSecondMs ?? 1000, loadBalancerDelayMs: options.loadBalancerDelayMs ?? 500 },
      { enabled: options.vulnerabilityReports !== false, scanDelayMs: options.vulnerabilityScanDelayMs ?? 500, scanned: new Set() },
    );
    this.objects = new ObjectService(this.store, this.state, this.controllers, this.kubelet, this.events);
    this.handler = createApiHandler({
      token: this.token,
      kubernetesVersion: options.kubernetesVersion ?? 'v1.31.4',
      store: this.store,
      state: this.state,
      hub: this.hub,
      lists: new ListService(() => this.store),
      objects: this.objects,
      logs: this.logs,
      served: (resource) => resource !== 'vulnerabilityreports' || options.vulnerabilityReports !== false,
      latencyMs: () => this.latencyMs,
      countRequest: (url) => this.requests.set(url, (this.requests.get(url) ?? 0) + 1),
      metricsMode: () => this.metricsMode,
      secondMs: options.simulatedSecondMs ?? 1000,
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
    this.scenario = new Scenario(this, options);
    this.scenario.start();
  }

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a non-negative number of ms, got ${ms}`);
    this.latencyMs = ms;
  }

  setMetricsServer(mode: MetricsServerMode): void {
    this.metricsMode = mode;
  }

  addDeployment(spec: DeploymentSpec, options?: AddOptions): ObjectTypes['deployments'] {
    return this.add('deployments', spec.namespace, deploymentManifest(spec), spec.createdAt, options);
  }

  addStatefulSet(spec: StatefulSetSpec, options?: AddOptions): ObjectTypes['statefulsets'] {
    return this.add('statefulsets', spec.namespace, statefulSetManifest(spec), spec.createdAt, options);
  }

  addDaemonSet(spec: DaemonSetSpec, options?: AddOptions): ObjectTypes['daemonsets'] {
    return this.add('daemonsets', spec.namespace, daemonSetManifest(spec), spec.createdAt, options);
  }

  addJob(spec: JobSpec, options?: AddOptions): ObjectTypes['jobs'] {
    return this.add('jobs', spec.namespace, jobManifest(spec), spec.createdAt, options);
  }

  addCronJob(spec: CronJobSpec, options?: AddOptions): ObjectTypes['cronjobs'] {
    return this.add('cronjobs', spec.namespace, cronJobManifest(spec), spec.createdAt, options);
  }

  triggerCronJob(namespace: string, name: string, options: { settled?: boolean; at?: Date } = {}): JobObject {
    const run = () => triggerCronJob(this.controllers.context(), namespace, name, options.at);
    const job = options.settled === true ? this.controllers.settle(run) : run();
    this.controllers.flush();
    return this.store.get('jobs', objectKey(namespace, job.metadata.name)) ?? job;
  }

  addService(spec: ServiceSpec): ObjectTypes['services'] {
    return this.add('services', spec.namespace, serviceManifest(spec), spec.createdAt);
  }

  addPersistentVolume(spec: PersistentVolumeSpec): ObjectTypes['persistentvolumes'] {
    return this.add('persistentvolumes', undefined, persistentVolumeManifest(spec), spec.createdAt);
  }

  addPersistentVolumeClaim(spec: PersistentVolumeClaimSpec): ObjectTypes['persistentvolumeclaims'] {
    return this.add('persistentvolumeclaims', spec.namespace, persistentVolumeClaimManifest(spec), spec.createdAt);
  }

  addStorageClass(spec: StorageClassSpec): ObjectTypes['storageclasses'] {
    return this.add('storageclasses', undefined, storageClassManifest(spec), spec.createdAt);
  }

  addPodDisruptionBudget(spec: PodDisruptionBudgetSpec): ObjectTypes['poddisruptionbudgets'] {
    return this.add('poddisruptionbudgets', spec.namespace, podDisruptionBudgetManifest(spec), spec.createdAt);
  }

  recordEvent(spec: EventSpec): EventObject | undefined {
    const involved = spec.involvedObject;
    const resource = Object.values(resourceTypes).find((type) => type.kind === involved.kind)?.name;
    const live = resource === undefined ? undefined : this.store.get(resource, objectKey(resourceTypes[resource].namespaced ? involved.namespace : undefined, involved.name));
    return this.events.record({
      involvedObject: live ?? {
        apiVersion: involved.apiVersion ?? 'v1',
        kind: involved.kind,
        name: involved.name,
        ...(involved.namespace === undefined ? {} : { namespace: involved.namespace }),
        ...(involved.uid === undefined ? {} : { uid: involved.uid }),
      },
      reason: spec.reason,
      message: spec.message,
      ...(spec.type === undefined ? {} : { type: spec.type }),
      ...(spec.source === undefined ? {} : { source: spec.source }),
      ...(spec.at === undefined ? {} : { at: spec.at }),
    });
  }

  putVulnerabilityReport(spec: VulnerabilityReportSpec): VulnerabilityReportObject {
    if (this.options.vulnerabilityReports === false) throw new Error('this cluster runs without Trivy Operator (vulnerabilityReports: false)');
    const resource = resourceOfKind(spec.owner.kind);
    const owner = resource === undefined ? undefined : this.store.get(resource, objectKey(spec.namespace, spec.owner.name));
    if (owner === undefined) throw new Error(`${spec.owner.kind} "${spec.owner.name}" not found in namespace "${spec.namespace}"`);
    return writeReport(
      { store: this.store },
      reportObject({
        owner,
        container: spec.container,
        image: spec.image,
        ...(spec.vulnerabilities === undefined ? {} : { vulnerabilities: spec.vulnerabilities }),
        ...(spec.digest === undefined ? {} : { digest: spec.digest }),
      }),
    );
  }

  appendPodLog(namespace: string, name: string, container: string, line: string): void {
    const pod = this.store.get('pods', objectKey(namespace, name));
    if (pod === undefined) throw new Error(`pods "${name}" not found in namespace "${namespace}"`);
    if (!pod.spec.containers.some((entry) => entry.name === container)) throw new Error(`container ${container} is not valid for pod ${name}`);
    this.logs.append(pod, container, line);
  }

  getObject<R extends ResourceName>(resource: R, namespace: string | undefined, name: string): ObjectFor<R> | undefined {
    return this.store.get(resource, objectKey(resourceTypes[resource].namespaced ? namespace : undefined, name));
  }

  listObjects<R extends ResourceName>(resource: R, namespace?: string): ReadonlyArray<ObjectFor<R>> {
    return [...this.store.objects(resource, namespace)];
  }

  patchObject<R extends ResourceName>(resource: R, namespace: string | undefined, name: string, patch: unknown): ObjectFor<R> {
    try {
      return this.objects.patch(resource, namespace, name, 'merge', patch).object as ObjectFor<R>;
    } catch (error) {
      if (error instanceof ApiError) throw new Error(error.message, { cause: error });
      throw error;
    }
  }

  reconcile(): void {
    this.controllers.flush(Number.POSITIVE_INFINITY);
  }

  onChange(listener: (change: ObjectChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  nextChange(accept: (change: ObjectChange) => boolean, timeoutMs = 10_000): Promise<ObjectChange> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no matching change within ${timeoutMs} ms`));
      }, timeoutMs);
      const stop = this.onChange((change) => {
        if (!accept(change)) return;
        clearTimeout(timer);
        stop();
        resolve(change);
      });
    });
  }

  /** Creates through the same path as a POST; control-API errors are plain Errors with the apiserver's message. */
  private add<R extends ResourceName>(resource: R, namespace: string | undefined, manifest: unknown, createdAt: Date | undefined, options: AddOptions = {}): ObjectFor<R> {
    if (namespace !== undefined && !this.state.hasNamespace(namespace)) this.state.addNamespace(namespace, {}, createdAt);
    try {
      const created = this.objects.create(resource, namespace, manifest, { settled: options.settled !== false, ...(createdAt === undefined ? {} : { createdAt }) });
      if (options.settled === false) this.controllers.flush();
      return (this.store.get(resource, objectKey(created.metadata.namespace, created.metadata.name)) ?? created) as ObjectFor<R>;
    } catch (error) {
      if (error instanceof ApiError) throw new Error(error.message, { cause: error });
      throw error;
    }
  }

  stopScenario(): void {
    this.scenario?.stop();
    this.scenario = undefined;
  }

  watchCount(resource?: ResourceName): number {
    return resource === undefined ? this.hub.count : this.hub.countOf(resource);
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
    this.controllers.close();
    this.kubelet.close();
    this.logs.close();
    this.hub.close();
    await this.listening.catch(ignore);
    await this.stopListening();
  }

  private async listenOn(port: number): Promise<void> {
    const server: Server =
      this.options.tls === false ? createHttpServer(this.handler) : createHttpsServer({ cert: simulatorServerCertificate, key: simulatorServerKey }, this.handler);
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
