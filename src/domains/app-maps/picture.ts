/**
 * A map's picture: which objects of its namespace belong to it, how they connect, and the verdict.
 * Pure: the same records and cache contents always give the same picture (the resolvers and the
 * live stream both draw it with these functions).
 */
import { compileLabelSelector, type LabelMatcher } from '../../shared/label-selector.js';
import { claimHealth, podHealth, serviceHealth, workloadHealth, worstOf, type Health, type JudgedObject } from './health.js';
import type { ClusterFacts, MapClaim, MapEvent, MapPod, MapService, MapWorkload, NamespaceObjects } from './objects.js';
import type { AppMapGroupRecord, AppMapRecord } from './records.js';

/** The newest events a picture keeps. */
export const MAX_PICTURE_EVENTS = 100;

export interface Judged<T> {
  readonly object: T;
  readonly health: Health;
}

export interface WorkloadInPicture extends Judged<MapWorkload> {
  /** The first group of the map that holds it; null when none does. */
  readonly group: string | null;
}

export interface PodInPicture extends Judged<MapPod> {
  /** The map's workload whose selector takes the pod; null for a pod the map's selector takes alone. */
  readonly workload: string | null;
}

export interface ServiceInPicture extends Judged<MapService> {
  /** The map's workloads whose pods it sends traffic to. */
  readonly workloads: readonly string[];
}

export interface ClaimInPicture extends Judged<MapClaim> {
  /** The map's workloads that mount it (or claim it through a StatefulSet's claim template). */
  readonly workloads: readonly string[];
}

export interface GroupInPicture {
  readonly group: AppMapGroupRecord;
  readonly workloads: readonly string[];
  readonly health: Health;
}

export interface ReplicaTotals {
  readonly desired: number;
  readonly ready: number;
  readonly available: number;
  readonly updated: number;
}

export interface Picture {
  readonly workloads: readonly WorkloadInPicture[];
  readonly pods: readonly PodInPicture[];
  readonly services: readonly ServiceInPicture[];
  readonly claims: readonly ClaimInPicture[];
  /** Newest first, at most MAX_PICTURE_EVENTS. */
  readonly events: readonly MapEvent[];
  readonly groups: readonly GroupInPicture[];
  readonly replicas: ReplicaTotals;
  readonly health: Health;
}

export interface PictureInput {
  readonly map: AppMapRecord;
  /** null: the cluster is not registered any more. */
  readonly cluster: ClusterFacts | null;
  /** Whether the map's namespace is still allotted to its workspace. */
  readonly allotted: boolean;
  /** null: the caches cannot answer (the cluster is not connected). */
  readonly objects: NamespaceObjects | null;
}

const NO_REPLICAS: ReplicaTotals = { desired: 0, ready: 0, available: 0, updated: 0 };

function includesAll(labels: Readonly<Record<string, string>> | undefined, wanted: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(wanted);
  return entries.length > 0 && labels !== undefined && entries.every(([key, value]) => labels[key] === value);
}

function byName<T extends { readonly name: string }>(left: T, right: T): number {
  return left.name < right.name ? -1 : left.name > right.name ? 1 : 0;
}

function byKindAndName(left: MapWorkload, right: MapWorkload): number {
  return left.kind < right.kind ? -1 : left.kind > right.kind ? 1 : byName(left, right);
}

/** Compiled selectors of a map, kept per record (a record is immutable; the stream draws the same map often). */
const matchers = new WeakMap<AppMapRecord, { readonly map: LabelMatcher; readonly groups: readonly LabelMatcher[] }>();

function matchersOf(map: AppMapRecord) {
  let compiled = matchers.get(map);
  if (compiled === undefined) {
    compiled = {
      map: compileLabelSelector(map.selector),
      groups: map.groups.map((group) => (group.selector === null ? () => false : compileLabelSelector(group.selector))),
    };
    matchers.set(map, compiled);
  }
  return compiled;
}

/**
 * Objects indexed by each of their labels (`key=value`), so finding what a selector takes looks at
 * the objects that carry its first label, not at the whole namespace: a map is redrawn at every
 * change of a rollout, and a namespace may hold thousands of pods.
 */
class LabelIndex<T> {
  private readonly byLabel = new Map<string, T[]>();

  constructor(
    items: readonly T[],
    private readonly labelsOf: (item: T) => Readonly<Record<string, string>> | undefined,
  ) {
    for (const item of items) {
      for (const [key, value] of Object.entries(labelsOf(item) ?? {})) {
        const label = `${key}=${value}`;
        const bucket = this.byLabel.get(label);
        if (bucket === undefined) this.byLabel.set(label, [item]);
        else bucket.push(item);
      }
    }
  }

  /** The items whose labels include every label of a non-empty selector, in their original order. */
  taking(selector: Readonly<Record<string, string>>): T[] {
    const [first] = Object.entries(selector);
    if (first === undefined) return [];
    return (this.byLabel.get(`${first[0]}=${first[1]}`) ?? []).filter((item) => includesAll(this.labelsOf(item), selector));
  }
}

/** A StatefulSet's claim from a template: `<template>-<statefulset>-<ordinal>`. */
function claimedByTemplate(claim: MapClaim, workload: MapWorkload): boolean {
  return (workload.claimTemplates ?? []).some((template) => {
    const prefix = `${template}-${workload.name}-`;
    return claim.name.startsWith(prefix) && /^\d+$/.test(claim.name.slice(prefix.length));
  });
}

function missing(reason: string): Picture {
  return { workloads: [], pods: [], services: [], claims: [], events: [], groups: [], replicas: NO_REPLICAS, health: { status: 'MISSING', reason } };
}

/** Why the map cannot be drawn from the caches now; null when it can. */
function unreadable(input: PictureInput): string | null {
  const { map, cluster } = input;
  if (cluster === null) return 'its cluster is not registered any more';
  if (!input.allotted) return `namespace ${map.namespace} of cluster ${cluster.name} is no longer allotted to the map's workspace`;
  if (cluster.state === 'UNREACHABLE') return `cluster ${cluster.name} is unreachable${cluster.reason === undefined ? '' : `: ${cluster.reason}`}`;
  if (cluster.state === 'CONNECTING' || input.objects === null) return `cluster ${cluster.name} is not connected yet`;
  return null;
}

export function drawPicture(input: PictureInput): Picture {
  const why = unreadable(input);
  if (why !== null || input.objects === null) return missing(why ?? 'its cluster cannot be read');
  const { map, objects } = input;
  const selector = matchersOf(map);
  const everything = map.selector.trim() === '';

  const workloads = objects.workloads.filter((workload) => selector.map(workload.labels)).sort(byKindAndName);
  // A pod belongs to the first workload (in the map's order) whose selector takes it.
  const ownerOf = new Map<MapPod, MapWorkload>();
  const podIndex = new LabelIndex(objects.pods, (pod) => pod.labels);
  for (const workload of workloads) {
    for (const pod of podIndex.taking(workload.selector)) if (!ownerOf.has(pod)) ownerOf.set(pod, workload);
  }
  const pods: PodInPicture[] = [];
  for (const pod of [...objects.pods].sort(byName)) {
    const owner = ownerOf.get(pod);
    if (owner === undefined && !selector.map(pod.labels)) continue;
    pods.push({ object: pod, workload: owner?.name ?? null, health: podHealth(pod) });
  }

  // A service sends traffic to a workload when it selects one of its pods, or (no pods yet) its selector is part of the workload's.
  const services: ServiceInPicture[] = [];
  for (const service of [...objects.services].sort(byName)) {
    const targets = new Set<MapWorkload>();
    if (Object.keys(service.selector).length > 0) {
      for (const pod of podIndex.taking(service.selector)) {
        const owner = ownerOf.get(pod);
        if (owner !== undefined) targets.add(owner);
      }
      for (const workload of workloads) if (includesAll(workload.selector, service.selector)) targets.add(workload);
    }
    if (targets.size === 0 && !(everything || selector.map(service.labels))) continue;
    const names = workloads.filter((workload) => targets.has(workload)).map((workload) => workload.name);
    services.push({ object: service, workloads: [...new Set(names)], health: serviceHealth(service) });
  }

  const claims: ClaimInPicture[] = [];
  for (const claim of [...objects.claims].sort(byName)) {
    const users = workloads
      .filter(
        (workload) =>
          (workload.claimNames ?? []).includes(claim.name) ||
          claimedByTemplate(claim, workload) ||
          (workload.kind === 'StatefulSet' && includesAll(claim.labels, workload.selector)),
      )
      .map((workload) => workload.name);
    if (users.length === 0 && !(everything || selector.map(claim.labels ?? {}))) continue;
    claims.push({ object: claim, workloads: [...new Set(users)], health: claimHealth(claim) });
  }

  const judgedWorkloads: WorkloadInPicture[] = workloads.map((workload) => ({
    object: workload,
    group: map.groups.find((group, index) => inGroup(group, selector.groups[index], workload))?.name ?? null,
    health: workloadHealth(workload),
  }));

  const groups: GroupInPicture[] = map.groups.map((group, index) => {
    const members = judgedWorkloads.filter((entry) => inGroup(group, selector.groups[index], entry.object));
    const names = new Set(members.map((entry) => entry.object.name));
    return {
      group,
      workloads: members.map((entry) => entry.object.name),
      health: worstOf([...members.map(judgedWorkload), ...pods.filter((entry) => entry.workload !== null && names.has(entry.workload)).map(judgedPod)]),
    };
  });

  const health =
    workloads.length === 0
      ? {
          status: 'MISSING' as const,
          reason: everything ? `no workload runs in namespace ${map.namespace}` : `no workload in namespace ${map.namespace} matches ${map.selector}`,
        }
      : worstOf([
          ...judgedWorkloads.map(judgedWorkload),
          ...pods.map(judgedPod),
          ...services.map((entry) => ({ kind: 'Service', name: entry.object.name, health: entry.health })),
          ...claims.map((entry) => ({ kind: 'PersistentVolumeClaim', name: entry.object.name, health: entry.health })),
        ]);

  return {
    workloads: judgedWorkloads,
    pods,
    services,
    claims,
    events: eventsOf(objects.events, judgedWorkloads, pods, services, claims),
    groups,
    replicas: totalsOf(workloads),
    health,
  };
}

function inGroup(group: AppMapGroupRecord, matcher: LabelMatcher | undefined, workload: MapWorkload): boolean {
  if (group.workloadNames !== null) return group.workloadNames.includes(workload.name);
  return matcher?.(workload.labels) ?? false;
}

function judgedWorkload(entry: WorkloadInPicture): JudgedObject {
  return { kind: entry.object.kind, name: entry.object.name, health: entry.health };
}

function judgedPod(entry: PodInPicture): JudgedObject {
  return { kind: 'Pod', name: entry.object.name, health: entry.health };
}

export function totalsOf(workloads: readonly MapWorkload[]): ReplicaTotals {
  return workloads.reduce(
    (sum, workload) => ({
      desired: sum.desired + workload.desired,
      ready: sum.ready + workload.ready,
      available: sum.available + workload.available,
      updated: sum.updated + workload.updated,
    }),
    NO_REPLICAS,
  );
}

/**
 * Events about the map's objects, newest first: its workloads, their ReplicaSets (named
 * `<deployment>-<hash>`) and Jobs, its pods, services and claims.
 */
function eventsOf(
  events: readonly MapEvent[],
  workloads: readonly WorkloadInPicture[],
  pods: readonly PodInPicture[],
  services: readonly ServiceInPicture[],
  claims: readonly ClaimInPicture[],
): MapEvent[] {
  const named = new Set<string>([
    ...workloads.map((entry) => `${entry.object.kind}/${entry.object.name}`),
    ...pods.map((entry) => `Pod/${entry.object.name}`),
    ...services.map((entry) => `Service/${entry.object.name}`),
    ...claims.map((entry) => `PersistentVolumeClaim/${entry.object.name}`),
  ]);
  const owners = workloads.filter((entry) => entry.object.kind === 'Deployment' || entry.object.kind === 'CronJob').map((entry) => entry.object);
  const ownedBy = (kind: string, name: string) =>
    owners.some((owner) => (owner.kind === 'Deployment' ? kind === 'ReplicaSet' : kind === 'Job') && name.startsWith(`${owner.name}-`));
  const picked: MapEvent[] = [];
  for (const event of events) {
    const { kind, name } = event.involvedObject;
    if (named.has(`${kind}/${name}`) || ownedBy(kind, name)) picked.push(event);
    if (picked.length === MAX_PICTURE_EVENTS) break;
  }
  return picked;
}

export interface ImageInPicture {
  readonly image: string;
  readonly repository: string;
  /** null: no tag (a digest, or the implicit latest). */
  readonly tag: string | null;
  readonly workloads: readonly string[];
}

/** `registry:5000/team/app:1.2@sha256:…` → repository `registry:5000/team/app`, tag `1.2`. */
export function splitImage(image: string): { repository: string; tag: string | null } {
  const withoutDigest = image.split('@')[0] ?? image;
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > withoutDigest.lastIndexOf('/')) return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) || null };
  return { repository: withoutDigest, tag: null };
}

/** The distinct images the map's workloads run, in order of first appearance, with who runs them. */
export function imagesOf(workloads: readonly WorkloadInPicture[]): ImageInPicture[] {
  const byImage = new Map<string, string[]>();
  for (const entry of workloads) {
    for (const image of entry.object.images) {
      if (image === '') continue;
      const users = byImage.get(image) ?? [];
      if (!users.includes(entry.object.name)) users.push(entry.object.name);
      byImage.set(image, users);
    }
  }
  return [...byImage].map(([image, users]) => ({ image, ...splitImage(image), workloads: users }));
}
