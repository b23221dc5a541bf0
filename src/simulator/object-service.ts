/**
 * Writes to the simulated cluster — create, replace, patch, server-side apply, delete, scale,
 * evict — with the apiserver's checks and answers: field ownership in metadata.managedFields,
 * dry runs that validate and default but store nothing, deletion through finalizers and the
 * garbage collector's propagation policies. The REST handlers and the control API both come
 * through here, so an object added by a test and one POSTed by kubectl are made the same way.
 */
import { alreadyExists, ApiError, badRequest, conflict, namespaceNotFound, objectNotFound, qualifiedResource } from './api-errors.js';
import type { ClusterState } from './cluster-state.js';
import { budgetsFor } from './controllers/disruption.js';
import { defaultStorageClassName } from './controllers/storage.js';
import type { EventRecorder } from './controllers/events.js';
import type { Kubelet } from './controllers/kubelet.js';
import type { ControllerManager } from './controllers/manager.js';
import { deleteNow, FOREGROUND_FINALIZER, isDeleting, markDeleting, orphanDependents, type PropagationPolicy } from './deletion.js';
import { FieldPathError } from './field-sets.js';
import type { ObjectMeta, PodObject } from './k8s-types.js';
import { appliedFieldSet, managersFromRequest, readManagers, recordUpdate, serverSideApply, writeManagers, type Manager, type Writer } from './managed-fields.js';
import { buildObject, ManifestError, newMetadata, podSpecDefaults, type Allocators } from './manifests.js';
import type { DeploymentObject, KubeObject, ReplicaSetObject, ResourceName, StatefulSetObject } from './object-types.js';
import { rebuildObject, sameContent } from './object-updates.js';
import { applyPatch, type PatchType } from './patches.js';
import { apiVersionOf, objectKey, resourceTypes } from './resources.js';
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

export interface WriteOptions {
  /** `?dryRun=All`: validated, defaulted and answered as if done; nothing stored, no event. */
  readonly dryRun?: boolean;
  /** Recorded in managedFields: `?fieldManager`, else the client's user agent (the control API: "simulator"). */
  readonly fieldManager?: string;
  /** `?force=true` on apply: take over fields other managers own. */
  readonly force?: boolean;
}

export interface RemoveOptions {
  /** Default Background, except Jobs (batch/v1 orphans their pods unless told otherwise). */
  readonly propagationPolicy?: PropagationPolicy;
  readonly dryRun?: boolean;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

export interface Removal {
  readonly object: KubeObject;
  /** `Warning` headers for the response. */
  readonly warnings: readonly string[];
}

type Json = Record<string, unknown>;

/** Who the control API writes as, in managedFields. */
export const CONTROL_API_MANAGER = 'simulator';

const JOB_ORPHAN_WARNING =
  'child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning';

export function isScalable(resource: ResourceName): resource is ScalableResource {
  return resource === 'deployments' || resource === 'replicasets' || resource === 'statefulsets';
}

export class ObjectService {
  private nextClusterIP = 10;
  private nextNodePort = 30080;

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
    defaultStorageClass: () => defaultStorageClassName(this.store),
  };

  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject {
    const object = this.store.get(resource, objectKey(resourceTypes[resource].namespaced ? namespace : undefined, name));
    if (object === undefined) throw objectNotFound(resource, name);
    return object;
  }

  /** POST: a new object from a manifest. `settled` (control API seeding) reconciles at once, quietly. */
  create(resource: ResourceName, namespace: string | undefined, body: unknown, options: WriteOptions & { settled?: boolean; createdAt?: Date } = {}): KubeObject {
    const create = () => this.createNow(resource, namespace, body, options, false);
    return options.settled === true && options.dryRun !== true ? this.controllers.settle(create) : create();
  }

  /** PUT: the whole object; a stale metadata.resourceVersion is a 409 Conflict. */
  replace(resource: ResourceName, namespace: string | undefined, name: string, body: unknown, options: WriteOptions = {}): KubeObject {
    const current = this.get(resource, namespace, name);
    const sent = isObject(body) ? body : {};
    const sentVersion = isObject(sent['metadata']) ? sent['metadata']['resourceVersion'] : undefined;
    if (typeof sentVersion === 'string' && sentVersion !== '' && sentVersion !== current.metadata.resourceVersion) throw conflict(resource, name);
    const sentName = isObject(sent['metadata']) ? sent['metadata']['name'] : undefined;
    if (sentName !== undefined && sentName !== name) throw badRequest('the name of the object does not match the name on the URL');
    return this.update(resource, current, sent, options);
  }

  /** PATCH in any of its flavours; apply (server-side) creates the object when it is missing. */
  patch(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    options: WriteOptions & { subresource?: string } = {},
  ): { object: KubeObject; created: boolean } {
    const key = objectKey(resourceTypes[resource].namespaced ? namespace : undefined, name);
    const current = this.store.get(resource, key);
    if (type === 'apply') checkApplied(resource, resourceTypes[resource].namespaced ? namespace : undefined, name, body);
    if (current === undefined) {
      if (type !== 'apply') throw objectNotFound(resource, name);
      const manifest = { ...(body as Json), metadata: { ...(isObject((body as Json)['metadata']) ? ((body as Json)['metadata'] as Json) : {}), name } };
      return { object: this.createNow(resource, namespace, manifest, options, true), created: true };
    }
    if (type === 'apply') return { object: this.apply(resource, current, body as Json, options), created: false };
    const patched = applyPatch(type, current, body);
    if (!isObject(patched)) throw new ApiError(422, 'Invalid', 'the patched object is not an object');
    const patchedMeta = isObject(patched['metadata']) ? patched['metadata'] : {};
    const sentVersion = !isObject(body) || !isObject(body['metadata']) ? undefined : body['metadata']['resourceVersion'];
    if (typeof sentVersion === 'string' && sentVersion !== current.metadata.resourceVersion) throw conflict(resource, name);
    return { object: this.update(resource, current, { ...patched, metadata: { ...patchedMeta, resourceVersion: current.metadata.resourceVersion } }, options), created: false };
  }

  /** DELETE: at once, or marked while finalizers (the garbage collector's foregroundDeletion among them) hold it. */
  remove(resource: ResourceName, namespace: string | undefined, name: string, options: RemoveOptions = {}): Removal {
    const current = this.get(resource, namespace, name);
    const { preconditions } = options;
    if (preconditions?.uid !== undefined && preconditions.uid !== current.metadata.uid) {
      throw preconditionFailed(resource, name, `UID in precondition: ${preconditions.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (preconditions?.resourceVersion !== undefined && preconditions.resourceVersion !== current.metadata.resourceVersion) {
      throw preconditionFailed(
        resource,
        name,
        `ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    const policy = options.propagationPolicy ?? (resource === 'jobs' ? 'Orphan' : 'Background');
    const warnings = resource === 'jobs' && options.propagationPolicy === undefined ? [JOB_ORPHAN_WARNING] : [];
    const key = objectKey(current.metadata.namespace, name);
    const held = policy === 'Foreground' || (current.metadata.finalizers ?? []).length > 0 || isDeleting(current);
    const special = resource === 'namespaces' || resource === 'nodes';
    if (options.dryRun === true) {
      if (!held || special) return { object: current, warnings };
      return { object: this.store.preview(resource, key, (draft: KubeObject) => markAsDeleting(draft, policy === 'Foreground')), warnings };
    }
    if (special) return { object: this.removeNowSpecial(resource, current), warnings };
    if (policy === 'Orphan') orphanDependents(this.store, current);
    if (held) return { object: markDeleting(this.store, resource, current, policy === 'Foreground' ? FOREGROUND_FINALIZER : undefined), warnings };
    if (resource === 'pods') this.recordKilling(current as PodObject);
    return { object: deleteNow(this.store, this.state, resource, current), warnings };
  }

  scaleOf(resource: ScalableResource, namespace: string, name: string): ScaleObject {
    const object = this.get(resource, namespace, name) as DeploymentObject | ReplicaSetObject | StatefulSetObject;
    return scaleFor(object);
  }

  /** PUT/PATCH of the scale subresource: only spec.replicas changes. */
  setScale(resource: ScalableResource, namespace: string, name: string, type: PatchType | 'replace', body: unknown, options: WriteOptions = {}): ScaleObject {
    const scale = this.scaleOf(resource, namespace, name);
    const next = type === 'replace' ? body : applyPatch(type, scale, body);
    const spec = isObject(next) && isObject(next['spec']) ? next['spec'] : {};
    const replicas = spec['replicas'];
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
    }
    const sentVersion = isObject(next) && isObject(next['metadata']) ? next['metadata']['resourceVersion'] : undefined;
    if (type === 'replace' && typeof sentVersion === 'string' && sentVersion !== '' && sentVersion !== scale.metadata.resourceVersion) throw conflict(resource, name);
    const { object } = this.patch(
      resource,
      namespace,
      name,
      'merge',
      { spec: { replicas } },
      {
        ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
        ...(options.fieldManager === undefined ? {} : { fieldManager: options.fieldManager }),
        subresource: 'scale',
      },
    );
    return scaleFor(object as DeploymentObject);
  }

  /**
   * policy/v1 Eviction: deletes the pod when every budget that covers it allows a disruption;
   * otherwise 429, as the apiserver answers and `kubectl drain` retries on.
   */
  evict(namespace: string, name: string, options: { dryRun?: boolean } = {}): void {
    const pod = this.store.get('pods', objectKey(namespace, name));
    if (pod === undefined) throw objectNotFound('pods', name);
    // Pods that are not running cannot be disrupted further: no budget applies (as in the apiserver).
    const ignoresBudgets = pod.status.phase !== 'Running' || pod.metadata.deletionTimestamp !== undefined;
    const budgets = ignoresBudgets ? [] : budgetsFor(this.store, pod);
    if (budgets.length > 1) {
      throw new ApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    const budget = budgets[0];
    if (budget !== undefined && budget.status.disruptionsAllowed <= 0) {
      throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: `The disruption budget ${budget.metadata.name} needs ${budget.status.desiredHealthy} healthy pods and has ${budget.status.currentHealthy} currently`,
          },
        ],
      });
    }
    if (options.dryRun === true) return;
    if (budget !== undefined) {
      this.store.update('poddisruptionbudgets', objectKey(namespace, budget.metadata.name), (draft) => {
        draft.status.disruptionsAllowed -= 1;
      });
    }
    this.events.record({ involvedObject: pod, reason: 'Evicted', message: 'Evicted by the eviction API', type: 'Normal', source: { component: 'kube-apiserver' } });
    this.remove('pods', namespace, name);
  }

  private writer(resource: ResourceName, options: WriteOptions & { subresource?: string }): Writer {
    return {
      manager: options.fieldManager ?? CONTROL_API_MANAGER,
      apiVersion: apiVersionOf(resource),
      subresource: options.subresource,
      now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  }

  private createNow(resource: ResourceName, namespace: string | undefined, body: unknown, options: WriteOptions & { createdAt?: Date }, applied: boolean): KubeObject {
    const type = resourceTypes[resource];
    if (type.namespaced && namespace === undefined) throw badRequest(`${type.kind} objects are namespaced: create them in a namespace`);
    if (type.namespaced && namespace !== undefined && !this.state.hasNamespace(namespace)) throw namespaceNotFound(namespace);
    const { metadata, invalid } = manifestCall(() => newMetadata(resource, body, type.namespaced ? namespace : undefined));
    const manifest = body as Json;
    if (metadata.name === '') metadata.name = this.freeName(resource, namespace, metadata.generateName ?? '');
    if (options.createdAt !== undefined) metadata.creationTimestamp = options.createdAt.toISOString();
    if (this.store.get(resource, objectKey(metadata.namespace, metadata.name)) !== undefined) throw alreadyExists(resource, metadata.name);
    if (resource === 'nodes') throw new ApiError(405, 'MethodNotAllowed', 'nodes join the simulated cluster through its control API');
    const object = resource === 'pods' ? this.newPod(metadata, manifest, invalid) : manifestCall(() => buildObject(resource, manifest, metadata, invalid, this.allocators));
    const writer = this.writer(resource, options);
    const managers: Manager[] = applied
      ? [
          {
            manager: writer.manager,
            operation: 'Apply',
            apiVersion: writer.apiVersion,
            time: writer.now,
            subresource: undefined,
            fields: fieldsOf(resource, () => appliedFieldSet(type.kind, strippedApplied(manifest))),
          },
        ]
      : recordUpdate(type.kind, [], skeletonOf(object), object as unknown as Json, writer);
    object.metadata.managedFields = writeManagers(managers);
    // Never stored, so never versioned: a dry-run creation has no resourceVersion.
    if (options.dryRun === true) return { ...object, metadata: withoutResourceVersion(object.metadata) } as KubeObject;
    if (resource === 'pods') return this.startPod(object as PodObject);
    try {
      return this.store.create(resource, object as ObjectFor<typeof resource>);
    } catch (error) {
      if (error instanceof ObjectConflict) throw alreadyExists(resource, metadata.name);
      throw error;
    }
  }

  private newPod(metadata: ObjectMeta, manifest: Json, invalid: (message: string) => ManifestError): PodObject {
    const spec = manifestCall(() => podSpecDefaults(manifest['spec'], 'spec', invalid));
    const pod = this.state.podFromTemplate({
      namespace: metadata.namespace ?? 'default',
      name: metadata.name,
      template: {
        metadata: { ...(metadata.labels === undefined ? {} : { labels: metadata.labels }), ...(metadata.annotations === undefined ? {} : { annotations: metadata.annotations }) },
        spec,
      },
      ...(metadata.ownerReferences === undefined ? {} : { ownerReferences: metadata.ownerReferences }),
      ...(metadata.finalizers === undefined ? {} : { finalizers: metadata.finalizers }),
      ...(spec.nodeName === undefined ? {} : { nodeName: spec.nodeName }),
      phase: 'Pending',
      ...(metadata.generateName === undefined ? {} : { generateName: metadata.generateName }),
    });
    if (metadata.labels === undefined) delete pod.metadata.labels;
    pod.metadata.uid = metadata.uid;
    pod.metadata.creationTimestamp = metadata.creationTimestamp;
    return pod;
  }

  private startPod(pod: PodObject): PodObject {
    const requestedNode = pod.spec.nodeName;
    const created = this.state.addPod(pod, requestedNode, 'Pending');
    if (created.spec.nodeName !== undefined) {
      if (requestedNode === undefined) {
        this.events.record({
          involvedObject: created,
          reason: 'Scheduled',
          message: `Successfully assigned ${created.metadata.namespace}/${created.metadata.name} to ${created.spec.nodeName}`,
          source: { component: 'default-scheduler' },
        });
      }
      this.kubelet.startSoon(created);
    }
    return created;
  }

  /** An Update (PUT, non-apply PATCH): the writer takes over the fields it changed. */
  private update(resource: ResourceName, current: KubeObject, next: Json, options: WriteOptions & { subresource?: string }): KubeObject {
    const rebuilt = manifestCall(() => rebuildObject(resource, current, next, this.allocators));
    const sentManagers = isObject(next['metadata']) ? next['metadata']['managedFields'] : undefined;
    const managers = managersFromRequest(sentManagers, readManagers(current.metadata));
    const kind = resourceTypes[resource].kind;
    rebuilt.metadata.managedFields = writeManagers(recordUpdate(kind, managers, current as unknown as Json, rebuilt as unknown as Json, this.writer(resource, options)));
    return this.commit(resource, current, rebuilt, options.dryRun === true);
  }

  /** Server-side apply on an existing object (see managed-fields.ts). */
  private apply(resource: ResourceName, current: KubeObject, body: Json, options: WriteOptions): KubeObject {
    const sentVersion = isObject(body['metadata']) ? body['metadata']['resourceVersion'] : undefined;
    if (typeof sentVersion === 'string' && sentVersion !== '' && sentVersion !== current.metadata.resourceVersion) throw conflict(resource, current.metadata.name);
    const kind = resourceTypes[resource].kind;
    const result = fieldsOf(resource, () =>
      serverSideApply({
        kind,
        live: current as unknown as Json,
        applied: strippedApplied(body),
        managers: readManagers(current.metadata),
        writer: this.writer(resource, options),
        force: options.force === true,
        rebuild: (merged) => manifestCall(() => rebuildObject(resource, current, merged, this.allocators)) as unknown as Json,
      }),
    );
    const rebuilt = result.object as unknown as KubeObject;
    rebuilt.metadata.managedFields = writeManagers(result.managers);
    return this.commit(resource, current, rebuilt, options.dryRun === true);
  }

  /** Stores `rebuilt` in place of `current`, unless nothing changed; a dry run only shows it. */
  private commit(resource: ResourceName, current: KubeObject, rebuilt: KubeObject, dryRun: boolean): KubeObject {
    if (sameContent(current, rebuilt)) return current;
    const key = objectKey(current.metadata.namespace, current.metadata.name);
    const replace = (draft: KubeObject) => {
      for (const field of Object.keys(draft)) delete (draft as unknown as Json)[field];
      Object.assign(draft, structuredClone(rebuilt));
    };
    if (dryRun) return this.store.preview(resource, key, replace);
    // The update that takes away a deleting object's last finalizer deletes it.
    if (isDeleting(rebuilt) && (rebuilt.metadata.finalizers ?? []).length === 0) {
      deleteNow(this.store, this.state, resource, current);
      return rebuilt;
    }
    if (resource === 'pods') return this.state.updatePod(current.metadata.namespace ?? '', current.metadata.name, replace);
    if (resource === 'nodes') {
      const node = rebuilt as ObjectFor<'nodes'>;
      this.state.updateNode(node.metadata.name, {
        unschedulable: node.spec.unschedulable === true,
        taints: node.spec.taints ?? [],
        ...(node.metadata.labels === undefined ? {} : { labels: node.metadata.labels }),
      });
      return this.store.update('nodes', key, (draft) => {
        for (const field of ['annotations', 'finalizers', 'managedFields'] as const) {
          const value = node.metadata[field];
          if (value === undefined) delete draft.metadata[field];
          else (draft.metadata as unknown as Json)[field] = structuredClone(value);
        }
      });
    }
    return this.store.update(resource, key, replace);
  }

  private removeNowSpecial(resource: 'namespaces' | 'nodes', current: KubeObject): KubeObject {
    if (resource === 'nodes') {
      this.state.removeNode(current.metadata.name);
      return current;
    }
    this.state.removeNamespace(current.metadata.name);
    return { ...current, status: { phase: 'Terminating' } } as KubeObject;
  }

  private recordKilling(pod: PodObject): void {
    if (pod.status.phase !== 'Running') return;
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

function scaleFor(object: DeploymentObject | ReplicaSetObject | StatefulSetObject): ScaleObject {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: object.spec.replicas },
    status: { replicas: object.status.replicas ?? 0, selector: labelSelectorText(object.spec.selector) },
  };
}

function withoutResourceVersion(metadata: ObjectMeta): ObjectMeta {
  const { resourceVersion: _unset, ...rest } = metadata;
  return rest as ObjectMeta;
}

function markAsDeleting(draft: KubeObject, foreground: boolean): void {
  draft.metadata.deletionTimestamp ??= new Date().toISOString();
  draft.metadata.deletionGracePeriodSeconds = 0;
  if (foreground && !(draft.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)) draft.metadata.finalizers = [...(draft.metadata.finalizers ?? []), FOREGROUND_FINALIZER];
}

function preconditionFailed(resource: ResourceName, name: string, detail: string): ApiError {
  const { group } = resourceTypes[resource];
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(resource)} "${name}": Precondition failed: ${detail}`, {
    name,
    ...(group === '' ? {} : { group }),
    kind: resource,
  });
}

/** An apply body must be an object of the URL's kind and name. */
function checkApplied(resource: ResourceName, namespace: string | undefined, name: string, body: unknown): void {
  if (!isObject(body)) throw badRequest('the applied configuration must be an object');
  const type = resourceTypes[resource];
  const kind = body['kind'];
  const apiVersion = body['apiVersion'];
  if ((kind !== undefined && kind !== type.kind) || (apiVersion !== undefined && apiVersion !== apiVersionOf(resource))) {
    throw badRequest(`the applied configuration is a ${String(apiVersion)} ${String(kind)}, not a ${apiVersionOf(resource)} ${type.kind}`);
  }
  const meta = isObject(body['metadata']) ? body['metadata'] : {};
  if (meta['name'] !== undefined && meta['name'] !== name) throw badRequest('the name of the object does not match the name on the URL');
  if (meta['namespace'] !== undefined && meta['namespace'] !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
}

/** The applied configuration without what no manager owns (identity, bookkeeping, status). */
function strippedApplied(body: Json): Json {
  const { apiVersion: _apiVersion, kind: _kind, status: _status, metadata, ...rest } = body;
  const meta = isObject(metadata) ? metadata : {};
  const kept: Json = {};
  for (const field of ['labels', 'annotations', 'ownerReferences', 'finalizers']) if (meta[field] !== undefined) kept[field] = meta[field];
  return { ...rest, metadata: kept };
}

/** What an object is compared against when it is created: nothing but its top-level structure. */
function skeletonOf(object: KubeObject): Json {
  return { metadata: {}, ...('spec' in object ? { spec: {} } : {}) };
}

function fieldsOf<T>(resource: ResourceName, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof FieldPathError) {
      throw new ApiError(422, 'Invalid', `failed to create typed patch object (${apiVersionOf(resource)}, Kind=${resourceTypes[resource].kind}): ${error.message}`);
    }
    throw error;
  }
}

function manifestCall<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ManifestError) throw new ApiError(error.code, error.reason, error.message);
    throw error;
  }
}
