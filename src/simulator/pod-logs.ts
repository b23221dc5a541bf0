/**
 * Container logs as kubelet serves them: a bounded buffer of lines per container, read whole or
 * tailed, and followed (`follow=true`) by chunked streams that get each new line as it is written
 * and end when the pod terminates or goes away.
 */
import type { ServerResponse } from 'node:http';
import type { PodObject } from './k8s-types.js';
import { objectKey } from './resources.js';
import type { ChangeEvent } from './store.js';

const MAX_LINES_PER_CONTAINER = 500;
/** Pods whose logs are kept; the least recently written go first (their startup lines come back). */
const MAX_PODS_WITH_LOGS = 2000;

interface LogLine {
  readonly at: string;
  readonly text: string;
}

interface Follower {
  readonly container: string;
  readonly timestamps: boolean;
  readonly response: ServerResponse;
}

export interface LogReadOptions {
  readonly tailLines?: number | undefined;
  readonly sinceSeconds?: number | undefined;
  /** The log of the container's previous instance (before its last restart). */
  readonly previous?: boolean;
  /** Epoch ms: only lines written at or after it. */
  readonly sinceTime?: number | undefined;
  readonly timestamps: boolean;
}

export class PodLogs {
  private readonly buffers = new Map<string, Map<string, LogLine[]>>();
  private readonly followers = new Map<string, Set<Follower>>();

  /** Appends a line to a container's log (and to every stream following it). */
  append(pod: PodObject, container: string, text: string, at = new Date()): void {
    const lines = this.linesOf(pod, container);
    const line = { at: at.toISOString(), text };
    lines.push(line);
    if (lines.length > MAX_LINES_PER_CONTAINER) lines.splice(0, lines.length - MAX_LINES_PER_CONTAINER);
    for (const follower of this.followers.get(podKey(pod)) ?? []) {
      if (follower.container === container) write(follower, line);
    }
  }

  read(pod: PodObject, container: string, options: LogReadOptions): string {
    return this.select(pod, container, options)
      .map((line) => format(line, options.timestamps))
      .join('');
  }

  /** Writes the current lines, then keeps the response open for new ones. */
  follow(pod: PodObject, container: string, response: ServerResponse, options: LogReadOptions): void {
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    for (const line of this.select(pod, container, options)) response.write(format(line, options.timestamps));
    const key = podKey(pod);
    let set = this.followers.get(key);
    if (!set) {
      set = new Set();
      this.followers.set(key, set);
    }
    const follower = { container, timestamps: options.timestamps, response };
    set.add(follower);
    response.on('close', () => {
      const current = this.followers.get(key);
      current?.delete(follower);
      if (current?.size === 0) this.followers.delete(key);
    });
  }

  /** Pods somebody follows right now (the kubelet makes those talk more). */
  followedPods(): string[] {
    return [...this.followers.keys()];
  }

  /**
   * Ends follow streams of pods that finished or went away; forgets deleted pods' logs. A restarted
   * container starts a new log, as with the kubelet: its follow streams end, and the old log is
   * what `previous=true` reads.
   */
  observe(event: ChangeEvent): void {
    if (event.resource !== 'pods') return;
    const pod = event.object as PodObject;
    const key = podKey(pod);
    if (event.type === 'MODIFIED' && event.previous !== undefined) this.startRestartedContainers(event.previous as PodObject, pod);
    const finished = event.type === 'DELETED' || pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed';
    if (!finished) return;
    const set = this.followers.get(key);
    if (set) {
      for (const follower of set) follower.response.end();
      this.followers.delete(key);
    }
    if (event.type === 'DELETED') this.buffers.delete(key);
  }

  private startRestartedContainers(before: PodObject, after: PodObject): void {
    const key = podKey(after);
    for (const status of after.status.containerStatuses ?? []) {
      const earlier = before.status.containerStatuses?.find((entry) => entry.name === status.name);
      if (earlier === undefined || status.restartCount <= earlier.restartCount) continue;
      const containers = this.buffers.get(key);
      const lines = containers?.get(status.name);
      if (containers !== undefined && lines !== undefined) {
        containers.set(status.name, []);
        containers.set(previousKey(status.name), lines);
      }
      for (const follower of this.followers.get(key) ?? []) {
        if (follower.container === status.name) follower.response.end();
      }
    }
  }

  close(): void {
    for (const set of this.followers.values()) for (const follower of set) follower.response.destroy();
    this.followers.clear();
  }

  private linesOf(pod: PodObject, container: string): LogLine[] {
    const key = podKey(pod);
    let containers = this.buffers.get(key);
    if (containers) {
      // Most recently used last, so the oldest entry is the one to drop.
      this.buffers.delete(key);
      this.buffers.set(key, containers);
    } else {
      containers = new Map();
      this.buffers.set(key, containers);
      this.trim();
    }
    let lines = containers.get(container);
    if (!lines) {
      lines = startupLines(pod, container);
      containers.set(container, lines);
    }
    return lines;
  }

  private trim(): void {
    for (const key of this.buffers.keys()) {
      if (this.buffers.size <= MAX_PODS_WITH_LOGS) return;
      if (!this.followers.has(key)) this.buffers.delete(key);
    }
  }

  private select(pod: PodObject, container: string, options: LogReadOptions): LogLine[] {
    let lines = options.previous === true ? (this.buffers.get(podKey(pod))?.get(previousKey(container)) ?? []) : this.linesOf(pod, container);
    if (options.sinceSeconds !== undefined) {
      const since = Date.now() - options.sinceSeconds * 1000;
      lines = lines.filter((line) => Date.parse(line.at) >= since);
    }
    if (options.sinceTime !== undefined) {
      const since = options.sinceTime;
      lines = lines.filter((line) => Date.parse(line.at) >= since);
    }
    if (options.tailLines !== undefined) lines = options.tailLines === 0 ? [] : lines.slice(-options.tailLines);
    return lines;
  }
}

/** Where a container's log before its last restart is kept, beside the current one (no container name has a space). */
function previousKey(container: string): string {
  return `${container} previous`;
}

function podKey(pod: PodObject): string {
  return objectKey(pod.metadata.namespace, pod.metadata.name);
}

function format(line: LogLine, timestamps: boolean): string {
  return timestamps ? `${line.at} ${line.text}\n` : `${line.text}\n`;
}

function write(follower: Follower, line: LogLine): void {
  if (!follower.response.destroyed && !follower.response.writableEnded) follower.response.write(format(line, follower.timestamps));
}

/** What a container printed while starting, dated from the pod's start. */
function startupLines(pod: PodObject, container: string): LogLine[] {
  if (pod.status.phase === 'Pending') return [];
  const startedAt = pod.status.startTime ?? pod.metadata.creationTimestamp;
  const image = pod.spec.containers.find((entry) => entry.name === container)?.image ?? '';
  return [`${startedAt} INFO starting ${container} (${image})`, `${startedAt} INFO ${pod.metadata.namespace}/${pod.metadata.name} listening`, `${startedAt} INFO ready`].map(
    (text) => ({ at: startedAt, text }),
  );
}

/** A plausible line for a running container, chosen by its image. */
export function chatterLine(image: string, at: Date, random: () => number): string {
  const status = random() < 0.95 ? 200 : 500;
  const millis = (1 + random() * 40).toFixed(1);
  if (/nginx|ingress|front/.test(image)) {
    const paths = ['/', '/healthz', '/static/app.js', '/api/products', '/favicon.ico'];
    const path = paths[Math.floor(random() * paths.length)] ?? '/';
    return `10.244.0.1 - - [${at.toUTCString()}] "GET ${path} HTTP/1.1" ${status} ${Math.floor(random() * 5000)} "-" "Mozilla/5.0"`;
  }
  if (/mysql|postgres|mongo|redis/.test(image)) {
    return `${at.toISOString()} [Note] connection ${Math.floor(random() * 9000) + 1000} closed after ${millis} ms`;
  }
  if (/prometheus|grafana|alertmanager|exporter|metrics/.test(image)) {
    return `ts=${at.toISOString()} level=info component=scrape msg="scrape completed" duration=${millis}ms`;
  }
  const paths = ['/api/v1/items', '/api/v1/users/me', '/healthz', '/metrics', '/api/v1/orders'];
  const path = paths[Math.floor(random() * paths.length)] ?? '/';
  return `${at.toISOString()} INFO request method=GET path=${path} status=${status} duration=${millis}ms`;
}
