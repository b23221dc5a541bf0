/**
 * The little of the OpenAPI schema that field ownership needs: which lists are keyed (and by what),
 * which are sets, which maps are atomic, and which fields nobody owns. The apiserver reads this from
 * `x-kubernetes-list-type`/`-list-map-keys`/`-map-type`; the simulator knows it by field name.
 */

export type ListType =
  | { readonly type: 'map'; readonly keys: readonly string[]; readonly defaults: Readonly<Record<string, unknown>>; readonly atomicItems: boolean }
  | { readonly type: 'set' }
  | { readonly type: 'atomic' };

const keyed = (keys: readonly string[], defaults: Record<string, unknown> = {}, atomicItems = false): ListType => ({ type: 'map', keys, defaults, atomicItems });

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Lists merged item by item, by the field(s) named here (patchMergeKey / list-map-keys). */
const KEYED_LISTS: Readonly<Record<string, ListType>> = {
  containers: keyed(['name']),
  initContainers: keyed(['name']),
  ephemeralContainers: keyed(['name']),
  env: keyed(['name']),
  volumes: keyed(['name']),
  volumeMounts: keyed(['mountPath']),
  volumeDevices: keyed(['devicePath']),
  imagePullSecrets: keyed(['name'], {}, true),
  ownerReferences: keyed(['uid']),
  hostAliases: keyed(['ip']),
  topologySpreadConstraints: keyed(['topologyKey', 'whenUnsatisfiable']),
  resourceClaims: keyed(['name']),
  conditions: keyed(['type']),
};

const SET_LISTS = new Set(['finalizers']);

/** Structs replaced as a whole (`+structType=atomic`), e.g. a LabelSelector. */
const ATOMIC_MAPS = new Set([
  'secretKeyRef',
  'configMapKeyRef',
  'fieldRef',
  'resourceFieldRef',
  'claimRef',
  'labelSelector',
  'namespaceSelector',
  'requiredDuringSchedulingIgnoredDuringExecution',
  'dataSource',
  'dataSourceRef',
]);

/** Fields that belong to no manager: identity, bookkeeping, and the status subresource. */
const IGNORED_ROOT = new Set(['apiVersion', 'kind', 'status']);
const IGNORED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'generateName',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** `names`: the field names from the object's root down to the list (list items add none). */
export function listTypeOf(names: readonly string[]): ListType {
  const field = names.at(-1) ?? '';
  if (field === 'ports') {
    return CONTAINER_LISTS.has(names.at(-2) ?? '') ? keyed(['containerPort', 'protocol'], { protocol: 'TCP' }) : keyed(['port', 'protocol'], { protocol: 'TCP' });
  }
  if (SET_LISTS.has(field)) return { type: 'set' };
  return KEYED_LISTS[field] ?? { type: 'atomic' };
}

/** A LabelSelector is atomic wherever it appears, except a Service's plain `spec.selector` map. */
export function isAtomicMap(kind: string, names: readonly string[]): boolean {
  const field = names.at(-1) ?? '';
  if (field === 'selector') return !(kind === 'Service' && names.length === 2 && names[0] === 'spec');
  return ATOMIC_MAPS.has(field);
}

export function isIgnoredField(parentNames: readonly string[], field: string): boolean {
  if (parentNames.length === 0) return IGNORED_ROOT.has(field);
  return parentNames.length === 1 && parentNames[0] === 'metadata' && IGNORED_METADATA.has(field);
}
