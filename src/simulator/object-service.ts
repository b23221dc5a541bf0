/**
 * Writes to the simulated cluster — create, replace, patch, delete, scale, evict — with the
 * apiserver's checks and answers. The REST handlers and the control API both come through here,
 * so an object added by a test and one POSTed by kubectl are made the same way.
 */
import { alreadyExists, ApiError, badRequest, conflict, namespaceNotFound, objectNotFound } from './api-errors.js';
import type { ClusterState } from './cluster-state.js';
import { canonicalJson } from './controllers/context.js';
import { budgetsFor } from './controllers/disruption.js';
import { defaultStorageClassName } from './controllers/storage.js';
import type { EventRecorder } from './controllers/events.js';
import type { Kubelet } from './controllers/kubelet.js';
import type { ControllerManager } from './controllers/manager.js';
import type { NodeObject, ObjectMeta, PodObject } from './k8s-types.js';
import { buildObject, ManifestError, newMetadata, podSpecDefaults, type Allocators } from './manifests.js';
import type { DeploymentObject, KubeObject, ReplicaSetObject, ResourceName, SecretObject, StatefulSetObject } from './object-types.js';
import { applyPatch, type PatchType } from './patches.js';
import { objectKey, resourceNames, resourceTypes } from './resources.js';
import { buildSecret } from './secrets.js';
import { labelSelectorText } from './selectors.js';
import { ObjectConflict, type ObjectFor, type ObjectStore } from './store.js';

export type ScalableResource = 'deployments' | 'replicasets' | 'statefulsets';

export interface ScaleObject {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string };
  spec: { replicas: number };
  status: { replicas: number; selector: string };
}

type Json = Record<string, unknown>;

export function isScalable(resource: ResourceName): resource is ScalableResource {
  return resource === 'deployments' || resource === 'replicasets' || resource === 'statefulsets';
}

export class ObjectService {
  private nextClusterIP = 10;
  private nextNodePort = 30080;
  private nextLoadBalancerIP = 240;

  constructor(
    private readonly store: ObjectStore,
    private readonly state: ClusterState,
    private readonly controllers: ControllerManager,
    private readonly kubelet: Kubelet,
    private readonly events: EventRecorder,
  ) {}

  readonly allocators: Allocators = {
    clusterIP: () => {
      const index = this.nextClusterIP++;
      return `10.96.${Math.floor(index / 254) % 256}.${(index % 254) + 1}`;
    },
    nodePort: () => {
      const port = this.nextNodePort++;
      return 30000 + ((port - 30000) % 2768);
    },
    loadBalancerIP: () => `192.168.100.${this.nextLoadBalancerIP++ % 256}`,
    defaultStorageClass: () => defaultStorageClassName(this.store),
  };

  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject {
    const object = this.store.get(resource, objectKey(resourceTypes[resource].namespaced ? namespace : undefined, name));
    if (object === undefined) throw objectNotFound(resource, name);
    return object;
  }

  /** POST: a new object from a manifest. `settled` (control API seeding) reconciles at once, quietly. */
  create(resource: ResourceName, namespace: string | undefined, body: unknown, options: { settled?: boolean; createdAt?: Date } = {}): KubeObject {
    const create = () => this.createNow(resource, namespace, body, options.createdAt);
    return options.settled === true ? this.controllers.settle(create) : create();
  }

  /** PUT: the whole object; a stale metadata.resourceVersion is a 409 Conflict. */
  replace(resource: ResourceName, namespace: string | undefined, name: string, body: unknown): KubeObject {
    const current = this.get(resource, namespace, name);
    const sent = isObject(body) ? body : {};
    const sentVersion = isObject(sent['metadata']) ? sent['metadata']['resourceVersion'] : undefined;
    if (typeof sentVersion === 'string' && sentVersion !== '' && sentVersion !== current.metadata.resourceVersion) throw conflict(resource, name);
    const sentName = isObject(sent['metadata']) ? sent['metadata']['name'] : undefined;
    if (sentName !== undefined && sentName !== name) throw badRequest('the name of the object does not match the name on the URL');
    return this.store_(resource, current, sent);
  }

  /** PATCH in any of its flavours; apply (server-side) creates the object when it is missing. */
  patch(resource: ResourceName, namespace: string | undefined, name: string, type: PatchType, body: unknown): { object: KubeObject; created: boolean } {
    const key = objectKey(resourceTypes[resource].namespaced ? namespace : undefined, name);
    const current = this.store.get(resource, key);
    if (current === undefined) {
      if (type !== 'apply') throw objectNotFound(resource, name);
      const manifest = isObject(body) ? { ...body, metadata: { ...(isObject(body['metadata']) ? body['metadata'] : {}), name } } : body;
      return { object: this.create(resource, namespace, manifest), created: true };
    }
    if (type === 'apply' && isObject(body)) {
      const kind = body['kind'];
      if (kind !== undefined && kind !== current.kind)
        throw badRequest(`the kind in the applied manifest (${typeof kind === 'string' ? kind : JSON.stringify(kind)}) does not match ${current.kind}`);
    }
    const patched = applyPatch(type, current, body);
    if (!isObject(patched)) throw new ApiError(422, 'Invalid', 'the patched object is not an object');
    const patchedMeta = isObject(patched['metadata']) ? patched['metadata'] : {};
    const sentVersion = type === 'apply' || !isObject(body) || !isObject(body['metadata']) ? undefined : body['metadata']['resourceVersion'];
    if (typeof sentVersion === 'string' && sentVersion !== current.metadata.resourceVersion) throw conflict(resource, name);
    return { object: this.store_(resource, current, { ...patched, metadata: { ...patchedMeta, resourceVersion: current.metadata.resourceVersion } }), created: false };
  }

  /** DELETE: dependents follow in the background unless `propagationPolicy` is Orphan. */
  remove(resource: ResourceName, namespace: string | undefined, name: string, propagationPolicy: string | undefined): KubeObject {
    const current = this.get(resource, namespace, name);
    if (propagationPolicy === 'Orphan') {
      for (const dependentResource of resourceNames) {
        for (const dependent of this.store.dependents(dependentResource, current.metadata.uid)) {
          this.store.update(dependentResource, objectKey(dependent.metadata.namespace, dependent.metadata.name), (draft: KubeObject) => {
            draft.metadata.ownerReferences = (draft.metadata.ownerReferences ?? []).filter((reference) => reference.uid !== current.metadata.uid);
          });
        }
      }
    }
    switch (resource) {
      case 'pods': {
        const pod = current as PodObject;
        if (pod.status.phase === 'Running') {
          for (const container of pod.spec.containers) {
            this.events.record({
              involvedObject: {
                apiVersion: 'v1',
                kind: 'Pod',
                name: pod.metadata.name,
                namespace: pod.metadata.namespace,
                uid: pod.metadata.uid,
                fieldPath: `spec.containers{${container.name}}`,
              },
              reason: 'Killing',
              message: `Stopping container ${container.name}`,
              source: { component: 'kubelet', ...(pod.spec.nodeName === undefined ? {} : { host: pod.spec.nodeName }) },
            });
          }
        }
        return this.state.deletePod(pod.metadata.namespace, pod.metadata.name);
      }
      case 'namespaces':
        this.state.removeNamespace(name);
        return { ...current, status: { phase: 'Terminating' } } as KubeObject;
      case 'nodes':
        this.state.removeNode(name);
        return current;
      default:
        return this.store.delete(resource, objectKey(current.metadata.namespace, name));
    }
  }

  scaleOf(resource: ScalableResource, namespace: string, name: string): ScaleObject {
    const object = this.get(resource, namespace, name) as DeploymentObject | ReplicaSetObject | StatefulSetObject;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name,
        namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
        creationTimestamp: object.metadata.creationTimestamp,
      },
      spec: { replicas: object.spec.replicas },
      status: { replicas: object.status.replicas ?? 0, selector: labelSelectorText(object.spec.selector) },
    };
  }

  /** PUT/PATCH of the scale subresource: only spec.replicas changes. */
  setScale(resource: ScalableResource, namespace: string, name: string, type: PatchType | 'replace', body: unknown): ScaleObject {
    const scale = this.scaleOf(resource, namespace, name);
    const next = type === 'replace' ? body : applyPatch(type, scale, body);
    const spec = isObject(next) && isObject(next['spec']) ? next['spec'] : {};
    const replicas = spec['replicas'];
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
    }
    const sentVersion = isObject(next) && isObject(next['metadata']) ? next['metadata']['resourceVersion'] : undefined;
    if (type === 'replace' && typeof sentVersion === 'string' && sentVersion !== '' && sentVersion !== scale.metadata.resourceVersion) throw conflict(resource, name);
    this.patch(resource, namespace, name, 'merge', { spec: { replicas } });
    return this.scaleOf(resource, namespace, name);
  }

  /**
   * policy/v1 Eviction: deletes the pod when every budget that covers it allows a disruption;
   * otherwise 429, as the apiserver answers and `kubectl drain` retries on.
   */
  evict(namespace: string, name: string): void {
    const pod = this.store.get('pods', objectKey(namespace, name));
    if (pod === undefined) throw objectNotFound('pods', name);
    // Pods that are not running cannot be disrupted further: no budget applies (as in the apiserver).
    const ignoresBudgets = pod.status.phase !== 'Running' || pod.metadata.deletionTimestamp !== undefined;
    const budgets = ignoresBudgets ? [] : budgetsFor(this.store, pod);
    if (budgets.length > 1) {
      throw new ApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    const budget = budgets[0];
    if (budget !== undefined) {
      if (budget.status.disruptionsAllowed <= 0) {
        throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
          causes: [
            {
              reason: 'DisruptionBudget',
              message: `The disruption budget ${budget.metadata.name} needs ${budget.status.desiredHealthy} healthy pods and has ${budget.status.currentHealthy} currently`,
            },
          ],
        });
      }
      this.store.update('poddisruptionbudgets', objectKey(namespace, budget.metadata.name), (draft) => {
        draft.status.disruptionsAllowed -= 1;
      });
    }
    this.events.record({ involvedObject: pod, reason: 'Evicted', message: 'Evicted by the eviction API', type: 'Normal', source: { component: 'kube-apiserver' } });
    this.remove('pods', namespace, name, undefined);
  }

  private createNow(resource: ResourceName, namespace: string | undefined, body: unknown, createdAt: Date | undefined): KubeObject {
    const type = resourceTypes[resource];
    if (type.namespaced && namespace === undefined) throw badRequest(`${type.kind} objects are namespaced: create them in a namespace`);
    if (type.namespaced && namespace !== undefined && !this.state.hasNamespace(namespace)) throw namespaceNotFound(namespace);
    const { metadata, invalid } = manifestCall(() => newMetadata(resource, body, type.namespaced ? namespace : undefined));
    const manifest = body as Json;
    if (metadata.name === '') metadata.name = this.freeName(resource, namespace, metadata.generateName ?? '');
    if (createdAt !== undefined) metadata.creationTimestamp = createdAt.toISOString();
    if (this.store.get(resource, objectKey(metadata.namespace, metadata.name)) !== undefined) throw alreadyExists(resource, metadata.name);
    if (resource === 'pods') return this.createPod(metadata, manifest, invalid);
    if (resource === 'nodes') throw new ApiError(405, 'MethodNotAllowed', 'nodes join the simulated cluster through its control API');
    const object = manifestCall(() => buildObject(resource, manifest, metadata, invalid, this.allocators));
    try {
      return this.store.create(resource, object as ObjectFor<typeof resource>);
    } catch (error) {
      if (error instanceof ObjectConflict) throw alreadyExists(resource, metadata.name);
      throw error;
    }
  }

  private createPod(metadata: ObjectMeta, manifest: Json, invalid: (message: string) => ManifestError): PodObject {
    const spec = manifestCall(() => podSpecDefaults(manifest['spec'], 'spec', invalid));
    const requestedNode = spec.nodeName;
    const namespace = metadata.namespace ?? 'default';
    const created = this.state.createPodFromTemplate({
      namespace,
      name: metadata.name,
      template: {
        metadata: { ...(metadata.labels === undefined ? {} : { labels: metadata.labels }), ...(metadata.annotations === undefined ? {} : { annotations: metadata.annotations }) },
        spec,
      },
      ...(metadata.ownerReferences === undefined ? {} : { ownerReferences: metadata.ownerReferences }),
      ...(requestedNode === undefined ? {} : { nodeName: requestedNode }),
      phase: 'Pending',
      ...(metadata.generateName === undefined ? {} : { generateName: metadata.generateName }),
    });
    if (created.spec.nodeName !== undefined) {
      if (requestedNode === undefined) {
        this.events.record({
          involvedObject: created,
          reason: 'Scheduled',
          message: `Successfully assigned ${namespace}/${created.metadata.name} to ${created.spec.nodeName}`,
          source: { component: 'default-scheduler' },
        });
      }
      this.kubelet.startSoon(created);
    }
    return created;
  }

  /** Validates and stores `next` in place of `current` (PUT, PATCH, apply). */
  private store_(resource: ResourceName, current: KubeObject, next: Json): KubeObject {
    const key = objectKey(current.metadata.namespace, current.metadata.name);
    const nextMeta = isObject(next['metadata']) ? next['metadata'] : {};
    if (resource === 'nodes') return this.updateNode(current as NodeObject, next, nextMeta);
    if (resource === 'pods') return this.updatePod(current as PodObject, next, nextMeta);
    const type = resourceTypes[resource];
    const invalid = (message: string) => new ManifestError(`${type.kind} "${current.metadata.name}" is invalid: ${message}`);
    const metadata: ObjectMeta = {
      ...current.metadata,
      ...labelsAndAnnotations(nextMeta, invalid),
      ...(Array.isArray(nextMeta['ownerReferences']) ? { ownerReferences: nextMeta['ownerReferences'] as ObjectMeta['ownerReferences'] } : {}),
    };
    if (nextMeta['labels'] === null || (isObject(next['metadata']) && !('labels' in nextMeta))) delete metadata.labels;
    if (nextMeta['annotations'] === null || (isObject(next['metadata']) && !('annotations' in nextMeta))) delete metadata.annotations;
    const manifest = { ...next, apiVersion: current.apiVersion, kind: current.kind };
    // A Secret's update is checked against the stored one (type and immutable data may not change).
    const rebuilt = manifestCall(() =>
      resource === 'secrets'
        ? buildSecret(manifest, { ...metadata, namespace: current.metadata.namespace ?? '' }, invalid, current as SecretObject)
        : buildObject(resource, manifest, metadata, invalid, this.allocators),
    );
    if (resource === 'deployments' || resource === 'statefulsets' || resource === 'daemonsets' || resource === 'replicasets') {
      const before = (current as DeploymentObject).spec.selector;
      const after = (rebuilt as DeploymentObject).spec.selector;
      if (canonicalJson(before) !== canonicalJson(after))
        throw new ApiError(422, 'Invalid', `${type.kind}.apps "${current.metadata.name}" is invalid: spec.selector: Invalid value: field is immutable`);
    }
    return this.store.update(resource, key, (draft) => {
      const status = (draft as { status?: unknown }).status;
      for (const field of Object.keys(draft)) delete (draft as unknown as Json)[field];
      Object.assign(draft, rebuilt);
      // Status belongs to the controllers (the status subresource); writes to the object keep it.
      if (status !== undefined) (draft as { status?: unknown }).status = status;
    });
  }

  private updateNode(current: NodeObject, next: Json, nextMeta: Json): NodeObject {
    const invalid = (message: string) => new ManifestError(`Node "${current.metadata.name}" is invalid: ${message}`);
    const spec = isObject(next['spec']) ? next['spec'] : {};
    const { labels, annotations } = labelsAndAnnotations(nextMeta, invalid);
    this.state.updateNode(current.metadata.name, {
      unschedulable: spec['unschedulable'] === true,
      taints: Array.isArray(spec['taints']) ? (structuredClone(spec['taints']) as NodeObject['spec']['taints']) : [],
      ...(labels === undefined ? {} : { labels }),
    });
    return this.store.update('nodes', current.metadata.name, (draft) => {
      if (annotations === undefined) delete draft.metadata.annotations;
      else draft.metadata.annotations = annotations;
    });
  }

  /** Pods are mostly immutable: labels and annotations may change, the spec may not. */
  private updatePod(current: PodObject, next: Json, nextMeta: Json): PodObject {
    const invalid = (message: string) => new ManifestError(`Pod "${current.metadata.name}" is invalid: ${message}`);
    if (next['spec'] !== undefined && canonicalJson(next['spec']) !== canonicalJson(current.spec)) {
      throw invalid(
        'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      );
    }
    const { labels, annotations } = labelsAndAnnotations(nextMeta, invalid);
    return this.state.updatePod(current.metadata.namespace, current.metadata.name, (draft) => {
      if (labels === undefined) delete draft.metadata.labels;
      else draft.metadata.labels = labels;
      if (annotations === undefined) delete draft.metadata.annotations;
      else draft.metadata.annotations = annotations;
    });
  }

  private freeName(resource: ResourceName, namespace: string | undefined, prefix: string): string {
    for (;;) {
      const candidate = this.state.generateName(namespace ?? '', prefix);
      if (this.store.get(resource, objectKey(resourceTypes[resource].namespaced ? namespace : undefined, candidate)) === undefined) return candidate;
    }
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function labelsAndAnnotations(meta: Json, invalid: (message: string) => ManifestError): { labels?: Record<string, string>; annotations?: Record<string, string> } {
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

function manifestCall<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ManifestError) throw new ApiError(error.code, error.reason, error.message);
    throw error;
  }
}
