/**
 * Minimal Kubernetes object shapes the simulator serves. Own types rather than client-node's so
 * the simulator stays standalone and the JSON it writes is exactly what these types say.
 */
import type { ManagedFieldsEntry } from './managed-fields.js';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  /** Keys that hold the object back from deletion until removed (see deletion.ts). */
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  /** Set on objects whose spec changes are tracked (workloads, budgets); bumped on each spec change. */
  generation?: number;
  /** Who owns which fields (server-side apply); see managed-fields.ts. */
  managedFields?: ManagedFieldsEntry[];
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface ResourceList {
  cpu?: string;
  memory?: string;
  'ephemeral-storage'?: string;
  pods?: string;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

export interface NodeObject {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: ObjectMeta;
  spec: { podCIDR?: string; taints?: Taint[]; unschedulable?: boolean; providerID?: string };
  status: {
    capacity: ResourceList;
    allocatable: ResourceList;
    conditions: Condition[];
    addresses: Array<{ type: string; address: string }>;
    nodeInfo: {
      kubeletVersion: string;
      kubeProxyVersion: string;
      osImage: string;
      kernelVersion: string;
      containerRuntimeVersion: string;
      operatingSystem: string;
      architecture: string;
      machineID: string;
      systemUUID: string;
      bootID: string;
    };
  };
}

export interface NamespaceObject {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: ObjectMeta;
  spec: { finalizers: string[] };
  status: { phase: 'Active' | 'Terminating' };
}

export interface ContainerObject {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  env?: EnvVarObject[];
  envFrom?: Array<{ prefix?: string; configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string; optional?: boolean } }>;
  ports?: Array<{ containerPort: number; protocol: string; name?: string }>;
  resources: { requests?: ResourceList; limits?: ResourceList };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>;
}

export interface KeyReference {
  name: string;
  key: string;
  optional?: boolean;
}

export interface EnvVarObject {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: KeyReference; configMapKeyRef?: KeyReference; fieldRef?: { fieldPath: string } };
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface VolumeObject {
  name: string;
  emptyDir?: Record<string, unknown>;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  configMap?: { name: string; items?: Array<{ key: string; path: string; mode?: number }>; optional?: boolean; defaultMode?: number };
  secret?: { secretName: string; items?: Array<{ key: string; path: string; mode?: number }>; optional?: boolean; defaultMode?: number };
  hostPath?: { path: string; type?: string };
}

export interface ContainerState {
  running?: { startedAt: string };
  waiting?: { reason: string; message?: string };
  terminated?: { exitCode: number; reason: string; startedAt?: string; finishedAt?: string };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodObject {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta & { namespace: string };
  spec: {
    nodeName?: string;
    hostNetwork?: boolean;
    /** Run to completion, in order, before `containers` start. */
    initContainers?: ContainerObject[];
    containers: ContainerObject[];
    restartPolicy: string;
    schedulerName: string;
    serviceAccountName: string;
    tolerations?: Toleration[];
    priority?: number;
    nodeSelector?: Record<string, string>;
    volumes?: VolumeObject[];
    terminationGracePeriodSeconds?: number;
    dnsPolicy?: string;
  };
  status: {
    phase: PodPhase;
    conditions: Condition[];
    hostIP?: string;
    podIP?: string;
    podIPs?: Array<{ ip: string }>;
    startTime?: string;
    qosClass?: string;
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
    reason?: string;
    message?: string;
  };
}

export type PodSpecObject = PodObject['spec'];

export type { KubeObject } from './object-types.js';

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message: string;
  reason: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason?: string; message: string; field?: string }> };
}

export function statusObject(code: number, reason: string, message: string, details?: StatusObject['details']): StatusObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    ...(details === undefined ? {} : { details }),
  };
}
