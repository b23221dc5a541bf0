/**
 * What metrics-server would answer for the simulated cluster (`metrics.k8s.io/v1beta1` NodeMetrics
 * and PodMetrics). Usage is derived from each container's requests with a deterministic wobble in
 * time, so two reads at the same instant agree and charts move; pods that just started (a rollout
 * makes new ones) and build pods work harder. A node's usage is its pods' plus system overhead.
 */
import { createHash } from 'node:crypto';
import { isBuildPod } from './builds/build-runner.js';
import type { ContainerObject, NodeObject, PodObject } from './k8s-types.js';
import { parseQuantity } from './quantity.js';

/** on: served; off: no metrics-server (404, not in discovery); unavailable: its APIService answers 503. */
export type MetricsServerMode = 'on' | 'off' | 'unavailable';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
/** metrics-server's default resolution. */
const WINDOW = '15s';
const DEFAULT_CPU_REQUEST = 0.05;
const DEFAULT_MEMORY_REQUEST = 64 * 2 ** 20;
/** A pod younger than this (in simulated seconds) is still warming up. */
const WARM_UP_SECONDS = 90;

export interface ContainerUsage {
  readonly name: string;
  readonly cpuCores: number;
  readonly memoryBytes: number;
}

function phaseOf(seed: string): number {
  return (createHash('sha1').update(seed).digest().readUInt32BE(0) / 0xffffffff) * 2 * Math.PI;
}

function request(container: ContainerObject, resource: 'cpu' | 'memory'): number | undefined {
  return parseQuantity(container.resources.requests?.[resource]);
}

function limit(container: ContainerObject, resource: 'cpu' | 'memory'): number | undefined {
  return parseQuantity(container.resources.limits?.[resource]);
}

/** Usage of each container of a running pod at `nowMs`; empty for a pod that does not run. */
export function containerUsage(pod: PodObject, nowMs: number, secondMs = 1000): ContainerUsage[] {
  if (pod.status.phase !== 'Running') return [];
  const started = Date.parse(pod.status.startTime ?? pod.metadata.creationTimestamp);
  const ageSeconds = Number.isFinite(started) ? (nowMs - started) / secondMs : Number.POSITIVE_INFINITY;
  // Warm-up decays from 2.5x to 1x over WARM_UP_SECONDS.
  const warmUp = ageSeconds < WARM_UP_SECONDS ? 1 + 1.5 * (1 - Math.max(0, ageSeconds) / WARM_UP_SECONDS) : 1;
  const build = isBuildPod(pod) ? 3 : 1;
  const minutes = nowMs / 60_000;
  return pod.spec.containers.map((container) => {
    const phase = phaseOf(`${pod.metadata.uid}/${container.name}`);
    const wobble = 1 + 0.2 * Math.sin(2 * Math.PI * (minutes / 7) + phase) + 0.08 * Math.sin(2 * Math.PI * (minutes / 1.3) + 2 * phase);
    const cpuRequest = request(container, 'cpu') ?? DEFAULT_CPU_REQUEST;
    const memoryRequest = request(container, 'memory') ?? DEFAULT_MEMORY_REQUEST;
    let cpuCores = cpuRequest * 0.4 * wobble * warmUp * build;
    let memoryBytes = memoryRequest * (0.55 + 0.1 * Math.sin(2 * Math.PI * (minutes / 17) + phase)) * (warmUp > 1 ? 1.15 : 1) * (build > 1 ? 1.5 : 1);
    const cpuLimit = limit(container, 'cpu');
    const memoryLimit = limit(container, 'memory');
    if (cpuLimit !== undefined) cpuCores = Math.min(cpuCores, cpuLimit);
    if (memoryLimit !== undefined) memoryBytes = Math.min(memoryBytes, memoryLimit * 0.95);
    return { name: container.name, cpuCores: Math.max(0.0005, cpuCores), memoryBytes: Math.max(2 ** 20, memoryBytes) };
  });
}

/** The kubelet, runtime and system daemons: a little CPU and a slice of memory. */
function nodeOverhead(node: NodeObject): { cpuCores: number; memoryBytes: number } {
  const cores = parseQuantity(node.status.capacity['cpu']) ?? 1;
  const memory = parseQuantity(node.status.capacity['memory']) ?? 2 ** 30;
  return { cpuCores: 0.05 + cores * 0.02, memoryBytes: 256 * 2 ** 20 + memory * 0.05 };
}

function cpuText(cores: number): string {
  return `${Math.round(cores * 1e9)}n`;
}

function memoryText(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}

function sampleTime(nowMs: number): string {
  // metrics-server scrapes every 15 s: a read reports the last scrape, not this instant.
  return new Date(Math.floor(nowMs / 15_000) * 15_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function podMetricsObject(pod: PodObject, nowMs: number, secondMs?: number): Record<string, unknown> | undefined {
  const containers = containerUsage(pod, nowMs, secondMs);
  if (containers.length === 0) return undefined;
  return {
    kind: 'PodMetrics',
    apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, labels: pod.metadata.labels ?? {}, creationTimestamp: new Date(nowMs).toISOString() },
    timestamp: sampleTime(nowMs),
    window: WINDOW,
    containers: containers.map((container) => ({ name: container.name, usage: { cpu: cpuText(container.cpuCores), memory: memoryText(container.memoryBytes) } })),
  };
}

export function nodeMetricsObject(node: NodeObject, pods: readonly PodObject[], nowMs: number, secondMs?: number): Record<string, unknown> {
  const overhead = nodeOverhead(node);
  let cpuCores = overhead.cpuCores;
  let memoryBytes = overhead.memoryBytes;
  for (const pod of pods) {
    if (pod.spec.nodeName !== node.metadata.name) continue;
    for (const container of containerUsage(pod, nowMs, secondMs)) {
      cpuCores += container.cpuCores;
      memoryBytes += container.memoryBytes;
    }
  }
  const cores = parseQuantity(node.status.capacity['cpu']);
  const memory = parseQuantity(node.status.capacity['memory']);
  return {
    kind: 'NodeMetrics',
    apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
    metadata: { name: node.metadata.name, labels: node.metadata.labels ?? {}, creationTimestamp: new Date(nowMs).toISOString() },
    timestamp: sampleTime(nowMs),
    window: WINDOW,
    usage: { cpu: cpuText(cores === undefined ? cpuCores : Math.min(cpuCores, cores)), memory: memoryText(memory === undefined ? memoryBytes : Math.min(memoryBytes, memory)) },
  };
}

export function metricsGroupDocument(): Record<string, unknown> {
  const version = { groupVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, version: METRICS_VERSION };
  return { name: METRICS_GROUP, versions: [version], preferredVersion: version };
}

export function metricsResourceList(): Record<string, unknown> {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
    resources: [
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ],
  };
}

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** An image's unpacked size on the node: deterministic per image, 40 MiB to 440 MiB. */
function imageBytes(image: string): number {
  return 40 * MiB + Math.round((phaseOf(image) / (2 * Math.PI)) * 400 * MiB);
}

/**
 * The node's root filesystem as the kubelet's Summary API (`/api/v1/nodes/<node>/proxy/stats/summary`)
 * reports it: the OS and runtime, each distinct image of its pods once, and each running
 * container's writable layer and logs, which grow slowly while it runs (rollouts and builds add images).
 */
export function nodeStatsSummary(node: NodeObject, pods: readonly PodObject[], nowMs: number, secondMs = 1000): Record<string, unknown> {
  const capacityBytes = parseQuantity(node.status.capacity['ephemeral-storage']) ?? 100 * GiB;
  const images = new Set<string>();
  let writable = 0;
  for (const pod of pods) {
    if (pod.spec.nodeName !== node.metadata.name) continue;
    for (const container of pod.spec.containers) images.add(container.image);
    if (pod.status.phase !== 'Running') continue;
    const started = Date.parse(pod.status.startTime ?? pod.metadata.creationTimestamp);
    const hours = Number.isFinite(started) ? Math.max(0, (nowMs - started) / secondMs / 3600) : 0;
    // Logs and scratch files: 5 MiB at start, then about 2 MiB an hour, levelling off at a day's worth (rotation).
    writable += pod.spec.containers.length * (5 * MiB + Math.min(hours, 24) * 2 * MiB) * (isBuildPod(pod) ? 20 : 1);
  }
  let usedBytes = 6 * GiB;
  for (const image of images) usedBytes += imageBytes(image);
  // A small disk (a few GiB of ephemeral storage) holds a slimmer system and images in proportion.
  const scale = Math.min(1, capacityBytes / (50 * GiB));
  usedBytes = Math.min(Math.round((usedBytes + writable) * scale), capacityBytes);
  const time = new Date(Math.floor(nowMs / 10_000) * 10_000).toISOString();
  return {
    node: {
      nodeName: node.metadata.name,
      startTime: node.metadata.creationTimestamp,
      fs: { time, capacityBytes, usedBytes, availableBytes: capacityBytes - usedBytes },
    },
    pods: [],
  };
}
