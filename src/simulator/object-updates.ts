/**
 * The stored form of an update (PUT, PATCH, apply): the sent object validated and defaulted like a
 * new one, with what the client may not change (identity, status, immutable fields) kept from the
 * stored object. Pure: nothing is written here.
 */
import { ApiError } from './api-errors.js';
import { canonicalJson } from './controllers/context.js';
import type { NodeObject, ObjectMeta, OwnerReference, PodObject } from './k8s-types.js';
import { buildObject, ManifestError, type Allocators } from './manifests.js';
import { buildConfigMap } from './config-maps.js';
import type { ConfigMapObject, DeploymentObject, KubeObject, ResourceName, SecretObject, ServiceObject } from './object-types.js';
import { resourceTypes } from './resources.js';
import { buildSecret } from './secrets.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function labelsAndAnnotations(meta: Json, invalid: (message: string) => ManifestError): { labels?: Record<string, string>; annotations?: Record<string, string> } {
  const read = (field: 'labels' | 'annotations'): Record<string, string> | undefined => {
    const value = meta[field];
    if (value === undefined || value === null) return undefined;
    if (!isObject(value) || Object.values(value).some((entry) => typeof entry !== 'string')) throw invalid(`metadata.${field}: Invalid value: must be a map of strings`);
    return { ...(value as Record<string, string>) };
  };
  const labels = read('labels');
  const annotations = read('annotations');
  return { ...(labels === undefined ? {} : { labels }), ...(annotations === undefined ? {} : { annotations }) };
}

function finalizersOf(meta: Json, current: ObjectMeta, invalid: (message: string) => ManifestError): string[] | undefined {
  const value = meta['finalizers'];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string' || entry === '')) throw invalid('metadata.finalizers: Invalid value: must be a list of names');
  const finalizers = [...new Set(value as string[])];
  if (current.deletionTimestamp !== undefined) {
    const added = finalizers.filter((finalizer) => !(current.finalizers ?? []).includes(finalizer));
    if (added.length > 0) {
      throw invalid(
        `metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((entry) => JSON.stringify(entry)).join(', ')}}`,
      );
    }
  }
  return finalizers.length === 0 ? undefined : finalizers;
}

/** The metadata a write may change (labels, annotations, owner references, finalizers) from `next`; the rest kept. */
export function updatedMetadata(current: ObjectMeta, next: Json, invalid: (message: string) => ManifestError): ObjectMeta {
  const nextMeta = isObject(next['metadata']) ? next['metadata'] : {};
  const { labels, annotations } = labelsAndAnnotations(nextMeta, invalid);
  const ownerReferences = Array.isArray(nextMeta['ownerReferences']) ? (structuredClone(nextMeta['ownerReferences']) as OwnerReference[]) : undefined;
  const finalizers = finalizersOf(nextMeta, current, invalid);
  const metadata: ObjectMeta = { ...current };
  for (const [field, value] of [
    ['labels', labels],
    ['annotations', annotations],
    ['ownerReferences', ownerReferences],
    ['finalizers', finalizers],
  ] as const) {
    if (value === undefined) delete metadata[field];
    else (metadata as unknown as Json)[field] = value;
  }
  return metadata;
}

/** Validates and normalizes `next` as the new state of `current`; `status` stays the controllers'. */
export function rebuildObject(resource: ResourceName, current: KubeObject, next: Json, allocators: Allocators): KubeObject {
  const type = resourceTypes[resource];
  const invalid = (message: string) => new ManifestError(`${type.kind} "${current.metadata.name}" is invalid: ${message}`);
  const metadata = updatedMetadata(current.metadata, next, invalid);
  if (resource === 'pods') return rebuildPod(current as PodObject, next, metadata, invalid);
  if (resource === 'nodes') return rebuildNode(current as NodeObject, next, metadata);
  const manifest = { ...(resource === 'services' ? withAllocations(current as ServiceObject, next) : next), apiVersion: current.apiVersion, kind: current.kind };
  // Secrets and ConfigMaps are checked against the stored ones (type and immutable data may not change).
  const namespaced = { ...metadata, namespace: current.metadata.namespace ?? '' };
  const rebuilt =
    resource === 'secrets'
      ? buildSecret(manifest, namespaced, invalid, current as SecretObject)
      : resource === 'configmaps'
        ? buildConfigMap(manifest, namespaced, invalid, current as ConfigMapObject)
        : buildObject(resource, manifest, metadata, invalid, allocators);
  if (resource === 'deployments' || resource === 'statefulsets' || resource === 'daemonsets' || resource === 'replicasets') {
    const before = (current as DeploymentObject).spec.selector;
    const after = (rebuilt as DeploymentObject).spec.selector;
    if (canonicalJson(before) !== canonicalJson(after))
      throw new ApiError(422, 'Invalid', `${type.kind}.apps "${current.metadata.name}" is invalid: spec.selector: Invalid value: field is immutable`);
  }
  const status = (current as { status?: unknown }).status;
  if (status !== undefined) (rebuilt as { status?: unknown }).status = status;
  return rebuilt;
}

/** As the apiserver keeps them on update: the cluster IP and node ports a Service was given, unless the write sets them. */
function withAllocations(current: ServiceObject, next: Json): Json {
  const spec = isObject(next['spec']) ? next['spec'] : {};
  const sameType = (spec['type'] ?? 'ClusterIP') === current.spec.type;
  const ports = Array.isArray(spec['ports'])
    ? (spec['ports'] as unknown[]).map((entry) => {
        if (!isObject(entry) || entry['nodePort'] !== undefined || !sameType) return entry;
        const previous = current.spec.ports.find((port) => port.port === entry['port'] && port.protocol === (entry['protocol'] ?? 'TCP'));
        return previous?.nodePort === undefined ? entry : { ...entry, nodePort: previous.nodePort };
      })
    : spec['ports'];
  const keepIP = (spec['clusterIP'] === undefined || spec['clusterIP'] === '') && current.spec.type !== 'ExternalName' && spec['type'] !== 'ExternalName';
  return {
    ...next,
    spec: { ...spec, ...(ports === undefined ? {} : { ports }), ...(keepIP ? { clusterIP: current.spec.clusterIP, clusterIPs: current.spec.clusterIPs } : {}) },
  };
}

/** Pods are mostly immutable: metadata may change, the spec may not. */
function rebuildPod(current: PodObject, next: Json, metadata: ObjectMeta, invalid: (message: string) => ManifestError): PodObject {
  if (next['spec'] !== undefined && canonicalJson(next['spec']) !== canonicalJson(current.spec)) {
    throw invalid(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
  }
  return { ...current, metadata: { ...metadata, namespace: current.metadata.namespace } };
}

/** Nodes: labels, annotations, taints and unschedulable; the rest is the kubelet's. */
function rebuildNode(current: NodeObject, next: Json, metadata: ObjectMeta): NodeObject {
  const spec = isObject(next['spec']) ? next['spec'] : {};
  const { unschedulable: _unschedulable, taints: _taints, ...kept } = current.spec;
  return {
    ...current,
    metadata,
    spec: {
      ...kept,
      ...(Array.isArray(spec['taints']) && spec['taints'].length > 0 ? { taints: structuredClone(spec['taints']) as NodeObject['spec']['taints'] } : {}),
      ...(spec['unschedulable'] === true ? { unschedulable: true } : {}),
    },
  };
}

/** Equal but for managedFields timestamps: the apiserver drops such a write (no new resourceVersion). */
export function sameContent(left: KubeObject, right: KubeObject): boolean {
  const strip = (object: KubeObject) => ({
    ...object,
    metadata: { ...object.metadata, resourceVersion: '', managedFields: (object.metadata.managedFields ?? []).map(({ time: _time, ...entry }) => entry) },
  });
  return canonicalJson(strip(left)) === canonicalJson(strip(right));
}
