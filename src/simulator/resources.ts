/** What the simulator knows about each resource type it serves: names for discovery, scope, fields. */
import type { NamespaceObject, NodeObject, PodObject } from './k8s-types.js';
import type { EventObject, KubeObject, ResourceName, SecretObject } from './object-types.js';

export type { ResourceName } from './object-types.js';

export interface Subresource {
  readonly name: string;
  readonly kind: string;
  readonly group?: string;
  readonly version?: string;
  readonly verbs: readonly string[];
}

export interface ResourceType {
  readonly name: ResourceName;
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly singularName: string;
  readonly kind: KubeObject['kind'];
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  readonly subresources: readonly Subresource[];
  readonly fieldNames: ReadonlySet<string>;
  /** The values field selectors see; only the fields listed in `fieldNames`. */
  fieldsOf(object: KubeObject): Record<string, string>;
}

const WRITE = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const WRITE_ALL = [...WRITE, 'deletecollection'];

function metadataFields(object: KubeObject): Record<string, string> {
  return { 'metadata.name': object.metadata.name, 'metadata.namespace': object.metadata.namespace ?? '' };
}

function type(
  name: ResourceName,
  kind: KubeObject['kind'],
  options: {
    group?: string;
    version?: string;
    namespaced?: boolean;
    shortNames?: string[];
    categories?: string[];
    verbs?: string[];
    subresources?: Subresource[];
    fields?: Record<string, (object: KubeObject) => string>;
  } = {},
): ResourceType {
  const extra = options.fields ?? {};
  return {
    name,
    group: options.group ?? '',
    version: options.version ?? 'v1',
    singularName: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced: options.namespaced ?? true,
    shortNames: options.shortNames ?? [],
    categories: options.categories ?? [],
    verbs: options.verbs ?? WRITE,
    subresources: options.subresources ?? [],
    fieldNames: new Set(['metadata.name', 'metadata.namespace', ...Object.keys(extra)]),
    fieldsOf: (object) => {
      const fields = metadataFields(object);
      for (const [field, read] of Object.entries(extra)) fields[field] = read(object);
      return fields;
    },
  };
}

const status = (kind: string, group?: string): Subresource => ({ name: 'status', kind, ...(group === undefined ? {} : { group }), verbs: ['get', 'patch', 'update'] });
const scale: Subresource = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
const involved = (field: keyof EventObject['involvedObject']) => (object: KubeObject) => String((object as EventObject).involvedObject[field] ?? '');

export const resourceTypes: Readonly<Record<ResourceName, ResourceType>> = {
  nodes: type('nodes', 'Node', {
    namespaced: false,
    shortNames: ['no'],
    verbs: ['get', 'list', 'patch', 'update', 'watch'],
    subresources: [status('Node')],
    fields: { 'spec.unschedulable': (object) => String((object as NodeObject).spec.unschedulable === true) },
  }),
  namespaces: type('namespaces', 'Namespace', {
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    fields: { 'status.phase': (object) => (object as NamespaceObject).status.phase },
  }),
  pods: type('pods', 'Pod', {
    shortNames: ['po'],
    categories: ['all'],
    verbs: WRITE_ALL,
    subresources: [{ name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] }, { name: 'log', kind: 'Pod', verbs: ['get'] }, status('Pod')],
    fields: {
      'spec.nodeName': (object) => (object as PodObject).spec.nodeName ?? '',
      'spec.restartPolicy': (object) => (object as PodObject).spec.restartPolicy,
      'spec.schedulerName': (object) => (object as PodObject).spec.schedulerName,
      'spec.serviceAccountName': (object) => (object as PodObject).spec.serviceAccountName,
      'status.phase': (object) => (object as PodObject).status.phase,
      'status.podIP': (object) => (object as PodObject).status.podIP ?? '',
    },
  }),
  secrets: type('secrets', 'Secret', { verbs: WRITE_ALL, fields: { type: (object) => (object as SecretObject).type } }),
  configmaps: type('configmaps', 'ConfigMap', { shortNames: ['cm'], verbs: WRITE_ALL }),
  ingresses: type('ingresses', 'Ingress', { group: 'networking.k8s.io', shortNames: ['ing'], verbs: WRITE_ALL, subresources: [status('Ingress', 'networking.k8s.io')] }),
  services: type('services', 'Service', { shortNames: ['svc'], categories: ['all'], subresources: [status('Service')] }),
  persistentvolumes: type('persistentvolumes', 'PersistentVolume', { namespaced: false, shortNames: ['pv'], subresources: [status('PersistentVolume')] }),
  persistentvolumeclaims: type('persistentvolumeclaims', 'PersistentVolumeClaim', { shortNames: ['pvc'], subresources: [status('PersistentVolumeClaim')] }),
  events: type('events', 'Event', {
    shortNames: ['ev'],
    verbs: WRITE_ALL,
    fields: {
      'involvedObject.kind': involved('kind'),
      'involvedObject.name': involved('name'),
      'involvedObject.namespace': involved('namespace'),
      'involvedObject.uid': involved('uid'),
      'involvedObject.apiVersion': involved('apiVersion'),
      'involvedObject.resourceVersion': involved('resourceVersion'),
      'involvedObject.fieldPath': involved('fieldPath'),
      reason: (object) => (object as EventObject).reason,
      type: (object) => (object as EventObject).type,
      'source.component': (object) => (object as EventObject).source.component,
    },
  }),
  deployments: type('deployments', 'Deployment', {
    group: 'apps',
    shortNames: ['deploy'],
    categories: ['all'],
    verbs: WRITE_ALL,
    subresources: [scale, status('Deployment', 'apps')],
  }),
  replicasets: type('replicasets', 'ReplicaSet', { group: 'apps', shortNames: ['rs'], categories: ['all'], verbs: WRITE_ALL, subresources: [scale, status('ReplicaSet', 'apps')] }),
  statefulsets: type('statefulsets', 'StatefulSet', {
    group: 'apps',
    shortNames: ['sts'],
    categories: ['all'],
    verbs: WRITE_ALL,
    subresources: [scale, status('StatefulSet', 'apps')],
  }),
  daemonsets: type('daemonsets', 'DaemonSet', { group: 'apps', shortNames: ['ds'], categories: ['all'], verbs: WRITE_ALL, subresources: [status('DaemonSet', 'apps')] }),
  jobs: type('jobs', 'Job', { group: 'batch', categories: ['all'], verbs: WRITE_ALL, subresources: [status('Job', 'batch')] }),
  cronjobs: type('cronjobs', 'CronJob', { group: 'batch', shortNames: ['cj'], categories: ['all'], verbs: WRITE_ALL, subresources: [status('CronJob', 'batch')] }),
  storageclasses: type('storageclasses', 'StorageClass', { group: 'storage.k8s.io', namespaced: false, shortNames: ['sc'], verbs: WRITE_ALL }),
  poddisruptionbudgets: type('poddisruptionbudgets', 'PodDisruptionBudget', {
    group: 'policy',
    shortNames: ['pdb'],
    verbs: WRITE_ALL,
    subresources: [status('PodDisruptionBudget', 'policy')],
  }),
  horizontalpodautoscalers: type('horizontalpodautoscalers', 'HorizontalPodAutoscaler', {
    group: 'autoscaling',
    version: 'v2',
    shortNames: ['hpa'],
    categories: ['all'],
    verbs: WRITE_ALL,
    subresources: [status('HorizontalPodAutoscaler', 'autoscaling')],
  }),
  serviceaccounts: type('serviceaccounts', 'ServiceAccount', { shortNames: ['sa'], verbs: WRITE_ALL }),
  // Trivy Operator's CRD; a cluster may run without it (SimulatedClusterOptions.vulnerabilityReports).
  vulnerabilityreports: type('vulnerabilityreports', 'VulnerabilityReport', {
    group: 'aquasecurity.github.io',
    version: 'v1alpha1',
    shortNames: ['vuln', 'vulns'],
    verbs: WRITE_ALL,
  }),
};

export const resourceNames = Object.keys(resourceTypes) as ResourceName[];

export function apiVersionOf(resource: ResourceName): string {
  const { group, version } = resourceTypes[resource];
  return group === '' ? version : `${group}/${version}`;
}

/** The resource served at `/api/v1/<name>` or `/apis/<group>/<version>/<name>`, if any. */
export function resourceAt(group: string, version: string, name: string): ResourceName | undefined {
  if (!isResourceName(name)) return undefined;
  const type = resourceTypes[name];
  return type.group === group && type.version === version ? name : undefined;
}

export function isResourceName(value: string): value is ResourceName {
  return Object.hasOwn(resourceTypes, value);
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

/** Which resource a kind lives in (ownerReferences and involvedObjects name kinds). */
export function resourceOfKind(kind: string): ResourceName | undefined {
  return resourceNames.find((name) => resourceTypes[name].kind === kind);
}
