/**
 * A map's picture: which objects of its namespace belong to it, how they connect, and the verdict.
 * Pure: the same records and cache contents always give the same picture (the resolvers and the
 * live stream both draw it with these functions).
 */
import { compileLabelSelector, type LabelMatcher } from '../../shared/label-selector.js';
import { claimHealth, podHealth, serviceHealth, workloadHealth, worstOf, type Health, type JudgedObject } from './health.js';
import { includesAll, LabelIndex } from './label-index.js';
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
  const takes = (labels: Readonly<Record<string, string>> | undefined) => map.selector.trim() === '' || selector.map(labels ?? {});

  const workloads = objects.workloads.filter((workload) => selector.map(workload.labels)).sort(byKindAndName);
  const podIndex = new LabelIndex(objects.pods, (pod) => pod.labels);
  const ownerOf = ownersOf(workloads, podIndex);
  const pods: PodInPicture[] = [...objects.pods]
    .sort(byName)
    .filter((pod) => ownerOf.has(pod) || selector.map(pod.labels))
    .map((pod) => ({ object: pod, workload: ownerOf.get(pod)?.name ?? null, health: podHealth(pod) }));
  const services = servicesOf(objects.services, workloads, podIndex, ownerOf, takes);
  const claims = claimsOf(objects.claims, workloads, takes);
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
  const health: Health =
    workloads.length === 0
      ? {
          status: 'MISSING',
          reason: map.selector.trim() === '' ? `no workload runs in namespace ${map.namespace}` : `no workload in namespace ${map.namespace} matches ${map.selector}`,
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

/** Each pod's workload: the first (in the map's order) whose selector takes it. */
function ownersOf(workloads: readonly MapWorkload[], podIndex: LabelIndex<MapPod>): Map<MapPod, MapWorkload> {
  const owners = new Map<MapPod, MapWorkload>();
  for (const workload of workloads) {
    for (const pod of podIndex.taking(workload.selector)) if (!owners.has(pod)) owners.set(pod, workload);
  }
  return owners;
}

/** The services the map takes, or that send traffic to one of its workloads (selecting its pods, or, before it has any, part of its selector). */
function servicesOf(
  services: readonly MapService[],
  workloads: readonly MapWorkload[],
  podIndex: LabelIndex<MapPod>,
  ownerOf: ReadonlyMap<MapPod, MapWorkload>,
  takes: (labels: Readonly<Record<string, string>>) => boolean,
): ServiceInPicture[] {
  const found: ServiceInPicture[] = [];
  for (const service of [...services].sort(byName)) {
    const targets = new Set<MapWorkload>();
    if (Object.keys(service.selector).length > 0) {
      for (const pod of podIndex.taking(service.selector)) {
        const owner = ownerOf.get(pod);
        if (owner !== undefined) targets.add(owner);
      }
      for (const workload of workloads) if (includesAll(workload.selector, service.selector)) targets.add(workload);
    }
    if (targets.size === 0 && !takes(service.labels)) continue;
    found.push({ object: service, workloads: workloads.filter((workload) => targets.has(workload)).map((workload) => workload.name), health: serviceHealth(service) });
  }
  return found;
}

/** The claims its workloads mount or claim through a StatefulSet (by template name or selector labels), and those the map takes. */
function claimsOf(claims: readonly MapClaim[], workloads: readonly MapWorkload[], takes: (labels: Readonly<Record<string, string>> | undefined) => boolean): ClaimInPicture[] {
  const found: ClaimInPicture[] = [];
  for (const claim of [...claims].sort(byName)) {
    const users = workloads
      .filter(
        (workload) =>
          (workload.claimNames ?? []).includes(claim.name) ||
          claimedByTemplate(claim, workload) ||
          (workload.kind === 'StatefulSet' && includesAll(claim.labels, workload.selector)),
      )
      .map((workload) => workload.name);
    if (users.length === 0 && !takes(claim.labels)) continue;
    found.push({ object: claim, workloads: [...new Set(users)], health: claimHealth(claim) });
  }
  return found;
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
