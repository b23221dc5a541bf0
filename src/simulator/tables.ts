/**
 * Server-side printing (meta.k8s.io/v1 Table), which kubectl asks for on `get`: the apiserver,
 * not kubectl, decides the columns. Column names and cell texts follow the real apiserver's.
 */
import type { NamespaceObject, NodeObject, PodObject } from './k8s-types.js';
import type { KubeObject } from './object-types.js';
import { moreCells, moreColumns } from './printers.js';
import type { ResourceName } from './resources.js';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRow {
  cells: Array<string | number>;
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion: string; continue?: string };
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

export function column(name: string, priority = 0, format = ''): ColumnDefinition {
  return { name, type: 'string', format, description: name, priority };
}

const columns: Readonly<Record<ResourceName, ColumnDefinition[]>> = {
  ...moreColumns,
  pods: [
    column('Name', 0, 'name'),
    column('Ready'),
    column('Status'),
    column('Restarts'),
    column('Age'),
    column('IP', 1),
    column('Node', 1),
    column('Nominated Node', 1),
    column('Readiness Gates', 1),
  ],
  nodes: [
    column('Name', 0, 'name'),
    column('Status'),
    column('Roles'),
    column('Age'),
    column('Version'),
    column('Internal-IP', 1),
    column('External-IP', 1),
    column('OS-Image', 1),
    column('Kernel-Version', 1),
    column('Container-Runtime', 1),
  ],
  namespaces: [column('Name', 0, 'name'), column('Status'), column('Age')],
};

export function acceptsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function parseIncludeObject(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

export function toTable(resource: ResourceName, objects: Iterable<KubeObject>, resourceVersion: string, includeObject: IncludeObject, now: number, continueToken?: string): Table {
  const rows: TableRow[] = [];
  for (const object of objects) rows.push(tableRow(resource, object, includeObject, now));
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion, ...(continueToken === undefined ? {} : { continue: continueToken }) },
    columnDefinitions: columns[resource],
    rows,
  };
}

function tableRow(resource: ResourceName, object: KubeObject, includeObject: IncludeObject, now: number): TableRow {
  const cells = cellsFor(resource, object, now);
  if (includeObject === 'None') return { cells };
  if (includeObject === 'Object') return { cells, object };
  return {
    cells,
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata },
  };
}

function cellsFor(resource: ResourceName, object: KubeObject, now: number): Array<string | number> {
  const age = humanDuration(now - Date.parse(object.metadata.creationTimestamp));
  switch (resource) {
    case 'pods':
      return podCells(object as PodObject, age);
    case 'nodes':
      return nodeCells(object as NodeObject, age);
    case 'namespaces':
      return [object.metadata.name, (object as NamespaceObject).status.phase, age];
    default:
      return moreCells(resource, object, age, now, humanDuration);
  }
}

function podCells(pod: PodObject, age: string): Array<string | number> {
  const statuses = pod.status.containerStatuses ?? [];
  const ready = statuses.filter((status) => status.ready).length;
  const restarts = statuses.reduce((sum, status) => sum + status.restartCount, 0);
  let reason: string = pod.status.reason ?? pod.status.phase;
  for (const status of statuses) {
    const waiting = status.state.waiting?.reason;
    const terminated = status.state.terminated?.reason;
    if (waiting !== undefined && waiting !== '') reason = waiting;
    else if (terminated !== undefined && terminated !== '') reason = terminated;
  }
  if (pod.metadata.deletionTimestamp !== undefined) reason = 'Terminating';
  return [
    pod.metadata.name,
    `${ready}/${pod.spec.containers.length}`,
    reason,
    String(restarts),
    age,
    pod.status.podIP ?? '<none>',
    pod.spec.nodeName ?? '<none>',
    '<none>',
    '<none>',
  ];
}

function nodeCells(node: NodeObject, age: string): Array<string | number> {
  const ready = node.status.conditions.find((condition) => condition.type === 'Ready')?.status === 'True';
  const status = [ready ? 'Ready' : 'NotReady', ...(node.spec.unschedulable === true ? ['SchedulingDisabled'] : [])].join(',');
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((key) => key.startsWith('node-role.kubernetes.io/'))
    .map((key) => key.slice('node-role.kubernetes.io/'.length))
    .filter((role) => role !== '')
    .sort();
  const address = (type: string) => node.status.addresses.find((entry) => entry.type === type)?.address ?? '<none>';
  return [
    node.metadata.name,
    status,
    roles.length === 0 ? '<none>' : roles.join(','),
    age,
    node.status.nodeInfo.kubeletVersion,
    address('InternalIP'),
    address('ExternalIP'),
    node.status.nodeInfo.osImage,
    node.status.nodeInfo.kernelVersion,
    node.status.nodeInfo.containerRuntimeVersion,
  ];
}

/** k8s.io/apimachinery's duration.HumanDuration, which `kubectl get` shows as AGE. */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (years < 8) return `${years}y${Math.floor(hours / 24) % 365}d`;
  return `${years}y`;
}
