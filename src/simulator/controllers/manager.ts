/**
 * The simulated kube-controller-manager: watches every change in the store (without scanning:
 * each event marks the few objects it concerns), and reconciles what was marked shortly after,
 * in batches, until nothing changes. Also the garbage collector (controllers/garbage-collector.ts)
 * and requeues after a delay (progress deadlines, minReadySeconds, load balancers coming up).
 */
import type { ClusterState } from '../cluster-state.js';
import type { PodObject } from '../k8s-types.js';
import type { PersistentVolumeClaimObject, PodTemplateObject } from '../object-types.js';
import { FOREGROUND_FINALIZER, hasFinalizer, isDeleting, ownerOf } from '../deletion.js';
import { objectKey, resourceOfKind, type ResourceName } from '../resources.js';
import type { ChangeEvent, ObjectStore } from '../store.js';
import { controllerOf, type ControllerContext, type Pace } from './context.js';
import { reconcileDaemonSet } from './daemonsets.js';
import { reconcileDeployment } from './deployments.js';
import { budgetMatches, reconcileBudget } from './disruption.js';
import type { EventRecorder } from './events.js';
import { reconcileCronJob, reconcileJob } from './jobs.js';
import type { Kubelet } from './kubelet.js';
import { reconcileReplicaSet } from './replicasets.js';
import { reconcileStatefulSet } from './statefulsets.js';
import { collectDependents, collectForeground } from './garbage-collector.js';
import { reconcileIngress } from './ingresses.js';
import { reconcileService } from './services.js';
import { claimsUsedBy, markClaimLost, reconcileClaim, releaseVolume } from './storage.js';
import { reconcileScan, scanKey, scannedOwnerOf, type ScannerSettings } from './vulnerability-scanner.js';

type Reconciled =
  | 'deployments'
  | 'replicasets'
  | 'statefulsets'
  | 'daemonsets'
  | 'jobs'
  | 'cronjobs'
  | 'poddisruptionbudgets'
  | 'persistentvolumeclaims'
  | 'services'
  | 'ingresses'
  | 'vulnerabilityreports';
/** Reconciles per batch before yielding to I/O, so a large change does not stall the server. */
const BATCH_LIMIT = 5_000;

export class ControllerManager {
  private readonly dirty = new Set<string>();
  private readonly orphanedOwners = new Set<string>();
  /** `resource|key` of owners being deleted in the foreground, to look at again. */
  private readonly foregroundOwners = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private nextLoadBalancerIP = 240;
  private ingressIP: string | undefined;
  private readonly waits = new Map<string, number>();
  private readonly templates = new Map<string, PodTemplateObject>();
  private scheduled: NodeJS.Immediate | undefined;
  private nodesChanged = false;
  private instant = false;
  private closed = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly state: ClusterState,
    private readonly events: EventRecorder,
    private readonly kubelet: Kubelet,
    private readonly pace: Pace,
    private readonly scanner: ScannerSettings = { enabled: false, scanDelayMs: 0, scanned: new Set() },
  ) {}

  /** Called for every change event, in order. Only marks; never writes. */
  observe(event: ChangeEvent): void {
    const object = event.object;
    const namespace = object.metadata.namespace ?? '';
    switch (event.resource) {
      case 'pods': {
        const owner = controllerOf(object);
        const ownerResource = owner === undefined ? undefined : resourceOfKind(owner.kind);
        if (owner !== undefined && ownerResource !== undefined) this.mark(ownerResource, objectKey(namespace, owner.name));
        this.markBudgets(event);
        const scanned = event.type === 'DELETED' || !this.scanner.enabled ? undefined : scannedOwnerOf(object);
        if (scanned !== undefined) this.mark('vulnerabilityreports', scanKey(namespace, scanned.resource, scanned.name));
        break;
      }
      case 'nodes':
        this.nodesChanged = true;
        for (const daemonSet of this.store.objects('daemonsets')) this.mark('daemonsets', objectKey(daemonSet.metadata.namespace, daemonSet.metadata.name));
        break;
      case 'replicasets':
      case 'jobs': {
        const owner = controllerOf(object);
        const ownerResource = owner === undefined ? undefined : resourceOfKind(owner.kind);
        if (owner !== undefined && ownerResource !== undefined) this.mark(ownerResource, objectKey(namespace, owner.name));
        if (event.type !== 'DELETED') this.mark(event.resource, objectKey(namespace, object.metadata.name));
        break;
      }
      case 'deployments':
      case 'statefulsets':
      case 'daemonsets':
      case 'cronjobs':
      case 'poddisruptionbudgets':
        if (event.type !== 'DELETED') this.mark(event.resource, objectKey(namespace, object.metadata.name));
        break;
      case 'persistentvolumeclaims':
        if (event.type === 'DELETED') this.releaseLater(object as PersistentVolumeClaimObject);
        else this.mark('persistentvolumeclaims', objectKey(namespace, object.metadata.name));
        break;
      case 'persistentvolumes':
        if (event.type === 'DELETED') this.lostVolumes.push(object.metadata.name);
        break;
      case 'services':
        if (event.type !== 'DELETED') this.mark('services', objectKey(namespace, object.metadata.name));
        else this.waits.delete(`load-balancer/${object.metadata.uid}`);
        break;
      case 'ingresses':
        if (event.type !== 'DELETED') this.mark('ingresses', objectKey(namespace, object.metadata.name));
        else this.waits.delete(`ingress/${object.metadata.uid}`);
        break;
      default:
        break;
    }
    if (event.resource === 'pods' && event.type === 'ADDED') {
      for (const claim of claimsUsedBy(object as PodObject)) this.mark('persistentvolumeclaims', objectKey(namespace, claim));
    }
    if (event.type === 'DELETED' && event.resource !== 'events') {
      this.orphanedOwners.add(object.metadata.uid);
      // An owner deleted in the foreground may now be free to go.
      for (const reference of object.metadata.ownerReferences ?? []) {
        const owner = ownerOf(this.store, reference, object);
        if (owner !== undefined && isDeleting(owner.object))
          this.foregroundOwners.add(`${owner.resource}|${objectKey(owner.object.metadata.namespace, owner.object.metadata.name)}`);
      }
    } else if (isDeleting(object) && hasFinalizer(object, FOREGROUND_FINALIZER)) {
      this.foregroundOwners.add(`${event.resource}|${objectKey(object.metadata.namespace, object.metadata.name)}`);
    }
    this.schedule();
  }

  /** Marks `resource/key` for reconciling again in `delayMs` (the earliest request wins). */
  requeueAfter(resource: ResourceName, key: string, delayMs: number): void {
    if (this.closed || this.instant) return;
    const entry = `${resource}|${key}`;
    const at = Date.now() + delayMs;
    const existing = this.timers.get(entry);
    if (existing !== undefined && existing.at <= at) return;
    if (existing !== undefined) clearTimeout(existing.timer);
    const timer = setTimeout(
      () => {
        this.timers.delete(entry);
        this.dirty.add(entry);
        this.flush();
      },
      Math.max(0, delayMs),
    );
    this.timers.set(entry, { at, timer });
  }

  /** Runs `change` and reconciles everything it caused right away, settled (seeding). */
  settle<T>(change: () => T): T {
    const wasInstant = this.instant;
    this.instant = true;
    const wasEnabled = this.events.enabled;
    this.events.enabled = false;
    try {
      const result = change();
      this.flush(Number.POSITIVE_INFINITY);
      return result;
    } finally {
      this.instant = wasInstant;
      this.events.enabled = wasEnabled;
    }
  }

  /** Reconciles everything marked so far (tests and the control API call this to be synchronous). */
  flush(limit = BATCH_LIMIT): void {
    let done = 0;
    while (
      (this.dirty.size > 0 ||
        this.orphanedOwners.size > 0 ||
        this.foregroundOwners.size > 0 ||
        this.nodesChanged ||
        this.pendingReleases.length > 0 ||
        this.lostVolumes.length > 0) &&
      done < limit
    ) {
      if (this.nodesChanged) {
        this.nodesChanged = false;
        for (const pod of this.state.retryUnscheduled()) this.kubelet.startSoon(pod);
      }
      for (const claim of this.pendingReleases.splice(0)) releaseVolume(this.context(), claim);
      for (const volume of this.lostVolumes.splice(0)) markClaimLost(this.context(), volume);
      const owners = [...this.orphanedOwners];
      this.orphanedOwners.clear();
      for (const uid of owners) collectDependents(this.context(), uid);
      const foreground = [...this.foregroundOwners];
      this.foregroundOwners.clear();
      for (const entry of foreground) {
        const separator = entry.indexOf('|');
        collectForeground(this.context(), entry.slice(0, separator) as ResourceName, entry.slice(separator + 1));
      }
      const batch = [...this.dirty];
      this.dirty.clear();
      for (const entry of batch) {
        this.reconcile(entry);
        done += 1;
      }
    }
    if (this.dirty.size > 0 || this.orphanedOwners.size > 0 || this.foregroundOwners.size > 0) this.schedule();
  }

  context(): ControllerContext {
    return {
      store: this.store,
      state: this.state,
      events: this.events,
      kubelet: this.kubelet,
      instant: this.instant,
      pace: this.pace,
      requeueAfter: (resource, key, delayMs) => this.requeueAfter(resource, key, delayMs),
      loadBalancerIP: () => `192.168.100.${this.nextLoadBalancerIP++ % 256}`,
      ingressAddress: () => (this.ingressIP ??= `192.168.100.${this.nextLoadBalancerIP++ % 256}`),
      waitFor: (key, delayMs) => {
        const now = Date.now();
        const due = this.waits.get(key);
        if (due === undefined) this.waits.set(key, now + delayMs);
        return { remainingMs: Math.max(0, (due ?? now + delayMs) - now), started: due === undefined };
      },
      endWait: (key) => this.waits.delete(key),
      templates: this.templates,
    };
  }

  close(): void {
    this.closed = true;
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private readonly pendingReleases: PersistentVolumeClaimObject[] = [];
  private readonly lostVolumes: string[] = [];

  private releaseLater(claim: PersistentVolumeClaimObject): void {
    this.pendingReleases.push(claim);
  }

  private mark(resource: ResourceName, key: string): void {
    this.dirty.add(`${resource}|${key}`);
  }

  /** Budgets in the pod's namespace that matched it before or after the change (few per namespace). */
  private markBudgets(event: ChangeEvent): void {
    const pod = event.object as PodObject;
    for (const budget of this.store.objects('poddisruptionbudgets', pod.metadata.namespace)) {
      const before = event.previous !== undefined && budgetMatches(budget, event.previous as PodObject);
      if (before || budgetMatches(budget, pod)) this.mark('poddisruptionbudgets', objectKey(budget.metadata.namespace, budget.metadata.name));
    }
  }

  private schedule(): void {
    if (this.scheduled !== undefined || this.closed || this.instant) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.flush();
    });
  }

  private reconcile(entry: string): void {
    const separator = entry.indexOf('|');
    const resource = entry.slice(0, separator) as Reconciled;
    const key = entry.slice(separator + 1);
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const context = this.context();
    switch (resource) {
      case 'deployments':
        return reconcileDeployment(context, namespace, name);
      case 'replicasets':
        return reconcileReplicaSet(context, namespace, name);
      case 'statefulsets':
        return reconcileStatefulSet(context, namespace, name);
      case 'daemonsets':
        return reconcileDaemonSet(context, namespace, name);
      case 'jobs':
        return reconcileJob(context, namespace, name);
      case 'cronjobs':
        return reconcileCronJob(context, namespace, name);
      case 'poddisruptionbudgets':
        return reconcileBudget(this.store, namespace, name);
      case 'persistentvolumeclaims':
        return reconcileClaim(context, namespace, name);
      case 'services':
        return reconcileService(context, namespace, name);
      case 'ingresses':
        return reconcileIngress(context, namespace, name);
      case 'vulnerabilityreports':
        return reconcileScan(context, this.scanner, key);
    }
  }
}
