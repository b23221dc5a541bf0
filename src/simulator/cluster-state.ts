/**
 * The simulated cluster's objects with the behaviour of the control plane around them: node
 * objects as kubelets report them, a scheduler that places pods on nodes with room, pod IPs from
 * per-node CIDRs, namespaces that take their pods with them.
 */
import { randomUUID } from 'node:crypto';
import type { ContainerObject, NamespaceObject, NodeObject, OwnerReference, PodObject, PodPhase, Taint, Toleration } from './k8s-types.js';
import type { PodTemplateObject } from './object-types.js';
import { markUnschedulable, setPodPhase } from './pod-status.js';
import { formatBytes, formatCpu, formatKibibytes, parseQuantity } from './quantity.js';
import { objectKey, resourceNames, resourceTypes } from './resources.js';
import { ObjectMissing, type ObjectStore } from './store.js';

export interface NodeSpec {
  name: string;
  labels?: Record<string, string>;
  /** Each becomes a `node-role.kubernetes.io/<role>` label, e.g. 'control-plane', 'worker'. */
  roles?: string[];
  cpu: number;
  memoryBytes: number;
  storageBytes: number;
  maxPods?: number;
  ready?: boolean;
  kubeletVersion?: string;
  internalIP?: string;
  taints?: Taint[];
  unschedulable?: boolean;
  osImage?: string;
  kernelVersion?: string;
  containerRuntimeVersion?: string;
  /** When the node joined; defaults to now. */
  createdAt?: Date;
}

export interface ContainerSpec {
  name: string;
  image: string;
  /** Requested CPU in cores. */
  cpu?: number;
  /** Requested memory in bytes. */
  memoryBytes?: number;
  cpuLimit?: number;
  memoryLimitBytes?: number;
  /** Restarts this container has already had. */
  restartCount?: number;
  /** Container ports (TCP). */
  ports?: number[];
}

export interface TemplatePodOptions {
  namespace: string;
  name?: string;
  generateName?: string;
  template: PodTemplateObject;
  /** Added to the template's labels (pod-template-hash, controller-revision-hash, ...). */
  labels?: Record<string, string>;
  /** The controller; pods made over the API have none (or bring their own ownerReferences). */
  owner?: OwnerReference;
  ownerReferences?: OwnerReference[];
  /** DaemonSet pods are bound to their node; others go through the scheduler. */
  nodeName?: string;
  phase: PodPhase;
  createdAt?: Date;
  finalizers?: string[];
}

export interface PodSpec {
  namespace: string;
  /** Either a name or a generateName prefix (a 5-character suffix is added). */
  name?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** When absent the scheduler picks a ready, schedulable, untainted node with room. */
  nodeName?: string;
  containers: ContainerSpec[];
  owner?: { kind: string; name: string; uid: string; apiVersion?: string };
  /** Default Running. A pod no node has room for stays Pending (Unschedulable) whatever this says. */
  phase?: PodPhase;
  /** Uses the node's IP as pod IP (kube-proxy, CNI agents, static control-plane pods). */
  hostNetwork?: boolean;
  /** Tolerates every taint, as DaemonSet and control-plane pods do. */
  toleratesAllTaints?: boolean;
  createdAt?: Date;
}

const OWNER_API_VERSIONS: Readonly<Record<string, string>> = {
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Deployment: 'apps/v1',
  Job: 'batch/v1',
  Node: 'v1',
};

interface NodeUsage {
  cpu: number;
  memoryBytes: number;
  pods: Set<string>;
  nextIP: number;
}

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class ClusterState {
  private readonly nodeSpecs = new Map<string, NodeSpec>();
  private readonly nodeIndexes = new Map<string, number>();
  private readonly usage = new Map<string, NodeUsage>();
  private readonly unscheduled = new Set<string>();
  private nameSeed: number;

  constructor(
    private readonly store: ObjectStore,
    private readonly kubernetesVersion: string,
    seedText: string,
  ) {
    this.nameSeed = hashText(seedText);
  }

  // ---- nodes ----

  addNode(spec: NodeSpec): NodeObject {
    const index = this.nodeIndexes.size;
    this.nodeIndexes.set(spec.name, index);
    this.nodeSpecs.set(spec.name, spec);
    this.usage.set(spec.name, { cpu: 0, memoryBytes: 0, pods: new Set(), nextIP: 2 });
    const at = (spec.createdAt ?? new Date()).toISOString();
    const node: NodeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: spec.name, uid: randomUUID(), resourceVersion: '', creationTimestamp: at },
      spec: {},
      status: {
        capacity: {},
        allocatable: {},
        conditions: [],
        addresses: [],
        nodeInfo: {
          kubeletVersion: '',
          kubeProxyVersion: '',
          osImage: '',
          kernelVersion: '',
          containerRuntimeVersion: '',
          operatingSystem: 'linux',
          architecture: 'amd64',
          machineID: randomUUID().replaceAll('-', ''),
          systemUUID: randomUUID(),
          bootID: randomUUID(),
        },
      },
    };
    this.renderNode(node, spec, index, at);
    return this.store.create('nodes', node);
  }

  updateNode(name: string, patch: Partial<NodeSpec>): NodeObject {
    const spec = this.nodeSpecs.get(name);
    if (spec === undefined) throw new ObjectMissing(`node "${name}" not found`);
    const merged: NodeSpec = { ...spec, ...patch, name };
    this.nodeSpecs.set(name, merged);
    const index = this.nodeIndexes.get(name) ?? 0;
    return this.store.update('nodes', name, (node) => this.renderNode(node, merged, index, new Date().toISOString()));
  }

  /** Removes a node and, like the pod garbage collector, the pods bound to it. */
  removeNode(name: string): void {
    for (const key of [...(this.usage.get(name)?.pods ?? [])]) {
      const [namespace, podName] = splitKey(key);
      this.deletePod(namespace, podName);
    }
    this.store.delete('nodes', name);
    this.nodeSpecs.delete(name);
    this.usage.delete(name);
  }

  private renderNode(node: NodeObject, spec: NodeSpec, index: number, at: string): void {
    const ready = spec.ready ?? true;
    const internalIP = spec.internalIP ?? `10.0.${Math.floor(index / 250)}.${(index % 250) + 4}`;
    const roleLabels = Object.fromEntries((spec.roles ?? []).map((role) => [`node-role.kubernetes.io/${role}`, '']));
    node.metadata.labels = {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': spec.name,
      'kubernetes.io/os': 'linux',
      ...roleLabels,
      ...spec.labels,
    };
    node.spec = { podCIDR: `10.244.${index}.0/24` };
    if (spec.taints !== undefined && spec.taints.length > 0) node.spec.taints = spec.taints.map((taint) => ({ ...taint }));
    if (spec.unschedulable === true) node.spec.unschedulable = true;
    // Allocatable equals capacity: no kube/system reservations, so figures add up plainly.
    const resources = {
      cpu: formatCpu(spec.cpu),
      memory: formatKibibytes(spec.memoryBytes),
      'ephemeral-storage': formatKibibytes(spec.storageBytes),
      pods: String(spec.maxPods ?? 110),
    };
    const readyCondition = node.status.conditions.find((condition) => condition.type === 'Ready');
    const readySince = readyCondition !== undefined && (readyCondition.status === 'True') === ready ? readyCondition.lastTransitionTime : at;
    const pressure = (type: string, reason: string) => ({
      type,
      status: 'False' as const,
      reason,
      message: `kubelet has no ${type.replace('Pressure', '').toLowerCase()} pressure`,
      lastHeartbeatTime: node.metadata.creationTimestamp,
      lastTransitionTime: node.metadata.creationTimestamp,
    });
    node.status = {
      ...node.status,
      capacity: resources,
      allocatable: { ...resources },
      conditions: [
        pressure('MemoryPressure', 'KubeletHasSufficientMemory'),
        pressure('DiskPressure', 'KubeletHasNoDiskPressure'),
        pressure('PIDPressure', 'KubeletHasSufficientPID'),
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'KubeletReady' : 'KubeletNotReady',
          message: ready ? 'kubelet is posting ready status' : 'container runtime network not ready',
          lastHeartbeatTime: node.metadata.creationTimestamp,
          ...(readySince === undefined ? {} : { lastTransitionTime: readySince }),
        },
      ],
      addresses: [
        { type: 'InternalIP', address: internalIP },
        { type: 'Hostname', address: spec.name },
      ],
      nodeInfo: {
        ...node.status.nodeInfo,
        kubeletVersion: spec.kubeletVersion ?? this.kubernetesVersion,
        kubeProxyVersion: spec.kubeletVersion ?? this.kubernetesVersion,
        osImage: spec.osImage ?? 'Ubuntu 22.04.4 LTS',
        kernelVersion: spec.kernelVersion ?? '5.15.0-119-generic',
        containerRuntimeVersion: spec.containerRuntimeVersion ?? 'containerd://1.7.22',
      },
    };
  }

  // ---- namespaces ----

  addNamespace(name: string, labels: Record<string, string> = {}, createdAt?: Date): NamespaceObject {
    const namespace: NamespaceObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        uid: randomUUID(),
        resourceVersion: '',
        creationTimestamp: (createdAt ?? new Date()).toISOString(),
        labels: { 'kubernetes.io/metadata.name': name, ...labels },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    return this.store.create('namespaces', namespace);
  }

  hasNamespace(name: string): boolean {
    return this.store.get('namespaces', name) !== undefined;
  }

  /** Deletes the namespace's pods first, as the namespace controller does before the namespace goes. */
  removeNamespace(name: string): void {
    if (!this.hasNamespace(name)) throw new ObjectMissing(`namespaces "${name}" not found`);
    for (const pod of [...this.store.objects('pods', name)]) this.deletePod(name, pod.metadata.name);
    for (const resource of resourceNames) {
      if (resource === 'pods' || !resourceTypes[resource].namespaced) continue;
      for (const object of [...this.store.objects(resource, name)]) this.store.delete(resource, objectKey(name, object.metadata.name));
    }
    this.store.delete('namespaces', name);
  }

  // ---- pods ----

  createPod(spec: PodSpec): PodObject {
    if (!this.hasNamespace(spec.namespace)) this.addNamespace(spec.namespace);
    const name = spec.name ?? this.generateName(spec.namespace, spec.generateName ?? 'pod-');
    const at = (spec.createdAt ?? new Date()).toISOString();
    const pod = this.buildPod(spec, name, at);
    return this.place(
      pod,
      spec.nodeName,
      spec.phase ?? 'Running',
      at,
      spec.containers.map((container) => container.restartCount),
    );
  }

  /** A pod as a controller makes it from its template: named, labelled, owned, then scheduled. */
  createPodFromTemplate(options: TemplatePodOptions): PodObject {
    if (!this.hasNamespace(options.namespace)) this.addNamespace(options.namespace);
    return this.addPod(this.podFromTemplate(options), options.nodeName, options.phase);
  }

  /** The pod `createPodFromTemplate` would make, not yet scheduled nor stored (a dry run stops here). */
  podFromTemplate(options: TemplatePodOptions): PodObject {
    const { namespace, template } = options;
    const name = options.name ?? this.generateName(namespace, options.generateName ?? 'pod-');
    const at = (options.createdAt ?? new Date()).toISOString();
    const spec = structuredClone(template.spec);
    spec.restartPolicy ??= 'Always';
    spec.schedulerName ??= 'default-scheduler';
    spec.serviceAccountName ??= 'default';
    spec.containers = spec.containers.map((container) => ({ imagePullPolicy: 'IfNotPresent', ...container, resources: container.resources ?? {} }));
    delete spec.nodeName;
    if (options.nodeName !== undefined) spec.nodeName = options.nodeName;
    const hasRequests = spec.containers.some((container) => container.resources.requests !== undefined);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        ...(options.generateName === undefined ? {} : { generateName: options.generateName }),
        uid: randomUUID(),
        resourceVersion: '',
        creationTimestamp: at,
        labels: { ...template.metadata.labels, ...options.labels },
        ...(template.metadata.annotations === undefined ? {} : { annotations: { ...template.metadata.annotations } }),
        ...(options.owner === undefined
          ? options.ownerReferences === undefined
            ? {}
            : { ownerReferences: structuredClone(options.ownerReferences) }
          : { ownerReferences: [{ ...options.owner, controller: true, blockOwnerDeletion: true }] }),
        ...(options.finalizers === undefined ? {} : { finalizers: [...options.finalizers] }),
      },
      spec,
      status: { phase: 'Pending', conditions: [], qosClass: hasRequests ? 'Burstable' : 'BestEffort' },
    };
  }

  /** Schedules and stores a pod built by `podFromTemplate`. */
  addPod(pod: PodObject, requestedNode: string | undefined, phase: PodPhase): PodObject {
    delete pod.spec.nodeName;
    return this.place(pod, requestedNode, phase, pod.metadata.creationTimestamp, []);
  }

  /** Pods the scheduler could not place yet; tried again when nodes change. */
  retryUnscheduled(): PodObject[] {
    const placed: PodObject[] = [];
    for (const key of [...this.unscheduled]) {
      const pod = this.store.get('pods', key);
      if (pod === undefined || pod.spec.nodeName !== undefined) {
        this.unscheduled.delete(key);
        continue;
      }
      const nodeName = this.schedule(pod);
      if (nodeName === undefined) continue;
      this.unscheduled.delete(key);
      placed.push(
        this.updatePod(pod.metadata.namespace, pod.metadata.name, (draft) => {
          draft.spec.nodeName = nodeName;
          setPodPhase(draft, 'Pending', new Date().toISOString());
        }),
      );
    }
    return placed;
  }

  nodeNames(): string[] {
    return [...this.nodeSpecs.keys()];
  }

  /** Whether a DaemonSet pod with these tolerations belongs on the node (ready or not, like the real controller). */
  daemonPodFits(nodeName: string, tolerations: readonly Toleration[] | undefined, nodeSelector: Readonly<Record<string, string>> | undefined): boolean {
    const spec = this.nodeSpecs.get(nodeName);
    const node = this.store.get('nodes', nodeName);
    if (spec === undefined || node === undefined) return false;
    if (!selectorFits(nodeSelector, node.metadata.labels)) return false;
    return (spec.taints ?? []).every((taint) => taint.effect === 'PreferNoSchedule' || tolerated(taint, tolerations));
  }

  private place(pod: PodObject, requestedNode: string | undefined, phase: PodPhase, at: string, restartCounts: ReadonlyArray<number | undefined>): PodObject {
    const nodeName = requestedNode ?? this.schedule(pod);
    if (nodeName === undefined) {
      markUnschedulable(pod, at, '0/' + String(this.nodeSpecs.size) + ' nodes are available: insufficient resources or untolerated taints.');
    } else {
      pod.spec.nodeName = nodeName;
      // A pod gets its IP only once its sandbox runs; a pending one is given it by setPhase later.
      setPodPhase(pod, phase, at, phase === 'Pending' ? undefined : this.addressesFor(nodeName, pod.spec.hostNetwork === true));
      restartCounts.forEach((count, index) => {
        const status = pod.status.containerStatuses?.[index];
        if (status !== undefined && count !== undefined) status.restartCount = count;
      });
    }
    const created = this.store.create('pods', pod);
    if (nodeName === undefined) this.unscheduled.add(objectKey(created.metadata.namespace, created.metadata.name));
    this.account(created, 1);
    return created;
  }

  /** Applies `mutate` to a copy of the pod; keeps node accounting right if it moved or finished. */
  updatePod(namespace: string, name: string, mutate: (pod: PodObject) => void): PodObject {
    const key = objectKey(namespace, name);
    const before = this.store.get('pods', key);
    if (before === undefined) throw new ObjectMissing(`pods "${name}" not found in namespace "${namespace}"`);
    const after = this.store.update('pods', key, mutate);
    this.account(before, -1);
    this.account(after, 1);
    return after;
  }

  /** Moves a pod to `phase`, giving it a pod IP on its node when it starts running. */
  setPhase(namespace: string, name: string, phase: PodPhase, notReady?: ReadonlySet<string>): PodObject {
    const key = objectKey(namespace, name);
    const pod = this.store.get('pods', key);
    if (pod === undefined) throw new ObjectMissing(`pods "${name}" not found in namespace "${namespace}"`);
    const addresses = pod.spec.nodeName === undefined || pod.status.podIP !== undefined ? undefined : this.addressesFor(pod.spec.nodeName, pod.spec.hostNetwork === true);
    return this.updatePod(namespace, name, (draft) => setPodPhase(draft, phase, new Date().toISOString(), addresses, notReady));
  }

  deletePod(namespace: string, name: string): PodObject {
    this.unscheduled.delete(objectKey(namespace, name));
    const deleted = this.store.delete('pods', objectKey(namespace, name));
    this.account(deleted, -1);
    return deleted;
  }

  getPod(namespace: string, name: string): PodObject | undefined {
    return this.store.get('pods', objectKey(namespace, name));
  }

  listPods(namespace?: string): PodObject[] {
    return [...this.store.objects('pods', namespace)];
  }

  /** A deterministic `prefix` + 5 characters name that is free in the namespace. */
  generateName(namespace: string, prefix: string): string {
    for (;;) {
      let suffix = '';
      for (let index = 0; index < 5; index += 1) {
        this.nameSeed = (Math.imul(this.nameSeed ^ (this.nameSeed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
        suffix += NAME_SUFFIX_ALPHABET[(this.nameSeed >>> 0) % NAME_SUFFIX_ALPHABET.length];
      }
      const name = `${prefix}${suffix}`;
      if (this.store.get('pods', objectKey(namespace, name)) === undefined) return name;
    }
  }

  private buildPod(spec: PodSpec, name: string, at: string): PodObject {
    const owner = spec.owner;
    const ownerReferences: OwnerReference[] | undefined =
      owner === undefined
        ? undefined
        : [
            {
              apiVersion: owner.apiVersion ?? OWNER_API_VERSIONS[owner.kind] ?? 'v1',
              kind: owner.kind,
              name: owner.name,
              uid: owner.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ];
    const containers: ContainerObject[] = spec.containers.map(containerObject);
    const hasRequests = containers.some((container) => container.resources.requests !== undefined);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: spec.namespace,
        ...(spec.name === undefined && spec.generateName !== undefined ? { generateName: spec.generateName } : {}),
        uid: randomUUID(),
        resourceVersion: '',
        creationTimestamp: at,
        labels: { ...spec.labels },
        ...(spec.annotations === undefined ? {} : { annotations: { ...spec.annotations } }),
        ...(ownerReferences === undefined ? {} : { ownerReferences }),
      },
      spec: {
        containers,
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        serviceAccountName: 'default',
        ...(spec.hostNetwork === true ? { hostNetwork: true } : {}),
        ...(spec.toleratesAllTaints === true ? { tolerations: [{ operator: 'Exists' }] } : {}),
      },
      status: { phase: 'Pending', conditions: [], qosClass: hasRequests ? 'Burstable' : 'BestEffort' },
    };
  }

  /** The node with the most free CPU among those that fit the pod's requests. */
  private schedule(pod: PodObject): string | undefined {
    const { cpu, memoryBytes } = requestsOf(pod);
    const tolerations = pod.spec.tolerations;
    let best: string | undefined;
    let bestFree = -Infinity;
    for (const [name, spec] of this.nodeSpecs) {
      const usage = this.usage.get(name);
      if (usage === undefined || spec.ready === false || spec.unschedulable === true) continue;
      if ((spec.taints ?? []).some((taint) => taint.effect !== 'PreferNoSchedule' && !tolerated(taint, tolerations))) continue;
      if (pod.spec.nodeSelector !== undefined && !selectorFits(pod.spec.nodeSelector, this.store.get('nodes', name)?.metadata.labels)) continue;
      if (usage.pods.size >= (spec.maxPods ?? 110)) continue;
      const freeCpu = spec.cpu - usage.cpu;
      if (freeCpu + 1e-9 < cpu || spec.memoryBytes - usage.memoryBytes < memoryBytes) continue;
      // Like the scheduler's scoring, a pod without requests still counts a little (100m), so
      // best-effort pods spread over nodes instead of piling onto the first.
      const score = freeCpu - 0.1 * usage.pods.size;
      if (score > bestFree) {
        best = name;
        bestFree = score;
      }
    }
    return best;
  }

  private addressesFor(nodeName: string, hostNetwork: boolean): { hostIP: string; podIP: string } | undefined {
    const node = this.store.get('nodes', nodeName);
    const usage = this.usage.get(nodeName);
    const hostIP = node?.status.addresses.find((address) => address.type === 'InternalIP')?.address;
    if (hostIP === undefined || usage === undefined) return undefined;
    if (hostNetwork) return { hostIP, podIP: hostIP };
    const cidr = node?.spec.podCIDR ?? '10.244.0.0/24';
    const host = usage.nextIP;
    usage.nextIP = host >= 254 ? 2 : host + 1;
    return { hostIP, podIP: cidr.replace(/\.0\/\d+$/, `.${host}`) };
  }

  /** Running and pending pods hold their requests on their node; finished ones do not. */
  private account(pod: PodObject, sign: 1 | -1): void {
    const nodeName = pod.spec.nodeName;
    if (nodeName === undefined) return;
    const usage = this.usage.get(nodeName);
    if (usage === undefined) return;
    const key = objectKey(pod.metadata.namespace, pod.metadata.name);
    if (sign === 1) usage.pods.add(key);
    else usage.pods.delete(key);
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') return;
    const { cpu, memoryBytes } = requestsOf(pod);
    usage.cpu += sign * cpu;
    usage.memoryBytes += sign * memoryBytes;
  }
}

/** A container as it appears in a pod spec, from the simulator's short description of it. */
export function containerObject(container: ContainerSpec): ContainerObject {
  const requests = {
    ...(container.cpu === undefined ? {} : { cpu: formatCpu(container.cpu) }),
    ...(container.memoryBytes === undefined ? {} : { memory: formatBytes(container.memoryBytes) }),
  };
  const limits = {
    ...(container.cpuLimit === undefined ? {} : { cpu: formatCpu(container.cpuLimit) }),
    ...(container.memoryLimitBytes === undefined ? {} : { memory: formatBytes(container.memoryLimitBytes) }),
  };
  return {
    name: container.name,
    image: container.image,
    imagePullPolicy: 'IfNotPresent',
    ...(container.ports === undefined ? {} : { ports: container.ports.map((port) => ({ containerPort: port, protocol: 'TCP' })) }),
    resources: {
      ...(Object.keys(requests).length === 0 ? {} : { requests }),
      ...(Object.keys(limits).length === 0 ? {} : { limits }),
    },
  };
}

export function requestsOf(pod: PodObject): { cpu: number; memoryBytes: number } {
  let cpu = 0;
  let memoryBytes = 0;
  for (const container of pod.spec.containers) {
    cpu += parseQuantity(container.resources.requests?.cpu) ?? 0;
    memoryBytes += parseQuantity(container.resources.requests?.memory) ?? 0;
  }
  return { cpu, memoryBytes };
}

/** The spec that would recreate a pod like this one (for replacements and POSTed manifests). */
export function podSpecFromObject(pod: PodObject): PodSpec {
  const owner = pod.metadata.ownerReferences?.find((reference) => reference.controller === true);
  return {
    namespace: pod.metadata.namespace,
    ...(pod.metadata.generateName === undefined ? {} : { generateName: pod.metadata.generateName }),
    labels: { ...pod.metadata.labels },
    ...(pod.metadata.annotations === undefined ? {} : { annotations: { ...pod.metadata.annotations } }),
    ...(owner === undefined ? {} : { owner: { kind: owner.kind, name: owner.name, uid: owner.uid, apiVersion: owner.apiVersion } }),
    ...(pod.spec.tolerations?.some((toleration) => toleration.operator === 'Exists' && toleration.key === undefined) === true ? { toleratesAllTaints: true } : {}),
    ...(pod.spec.hostNetwork === true ? { hostNetwork: true } : {}),
    containers: pod.spec.containers.map((container) => containerSpecFrom(container)),
  };
}

function containerSpecFrom(container: ContainerObject): ContainerSpec {
  const cpu = parseQuantity(container.resources.requests?.cpu);
  const memoryBytes = parseQuantity(container.resources.requests?.memory);
  const cpuLimit = parseQuantity(container.resources.limits?.cpu);
  const memoryLimitBytes = parseQuantity(container.resources.limits?.memory);
  return {
    name: container.name,
    image: container.image,
    ...(cpu === undefined ? {} : { cpu }),
    ...(memoryBytes === undefined ? {} : { memoryBytes }),
    ...(cpuLimit === undefined ? {} : { cpuLimit }),
    ...(memoryLimitBytes === undefined ? {} : { memoryLimitBytes }),
  };
}

function tolerated(taint: Taint, tolerations: readonly Toleration[] | undefined): boolean {
  return (tolerations ?? []).some((toleration) => {
    if (toleration.effect !== undefined && toleration.effect !== '' && toleration.effect !== taint.effect) return false;
    if (toleration.key === undefined || toleration.key === '') return toleration.operator === 'Exists';
    if (toleration.key !== taint.key) return false;
    return toleration.operator === 'Exists' || (toleration.value ?? '') === (taint.value ?? '');
  });
}

function selectorFits(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

function hashText(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  return hash | 0;
}
