/**
 * Turning a manifest (a POSTed or applied body, or one built by the control API) into the object
 * the apiserver would store: validation with the apiserver's messages and the defaults its
 * defaulting functions fill in. Allocation of cluster-wide things (service IPs, node ports) is
 * handed in, since it needs the cluster's state.
 */
import { randomUUID } from 'node:crypto';
import type { ContainerObject, ObjectMeta, PodSpecObject } from './k8s-types.js';
import type { JobSpecObject, KubeObject, LabelSelectorObject, PodTemplateObject, ResourceName } from './object-types.js';
import { parseQuantity } from './quantity.js';
import { apiVersionOf, resourceTypes } from './resources.js';
import { buildConfigMap } from './config-maps.js';
import { buildSecret } from './secrets.js';
import { buildHorizontalPodAutoscaler } from './autoscalers.js';
import { buildServiceAccount } from './service-accounts.js';
import { labelSelectorMatcher } from './selectors.js';

/** A manifest the apiserver refuses; `code` 422 Invalid unless said otherwise. */
export class ManifestError extends Error {
  constructor(
    message: string,
    readonly code = 422,
    readonly reason = 'Invalid',
  ) {
    super(message);
  }
}

export interface Allocators {
  clusterIP(): string;
  nodePort(): number;
  defaultStorageClass(): string | undefined;
}

type Json = Record<string, unknown>;

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const GENERATION_TRACKED = new Set<ResourceName>([
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'poddisruptionbudgets',
  'horizontalpodautoscalers',
]);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown): Json {
  return isObject(value) ? value : {};
}

/** A deep copy of `value` without `field`. */
function without(value: Json, field: string): Json {
  const { [field]: _dropped, ...rest } = structuredClone(value);
  return rest;
}

function stringMap(value: unknown, field: string, invalid: (message: string) => ManifestError): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || Object.values(value).some((entry) => typeof entry !== 'string')) throw invalid(`${field}: Invalid value: must be a map of strings`);
  return { ...(value as Record<string, string>) };
}

function nonNegativeInteger(value: unknown, fallback: number, field: string, invalid: (message: string) => ManifestError): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalid(`${field}: Invalid value: ${JSON.stringify(value)}: must be greater than or equal to 0`);
  }
  return value;
}

/**
 * Validates the identity part of a manifest against the URL it was sent to and builds fresh
 * metadata. `name` may be undefined when generateName is given: the caller picks a free name.
 */
export function newMetadata(resource: ResourceName, body: unknown, namespace: string | undefined): { metadata: ObjectMeta; invalid: (message: string) => ManifestError } {
  const type = resourceTypes[resource];
  if (!isObject(body)) throw new ManifestError(`the request body is not a ${type.kind} object`, 400, 'BadRequest');
  const apiVersion = body['apiVersion'];
  const kind = body['kind'];
  if ((kind !== undefined && kind !== type.kind) || (apiVersion !== undefined && apiVersion !== apiVersionOf(resource))) {
    throw new ManifestError(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${apiVersionOf(resource)})`, 400, 'BadRequest');
  }
  const meta = object(body['metadata']);
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const generateName = typeof meta['generateName'] === 'string' ? meta['generateName'] : undefined;
  const invalid = (message: string) => new ManifestError(`${type.kind} "${name}" is invalid: ${message}`);
  if (meta['namespace'] !== undefined && namespace !== undefined && meta['namespace'] !== namespace) {
    throw new ManifestError('the namespace of the provided object does not match the namespace sent on the request', 400, 'BadRequest');
  }
  if (name === '' && generateName === undefined) throw invalid('metadata.name: Required value: name or generateName is required');
  if (name !== '' && (!NAME.test(name) || name.length > 253)) {
    throw invalid(
      `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  }
  const labels = stringMap(meta['labels'], 'metadata.labels', invalid);
  const annotations = stringMap(meta['annotations'], 'metadata.annotations', invalid);
  const finalizers = finalizerList(meta['finalizers'], invalid);
  const metadata: ObjectMeta = {
    name,
    ...(type.namespaced && namespace !== undefined ? { namespace } : {}),
    ...(generateName === undefined ? {} : { generateName }),
    uid: randomUUID(),
    resourceVersion: '',
    creationTimestamp: new Date().toISOString(),
    ...(labels === undefined ? {} : { labels }),
    ...(annotations === undefined ? {} : { annotations }),
    ...(Array.isArray(meta['ownerReferences']) ? { ownerReferences: structuredClone(meta['ownerReferences']) as ObjectMeta['ownerReferences'] } : {}),
    ...(finalizers === undefined ? {} : { finalizers }),
    ...(GENERATION_TRACKED.has(resource) ? { generation: 1 } : {}),
  };
  return { metadata, invalid };
}

function finalizerList(value: unknown, invalid: (message: string) => ManifestError): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string' || entry === '')) throw invalid('metadata.finalizers: Invalid value: must be a list of names');
  return value.length === 0 ? undefined : [...new Set(value as string[])];
}

export function podSpecDefaults(value: unknown, field: string, invalid: (message: string) => ManifestError, restartPolicy = 'Always'): PodSpecObject {
  const spec = structuredClone(object(value)) as Partial<PodSpecObject> & Json;
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  if (containers.length === 0) throw invalid(`${field}.containers: Required value`);
  containers.forEach((container: Partial<ContainerObject>, index) => {
    if (typeof container.name !== 'string' || container.name === '') throw invalid(`${field}.containers[${index}].name: Required value`);
    if (typeof container.image !== 'string' || container.image === '') throw invalid(`${field}.containers[${index}].image: Required value`);
    for (const [kind, list] of Object.entries(container.resources ?? {})) {
      for (const [resource, quantity] of Object.entries(object(list))) {
        if (parseQuantity(quantity) === undefined) {
          throw invalid(`${field}.containers[${index}].resources.${kind}[${resource}]: Invalid value: ${JSON.stringify(quantity)}: must be a valid quantity`);
        }
      }
    }
  });
  return {
    ...spec,
    containers: containers.map((container: ContainerObject) => ({
      ...container,
      ...(Array.isArray(container.ports) ? { ports: container.ports.map((port) => ({ ...port, protocol: port.protocol ?? 'TCP' })) } : {}),
      imagePullPolicy: container.imagePullPolicy ?? (container.image.endsWith(':latest') || !container.image.includes(':') ? 'Always' : 'IfNotPresent'),
      resources: container.resources ?? {},
    })),
    restartPolicy: typeof spec.restartPolicy === 'string' ? spec.restartPolicy : restartPolicy,
    schedulerName: typeof spec.schedulerName === 'string' ? spec.schedulerName : 'default-scheduler',
    serviceAccountName: typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : 'default',
    dnsPolicy: typeof spec.dnsPolicy === 'string' ? spec.dnsPolicy : 'ClusterFirst',
    terminationGracePeriodSeconds: typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30,
  };
}

function template(value: unknown, field: string, invalid: (message: string) => ManifestError, restartPolicy?: string): PodTemplateObject {
  const raw = object(value);
  const meta = object(raw['metadata']);
  const labels = stringMap(meta['labels'], `${field}.metadata.labels`, invalid);
  const annotations = stringMap(meta['annotations'], `${field}.metadata.annotations`, invalid);
  return {
    metadata: { ...(labels === undefined ? {} : { labels }), ...(annotations === undefined ? {} : { annotations }) },
    spec: podSpecDefaults(raw['spec'], `${field}.spec`, invalid, restartPolicy),
  };
}

function selector(value: unknown, templateLabels: Record<string, string> | undefined, invalid: (message: string) => ManifestError): LabelSelectorObject {
  if (!isObject(value) || (value['matchLabels'] === undefined && value['matchExpressions'] === undefined)) throw invalid('spec.selector: Required value');
  const parsed = structuredClone(value) as LabelSelectorObject;
  let matches: (labels: Readonly<Record<string, string>>) => boolean;
  try {
    matches = labelSelectorMatcher(parsed);
  } catch (error) {
    throw invalid(`spec.selector: Invalid value: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!matches(templateLabels ?? {})) throw invalid('spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`');
  return parsed;
}

function intOrPercent(value: unknown, fallback: number | string): number | string {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+%?$/.test(value)) ? value : fallback;
}

/** The stored form of a manifest for `resource`; `metadata` comes from newMetadata (name settled). */
export function buildObject(resource: ResourceName, body: Json, metadata: ObjectMeta, invalid: (message: string) => ManifestError, allocators: Allocators): KubeObject {
  const spec = object(body['spec']);
  const base = { apiVersion: apiVersionOf(resource), kind: resourceTypes[resource].kind, metadata };
  switch (resource) {
    case 'deployments': {
      const podTemplate = template(spec['template'], 'spec.template', invalid);
      const rolling = object(object(spec['strategy'])['rollingUpdate']);
      const strategyType = object(spec['strategy'])['type'] === 'Recreate' ? 'Recreate' : 'RollingUpdate';
      return {
        ...base,
        spec: {
          ...without(spec, 'paused'),
          replicas: nonNegativeInteger(spec['replicas'], 1, 'spec.replicas', invalid),
          selector: selector(spec['selector'], podTemplate.metadata.labels, invalid),
          template: podTemplate,
          ...(spec['minReadySeconds'] === undefined ? {} : { minReadySeconds: nonNegativeInteger(spec['minReadySeconds'], 0, 'spec.minReadySeconds', invalid) }),
          strategy:
            strategyType === 'Recreate'
              ? { type: 'Recreate' }
              : { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrPercent(rolling['maxSurge'], '25%'), maxUnavailable: intOrPercent(rolling['maxUnavailable'], '25%') } },
          revisionHistoryLimit: nonNegativeInteger(spec['revisionHistoryLimit'], 10, 'spec.revisionHistoryLimit', invalid),
          progressDeadlineSeconds: nonNegativeInteger(spec['progressDeadlineSeconds'], 600, 'spec.progressDeadlineSeconds', invalid),
          ...(spec['paused'] === true ? { paused: true } : {}),
        },
        status: {},
      } as KubeObject;
    }
    case 'statefulsets': {
      const podTemplate = template(spec['template'], 'spec.template', invalid);
      const rolling = object(object(spec['updateStrategy'])['rollingUpdate']);
      return {
        ...base,
        spec: {
          ...structuredClone(spec),
          replicas: nonNegativeInteger(spec['replicas'], 1, 'spec.replicas', invalid),
          selector: selector(spec['selector'], podTemplate.metadata.labels, invalid),
          template: podTemplate,
          serviceName: typeof spec['serviceName'] === 'string' ? spec['serviceName'] : '',
          podManagementPolicy: spec['podManagementPolicy'] === 'Parallel' ? 'Parallel' : 'OrderedReady',
          updateStrategy:
            object(spec['updateStrategy'])['type'] === 'OnDelete'
              ? { type: 'OnDelete' }
              : {
                  type: 'RollingUpdate',
                  rollingUpdate: {
                    partition: nonNegativeInteger(rolling['partition'], 0, 'spec.updateStrategy.rollingUpdate.partition', invalid),
                    ...(rolling['maxUnavailable'] === undefined ? {} : { maxUnavailable: intOrPercent(rolling['maxUnavailable'], 1) }),
                  },
                },
          revisionHistoryLimit: nonNegativeInteger(spec['revisionHistoryLimit'], 10, 'spec.revisionHistoryLimit', invalid),
          ...(Array.isArray(spec['volumeClaimTemplates']) ? { volumeClaimTemplates: structuredClone(spec['volumeClaimTemplates']) } : {}),
        },
        status: { replicas: 0 },
      } as KubeObject;
    }
    case 'daemonsets': {
      const podTemplate = template(spec['template'], 'spec.template', invalid);
      const rolling = object(object(spec['updateStrategy'])['rollingUpdate']);
      return {
        ...base,
        spec: {
          ...structuredClone(spec),
          selector: selector(spec['selector'], podTemplate.metadata.labels, invalid),
          template: podTemplate,
          updateStrategy:
            object(spec['updateStrategy'])['type'] === 'OnDelete'
              ? { type: 'OnDelete' }
              : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: intOrPercent(rolling['maxUnavailable'], 1), maxSurge: intOrPercent(rolling['maxSurge'], 0) } },
          revisionHistoryLimit: nonNegativeInteger(spec['revisionHistoryLimit'], 10, 'spec.revisionHistoryLimit', invalid),
        },
        status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
      } as KubeObject;
    }
    case 'jobs':
      return { ...base, spec: jobSpec(spec, metadata, invalid, 'spec'), status: {} } as KubeObject;
    case 'cronjobs': {
      if (typeof spec['schedule'] !== 'string' || spec['schedule'].trim() === '') throw invalid('spec.schedule: Required value');
      if (spec['schedule'].trim().split(/\s+/).length !== 5 && !spec['schedule'].startsWith('@')) {
        throw invalid(`spec.schedule: Invalid value: "${spec['schedule']}": expected exactly 5 fields, found ${spec['schedule'].trim().split(/\s+/).length}`);
      }
      const jobTemplate = object(spec['jobTemplate']);
      const jobTemplateSpec = object(jobTemplate['spec']);
      const podTemplate = template(jobTemplateSpec['template'], 'spec.jobTemplate.spec.template', invalid, 'Never');
      checkJobRestartPolicy(podTemplate, 'spec.jobTemplate.spec.template', invalid);
      return {
        ...base,
        spec: {
          schedule: spec['schedule'],
          ...(typeof spec['timeZone'] === 'string' ? { timeZone: spec['timeZone'] } : {}),
          concurrencyPolicy: spec['concurrencyPolicy'] === 'Forbid' || spec['concurrencyPolicy'] === 'Replace' ? spec['concurrencyPolicy'] : 'Allow',
          suspend: spec['suspend'] === true,
          successfulJobsHistoryLimit: nonNegativeInteger(spec['successfulJobsHistoryLimit'], 3, 'spec.successfulJobsHistoryLimit', invalid),
          failedJobsHistoryLimit: nonNegativeInteger(spec['failedJobsHistoryLimit'], 1, 'spec.failedJobsHistoryLimit', invalid),
          jobTemplate: {
            ...(jobTemplate['metadata'] === undefined ? {} : { metadata: structuredClone(object(jobTemplate['metadata'])) }),
            spec: {
              parallelism: nonNegativeInteger(jobTemplateSpec['parallelism'], 1, 'spec.jobTemplate.spec.parallelism', invalid),
              completions: nonNegativeInteger(jobTemplateSpec['completions'], 1, 'spec.jobTemplate.spec.completions', invalid),
              backoffLimit: nonNegativeInteger(jobTemplateSpec['backoffLimit'], 6, 'spec.jobTemplate.spec.backoffLimit', invalid),
              completionMode: 'NonIndexed',
              suspend: false,
              template: podTemplate,
            },
          },
        },
        status: {},
      } as KubeObject;
    }
    case 'services':
      return { ...base, ...serviceParts(spec, invalid, allocators) } as KubeObject;
    case 'persistentvolumes': {
      const storage = object(spec['capacity'])['storage'];
      if (parseQuantity(storage) === undefined) throw invalid('spec.capacity: Required value');
      return {
        ...base,
        spec: {
          ...structuredClone(spec),
          capacity: { storage: String(storage) },
          accessModes: Array.isArray(spec['accessModes']) ? (spec['accessModes'] as string[]) : ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy:
            spec['persistentVolumeReclaimPolicy'] === 'Delete' || spec['persistentVolumeReclaimPolicy'] === 'Recycle' ? spec['persistentVolumeReclaimPolicy'] : 'Retain',
          volumeMode: spec['volumeMode'] === 'Block' ? 'Block' : 'Filesystem',
        },
        status: { phase: 'Available', lastPhaseTransitionTime: metadata.creationTimestamp },
      } as KubeObject;
    }
    case 'persistentvolumeclaims': {
      const storage = object(object(spec['resources'])['requests'])['storage'];
      if (parseQuantity(storage) === undefined) throw invalid('spec.resources[storage]: Required value');
      const storageClassName = typeof spec['storageClassName'] === 'string' ? spec['storageClassName'] : allocators.defaultStorageClass();
      return {
        ...base,
        spec: {
          ...structuredClone(spec),
          accessModes: Array.isArray(spec['accessModes']) ? (spec['accessModes'] as string[]) : ['ReadWriteOnce'],
          resources: { requests: { storage: String(storage) } },
          ...(storageClassName === undefined ? {} : { storageClassName }),
          volumeMode: spec['volumeMode'] === 'Block' ? 'Block' : 'Filesystem',
          ...(typeof spec['volumeName'] === 'string' ? { volumeName: spec['volumeName'] } : {}),
        },
        status: { phase: 'Pending' },
      } as KubeObject;
    }
    case 'storageclasses':
      if (typeof body['provisioner'] !== 'string' || body['provisioner'] === '') throw invalid('provisioner: Required value');
      return {
        ...base,
        provisioner: body['provisioner'],
        reclaimPolicy: body['reclaimPolicy'] === 'Retain' ? 'Retain' : 'Delete',
        volumeBindingMode: body['volumeBindingMode'] === 'WaitForFirstConsumer' ? 'WaitForFirstConsumer' : 'Immediate',
        ...(typeof body['allowVolumeExpansion'] === 'boolean' ? { allowVolumeExpansion: body['allowVolumeExpansion'] } : {}),
        ...(isObject(body['parameters']) ? { parameters: structuredClone(body['parameters']) } : {}),
      } as KubeObject;
    case 'poddisruptionbudgets': {
      const minAvailable = spec['minAvailable'];
      const maxUnavailable = spec['maxUnavailable'];
      if (minAvailable !== undefined && maxUnavailable !== undefined) throw invalid('spec: Invalid value: minAvailable and maxUnavailable cannot be both set');
      if (!isObject(spec['selector'])) throw invalid('spec.selector: Required value');
      return {
        ...base,
        spec: {
          ...(minAvailable === undefined ? {} : { minAvailable: intOrPercent(minAvailable, 1) }),
          ...(maxUnavailable === undefined ? {} : { maxUnavailable: intOrPercent(maxUnavailable, 1) }),
          selector: structuredClone(spec['selector']),
        },
        status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
      } as KubeObject;
    }
    case 'namespaces':
      return {
        ...base,
        metadata: { ...metadata, labels: { 'kubernetes.io/metadata.name': metadata.name, ...metadata.labels } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      } as KubeObject;
    case 'secrets':
      return buildSecret(body, { ...metadata, namespace: metadata.namespace ?? '' }, invalid);
    case 'configmaps':
      return buildConfigMap(body, { ...metadata, namespace: metadata.namespace ?? '' }, invalid);
    case 'serviceaccounts':
      return buildServiceAccount(body, { ...metadata, namespace: metadata.namespace ?? '' }, invalid);
    case 'horizontalpodautoscalers':
      return buildHorizontalPodAutoscaler(body, { ...metadata, namespace: metadata.namespace ?? '' }, invalid);
    case 'ingresses':
      return { ...base, spec: ingressSpec(spec, invalid), status: { loadBalancer: {} } } as KubeObject;
    case 'vulnerabilityreports':
      if (!isObject(body['report'])) throw invalid('report: Required value');
      return { ...base, report: structuredClone(body['report']) } as KubeObject;
    case 'events':
      return { ...structuredClone(body), ...base, count: typeof body['count'] === 'number' ? body['count'] : 1 } as KubeObject;
    default:
      throw new ManifestError(`${resourceTypes[resource].kind} objects cannot be created through this path`, 405, 'MethodNotAllowed');
  }
}

function checkJobRestartPolicy(podTemplate: PodTemplateObject, field: string, invalid: (message: string) => ManifestError): void {
  if (podTemplate.spec.restartPolicy !== 'Never' && podTemplate.spec.restartPolicy !== 'OnFailure') {
    throw invalid(`${field}.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`);
  }
}

export function jobSpec(spec: Json, metadata: ObjectMeta, invalid: (message: string) => ManifestError, field: string): JobSpecObject {
  const podTemplate = template(spec['template'], `${field}.template`, invalid, 'Never');
  checkJobRestartPolicy(podTemplate, `${field}.template`, invalid);
  // The job controller selects its pods by the job's uid, and labels the template so.
  const controllerLabels = {
    'batch.kubernetes.io/controller-uid': metadata.uid,
    'batch.kubernetes.io/job-name': metadata.name,
    'controller-uid': metadata.uid,
    'job-name': metadata.name,
  };
  podTemplate.metadata.labels = { ...podTemplate.metadata.labels, ...controllerLabels };
  return {
    parallelism: nonNegativeInteger(spec['parallelism'], 1, `${field}.parallelism`, invalid),
    completions: nonNegativeInteger(spec['completions'], 1, `${field}.completions`, invalid),
    backoffLimit: nonNegativeInteger(spec['backoffLimit'], 6, `${field}.backoffLimit`, invalid),
    completionMode: 'NonIndexed',
    suspend: spec['suspend'] === true,
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': metadata.uid } },
    manualSelector: false,
    ...(typeof spec['ttlSecondsAfterFinished'] === 'number' ? { ttlSecondsAfterFinished: spec['ttlSecondsAfterFinished'] } : {}),
    template: podTemplate,
  };
}

function serviceParts(spec: Json, invalid: (message: string) => ManifestError, allocators: Allocators): Json {
  const type = spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer' || spec['type'] === 'ExternalName' ? spec['type'] : 'ClusterIP';
  const rawPorts = Array.isArray(spec['ports']) ? (spec['ports'] as unknown[]) : [];
  if (rawPorts.length === 0 && type !== 'ExternalName' && spec['clusterIP'] !== 'None') throw invalid('spec.ports: Required value');
  const ports = rawPorts.map((entry, index) => {
    const port = object(entry);
    if (typeof port['port'] !== 'number' || !Number.isInteger(port['port']) || port['port'] < 1 || port['port'] > 65535) {
      throw invalid(`spec.ports[${index}].port: Invalid value: ${JSON.stringify(port['port'])}: must be between 1 and 65535, inclusive`);
    }
    const needsNodePort = type === 'NodePort' || type === 'LoadBalancer';
    return {
      ...(typeof port['name'] === 'string' ? { name: port['name'] } : {}),
      protocol: typeof port['protocol'] === 'string' ? port['protocol'] : 'TCP',
      port: port['port'],
      targetPort: typeof port['targetPort'] === 'number' || typeof port['targetPort'] === 'string' ? port['targetPort'] : port['port'],
      ...(needsNodePort ? { nodePort: typeof port['nodePort'] === 'number' ? port['nodePort'] : allocators.nodePort() } : {}),
    };
  });
  const headless = spec['clusterIP'] === 'None';
  const clusterIP =
    type === 'ExternalName' ? '' : headless ? 'None' : typeof spec['clusterIP'] === 'string' && spec['clusterIP'] !== '' ? spec['clusterIP'] : allocators.clusterIP();
  const selector = isObject(spec['selector']) ? { selector: structuredClone(spec['selector']) } : {};
  return {
    spec: {
      ...structuredClone(spec),
      type,
      ...selector,
      ports,
      ...(type === 'ExternalName'
        ? { externalName: typeof spec['externalName'] === 'string' ? spec['externalName'] : '' }
        : { clusterIP, clusterIPs: [clusterIP], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' }),
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ...(type === 'NodePort' || type === 'LoadBalancer' ? { externalTrafficPolicy: 'Cluster' } : {}),
    },
    // A load balancer's address comes later, from the service controller (controllers/services.ts).
    status: { loadBalancer: {} },
  };
}

const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'];

function checkBackend(value: unknown, field: string, invalid: (message: string) => ManifestError): void {
  const backend = object(value);
  const service = object(backend['service']);
  const hasService = typeof service['name'] === 'string' && service['name'] !== '';
  if (hasService === isObject(backend['resource'])) throw invalid(`${field}: Invalid value: "": one backend (service or resource) must be specified`);
  if (hasService) {
    const port = object(service['port']);
    if (typeof port['number'] !== 'number' && typeof port['name'] !== 'string') throw invalid(`${field}.service.port: Invalid value: "": port name or number is required`);
  }
}

/** networking.k8s.io/v1 Ingress: a default backend or rules, each path with a pathType and one backend. */
function ingressSpec(spec: Json, invalid: (message: string) => ManifestError): Json {
  const rules = Array.isArray(spec['rules']) ? (spec['rules'] as unknown[]) : [];
  if (rules.length === 0 && spec['defaultBackend'] === undefined) throw invalid('spec: Invalid value: "": either `defaultBackend` or `rules` must be specified');
  if (spec['defaultBackend'] !== undefined) checkBackend(spec['defaultBackend'], 'spec.defaultBackend', invalid);
  rules.forEach((rule, ruleIndex) => {
    const paths = object(object(rule)['http'])['paths'];
    (Array.isArray(paths) ? (paths as unknown[]) : []).forEach((entry, pathIndex) => {
      const field = `spec.rules[${ruleIndex}].http.paths[${pathIndex}]`;
      const pathType = object(entry)['pathType'];
      if (pathType === undefined) throw invalid(`${field}.pathType: Required value: pathType must be specified`);
      if (typeof pathType !== 'string' || !PATH_TYPES.includes(pathType)) {
        throw invalid(`${field}.pathType: Unsupported value: ${JSON.stringify(pathType)}: supported values: "Exact", "ImplementationSpecific", "Prefix"`);
      }
      checkBackend(object(entry)['backend'], `${field}.backend`, invalid);
    });
  });
  return structuredClone(spec);
}
