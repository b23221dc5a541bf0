/**
 * What every simulated controller works with, and small helpers they share (owner references,
 * template hashes, pod readiness, status writes that skip no-op updates).
 */
import { createHash } from 'node:crypto';
import type { ClusterState } from '../cluster-state.js';
import type { OwnerReference, PodObject } from '../k8s-types.js';
import type { KubeObject, ObjectReference, PodTemplateObject } from '../object-types.js';
import { apiVersionOf, objectKey, resourceOfKind, type ResourceName } from '../resources.js';
import type { ObjectFor, ObjectStore } from '../store.js';
import type { EventRecorder } from './events.js';
import type { Kubelet } from './kubelet.js';

export interface ControllerContext {
  readonly store: ObjectStore;
  readonly state: ClusterState;
  readonly events: EventRecorder;
  readonly kubelet: Kubelet;
  /** Seeding: new pods start in their settled phase at once and no events are recorded. */
  readonly instant: boolean;
  readonly pace: Pace;
  /** Reconcile `resource/key` again after `delayMs` (deadlines and delays objects declare). */
  requeueAfter(resource: ResourceName, key: string, delayMs: number): void;
  /** The next address a cloud load balancer gets. */
  loadBalancerIP(): string;
  /** The address of the cluster's ingress controller (the same for every Ingress). */
  ingressAddress(): string;
  /**
   * Time left (ms) on a wait the controllers keep outside the objects (a load balancer being made),
   * started by the first call for `key`; `started` tells that first call apart.
   */
  waitFor(key: string, delayMs: number): { remainingMs: number; started: boolean };
  /** Forgets a wait (done, or no longer wanted). */
  endWait(key: string): void;
  /** Pod templates by revision name, as ControllerRevisions keep them (StatefulSet partitions need the current one). */
  readonly templates: Map<string, PodTemplateObject>;
}

/** How fast simulated time goes where objects declare durations. */
export interface Pace {
  /** Length of one second of the durations objects declare (progressDeadlineSeconds, minReadySeconds, probe delays, back-off), in ms. */
  readonly secondMs: number;
  /** Until a LoadBalancer Service gets its ingress address, in ms. */
  readonly loadBalancerDelayMs: number;
}

export function ownerReference(object: KubeObject): OwnerReference {
  const resource = resourceOfKind(object.kind);
  return {
    apiVersion: resource === undefined ? 'v1' : apiVersionOf(resource),
    kind: object.kind,
    name: object.metadata.name,
    uid: object.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function referenceTo(object: KubeObject, fieldPath?: string): ObjectReference {
  const resource = resourceOfKind(object.kind);
  return {
    apiVersion: resource === undefined ? 'v1' : apiVersionOf(resource),
    kind: object.kind,
    name: object.metadata.name,
    ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    uid: object.metadata.uid,
    resourceVersion: object.metadata.resourceVersion,
    ...(fieldPath === undefined ? {} : { fieldPath }),
  };
}

export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((reference) => reference.controller === true);
}

/** Objects of `resource` controlled by `owner` (not merely referencing it). */
export function controlled<R extends ResourceName>(store: ObjectStore, resource: R, owner: KubeObject): Array<ObjectFor<R>> {
  return store.dependents(resource, owner.metadata.uid).filter((object) => controllerOf(object)?.uid === owner.metadata.uid);
}

/** JSON with sorted keys, so equal content hashes equally whatever order a patch left keys in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A short stable hash in the alphabet controllers use for pod-template-hash and revisions. */
export function shortHash(text: string, length = 10): string {
  const digest = createHash('sha256').update(text).digest();
  let hash = '';
  for (let index = 0; index < length; index += 1) hash += SAFE_ALPHABET[(digest[index] ?? 0) % SAFE_ALPHABET.length];
  return hash;
}

export function isTerminal(pod: PodObject): boolean {
  return pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed';
}

export function isActive(pod: PodObject): boolean {
  return !isTerminal(pod) && pod.metadata.deletionTimestamp === undefined;
}

export function isReady(pod: PodObject): boolean {
  return pod.status.phase === 'Running' && pod.status.conditions.some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

/** Writes `status` only when it differs, so reconciling a settled object changes nothing. */
export function writeStatus<R extends ResourceName>(store: ObjectStore, resource: R, object: ObjectFor<R>, status: unknown): void {
  const current = (object as { status?: unknown }).status;
  if (canonicalJson(current) === canonicalJson(status)) return;
  store.update(resource, objectKey(object.metadata.namespace, object.metadata.name), (draft) => {
    (draft as { status?: unknown }).status = status;
  });
}

/** An intOrString like "25%" or 2, resolved against `total`. */
export function resolveIntOrPercent(value: number | string | undefined, total: number, roundUp: boolean, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) return Number.isFinite(Number(value)) ? Number(value) : fallback;
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** A condition list entry that keeps its transition time while its status stays the same. */
export function condition(
  previous: ReadonlyArray<{ type: string; status: string; lastTransitionTime?: string; lastUpdateTime?: string; reason?: string }> | undefined,
  type: string,
  ok: boolean,
  reason: string,
  message: string,
  at: string,
) {
  const before = previous?.find((entry) => entry.type === type);
  const status = ok ? ('True' as const) : ('False' as const);
  const unchanged = before !== undefined && before.status === status;
  return {
    type,
    status,
    lastUpdateTime: unchanged && before.reason === reason ? (before.lastUpdateTime ?? at) : at,
    lastTransitionTime: unchanged ? (before.lastTransitionTime ?? at) : at,
    reason,
    message,
  };
}
