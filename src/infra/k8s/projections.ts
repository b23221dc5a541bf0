/**
 * Pure mappings from raw Kubernetes objects (list or watch shape) to the normalized projections
 * the caches keep and the bus carries. Volatile fields (heartbeat times, managedFields) are left
 * out on purpose: they change constantly and would turn into MODIFIED events nobody needs.
 */
import type {
  ContainerProjection,
  NamespaceProjection,
  NodeCondition,
  NodeProjection,
  NodeTaint,
  OwnerReference,
  PodProjection,
  ResourceQuantities,
} from '../../domains/clusters/model.js';
import { intern, internRecord, internValues, sameOr } from './intern.js';
import { conditionIsTrue, controllerOwner, requiredString } from './projection-helpers.js';
import { toBytes, toCores, toCount } from './quantity.js';
import { asArray, asNumber, asRecord, asString, asStringMap, asTimestamp, compact, metadataOf, type RawRecord } from './raw-object.js';

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';
const STATEFUL_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

export function projectNamespace(raw: unknown): NamespaceProjection {
  const metadata = metadataOf(raw);
  return {
    uid: requiredString(metadata['uid'], 'metadata.uid'),
    name: requiredString(metadata['name'], 'metadata.name'),
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    phase: asString(asRecord(asRecord(raw)['status'])['phase']) ?? 'Active',
    labels: asStringMap(metadata['labels']),
  };
}

export function projectNode(raw: unknown): NodeProjection {
  const object = asRecord(raw);
  const metadata = metadataOf(raw);
  const spec = asRecord(object['spec']);
  const status = asRecord(object['status']);
  const labels = asStringMap(metadata['labels']);
  const conditions = asArray(status['conditions']).map(asRecord);
  return compact<NodeProjection>({
    uid: requiredString(metadata['uid'], 'metadata.uid'),
    name: requiredString(metadata['name'], 'metadata.name'),
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    labels,
    roles: nodeRoles(labels),
    ready: conditionIsTrue(conditions, 'Ready'),
    unschedulable: spec['unschedulable'] === true,
    kubeletVersion: asString(asRecord(status['nodeInfo'])['kubeletVersion']),
    internalIP: nodeInternalIP(status),
    capacity: resourceQuantities(status['capacity']),
    allocatable: resourceQuantities(status['allocatable']),
    conditions: conditions.map(nodeCondition),
    taints: asArray(spec['taints']).map((taint) => nodeTaint(asRecord(taint))),
    createdAt: asTimestamp(metadata['creationTimestamp']),
  });
}

export function projectPod(raw: unknown): PodProjection {
  const object = asRecord(raw);
  const metadata = metadataOf(raw);
  const spec = asRecord(object['spec']);
  const status = asRecord(object['status']);
  const statusesByName = new Map<string, RawRecord>();
  for (const entry of asArray(status['containerStatuses']).map(asRecord)) {
    const name = asString(entry['name']);
    if (name !== undefined) statusesByName.set(name, entry);
  }
  const createdAt = asTimestamp(metadata['creationTimestamp']);
  const startedAt = sameOr(asTimestamp(status['startTime']), createdAt);
  const containers = asArray(spec['containers'])
    .map(asRecord)
    .map((container) => projectContainer(container, statusesByName.get(asString(container['name']) ?? ''), startedAt));
  const labels = internValues(asStringMap(metadata['labels']));
  return compact<PodProjection>({
    uid: requiredString(metadata['uid'], 'metadata.uid'),
    name: requiredString(metadata['name'], 'metadata.name'),
    namespace: intern(requiredString(metadata['namespace'], 'metadata.namespace')),
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    phase: intern(asString(status['phase']) ?? 'Unknown'),
    ready: conditionIsTrue(asArray(status['conditions']).map(asRecord), 'Ready'),
    restarts: [...statusesByName.values()].reduce((sum, entry) => sum + asNumber(entry['restartCount']), 0),
    nodeName: intern(asString(spec['nodeName'])),
    podIP: asString(status['podIP']),
    startedAt,
    createdAt,
    labels: sharedLabels(labels, metadata['ownerReferences']),
    containers,
    owner: internedOwner(controllerOwner(metadata['ownerReferences'])),
    deletionTimestamp: asTimestamp(metadata['deletionTimestamp']),
  });
}

function projectContainer(container: RawRecord, status: RawRecord | undefined, podStartedAt?: string): ContainerProjection {
  const resources = asRecord(container['resources']);
  const requests = asRecord(resources['requests']);
  const limits = asRecord(resources['limits']);
  const state = containerState(asRecord(status?.['state']));
  return compact<ContainerProjection>({
    name: intern(asString(container['name']) ?? ''),
    image: intern(asString(container['image']) ?? asString(status?.['image']) ?? ''),
    ready: status?.['ready'] === true,
    restartCount: asNumber(status?.['restartCount']),
    state: state.state,
    reason: intern(state.reason),
    startedAt: sameOr(state.startedAt, podStartedAt),
    requests: figures(toCores(requests['cpu']), toBytes(requests['memory'])),
    limits: figures(toCores(limits['cpu']), toBytes(limits['memory'])),
  });
}

function containerState(state: RawRecord): { state: string; reason?: string; startedAt?: string } {
  if (state['running'] !== undefined) {
    return { state: 'running', startedAt: asTimestamp(asRecord(state['running'])['startedAt']) };
  }
  if (state['terminated'] !== undefined) {
    const terminated = asRecord(state['terminated']);
    return { state: 'terminated', reason: asString(terminated['reason']), startedAt: asTimestamp(terminated['startedAt']) };
  }
  if (state['waiting'] !== undefined) {
    return { state: 'waiting', reason: asString(asRecord(state['waiting'])['reason']) };
  }
  return { state: 'unknown' };
}

function internedOwner(owner: OwnerReference | undefined): OwnerReference | undefined {
  return owner === undefined
    ? undefined
    : internRecord(`owner:${owner.uid}:${owner.kind}:${owner.name}`, { kind: intern(owner.kind), name: intern(owner.name), uid: intern(owner.uid) });
}

/**
 * Pods of one ReplicaSet, DaemonSet or Job carry the same labels: one copy serves them all. Labels
 * unique to a pod (a bare pod's, a StatefulSet pod's name label) are kept as they are — pooling
 * them would cost a key per pod and save nothing.
 */
function sharedLabels(labels: Record<string, string>, ownerReferences: unknown): Record<string, string> {
  if (asArray(ownerReferences).length === 0 || labels[STATEFUL_POD_NAME_LABEL] !== undefined) return labels;
  return internRecord(`labels:${JSON.stringify(labels)}`, labels);
}

function figures(cpuCores: number, memoryBytes: number): { cpuCores: number; memoryBytes: number } {
  return internRecord(`figures:${cpuCores}:${memoryBytes}`, { cpuCores, memoryBytes });
}

export function nodeRoles(labels: Readonly<Record<string, string>>): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith(NODE_ROLE_PREFIX) && key.length > NODE_ROLE_PREFIX.length) {
      roles.add(key.slice(NODE_ROLE_PREFIX.length));
    } else if (key === LEGACY_ROLE_LABEL && value !== '') {
      roles.add(value);
    }
  }
  return [...roles].sort();
}

function nodeInternalIP(status: RawRecord): string | undefined {
  const address = asArray(status['addresses'])
    .map(asRecord)
    .find((entry) => entry['type'] === 'InternalIP');
  return asString(address?.['address']);
}

function resourceQuantities(value: unknown): ResourceQuantities {
  const list = asRecord(value);
  return {
    cpuCores: toCores(list['cpu']),
    memoryBytes: toBytes(list['memory']),
    storageBytes: toBytes(list['ephemeral-storage']),
    pods: toCount(list['pods']),
  };
}

function nodeCondition(condition: RawRecord): NodeCondition {
  return compact<NodeCondition>({
    type: asString(condition['type']) ?? '',
    status: asString(condition['status']) ?? 'Unknown',
    reason: asString(condition['reason']),
    message: asString(condition['message']),
  });
}

function nodeTaint(taint: RawRecord): NodeTaint {
  return compact<NodeTaint>({
    key: asString(taint['key']) ?? '',
    value: asString(taint['value']),
    effect: asString(taint['effect']) ?? '',
  });
}
