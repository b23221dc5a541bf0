/**
 * The control API's short descriptions of workloads, services and storage, and the manifests they
 * stand for. The manifests then go through the same path as a POST to the apiserver.
 */
import { containerObject, type ContainerSpec } from './cluster-state.js';
import { EXIT_CODE_ANNOTATION, RUN_MS_ANNOTATION } from './controllers/kubelet.js';
import type { Toleration, VolumeObject } from './k8s-types.js';

export interface PodTemplateSpec {
  namespace: string;
  name: string;
  /** Labels of the workload object; also its pods' labels and selector unless given below. */
  labels?: Record<string, string>;
  /** matchLabels of the selector (default: `labels`, or `{ app: name }`). */
  selector?: Record<string, string>;
  /** Extra labels on the pods only. */
  podLabels?: Record<string, string>;
  annotations?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  containers: ContainerSpec[];
  hostNetwork?: boolean;
  /** Tolerates every taint (as CNI agents and kube-proxy do). */
  toleratesAllTaints?: boolean;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  volumes?: VolumeObject[];
  /** Backdates the object (and what its controller makes while seeding); default now. */
  createdAt?: Date;
}

export interface DeploymentSpec extends PodTemplateSpec {
  replicas?: number;
  strategy?: 'RollingUpdate' | 'Recreate';
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  /** Seconds a ready pod waits before it counts as available (simulated seconds, see simulatedSecondMs). */
  minReadySeconds?: number;
  /** Default 600 (simulated seconds). */
  progressDeadlineSeconds?: number;
}

export interface StatefulSetSpec extends PodTemplateSpec {
  replicas?: number;
  serviceName?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** One claim per pod per entry, `<name>-<pod>`, kept when the pod goes. */
  volumeClaims?: Array<{ name: string; storage: string; storageClassName?: string; accessModes?: string[] }>;
}

export type DaemonSetSpec = PodTemplateSpec;

export interface JobSpec extends PodTemplateSpec {
  completions?: number;
  parallelism?: number;
  backoffLimit?: number;
  /** How long each pod runs before it exits (default: the cluster's jobRunMs). */
  runMs?: number;
  /** Exit code of each pod: 0 (default) succeeds, anything else fails. */
  exitCode?: number;
}

export interface CronJobSpec extends JobSpec {
  schedule: string;
  suspend?: boolean;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}

export interface ServiceSpec {
  namespace: string;
  name: string;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  selector?: Record<string, string>;
  ports: Array<{ port: number; targetPort?: number | string; name?: string; protocol?: string; nodePort?: number }>;
  /** "None" for a headless service. */
  clusterIP?: string;
  labels?: Record<string, string>;
  createdAt?: Date;
}

export interface PersistentVolumeSpec {
  name: string;
  /** A quantity, e.g. "10Gi". */
  capacity: string;
  storageClassName?: string;
  accessModes?: string[];
  reclaimPolicy?: 'Retain' | 'Delete';
  nfs?: { server: string; path: string };
  hostPath?: string;
  createdAt?: Date;
}

export interface PersistentVolumeClaimSpec {
  namespace: string;
  name: string;
  storage: string;
  storageClassName?: string;
  accessModes?: string[];
  volumeName?: string;
  labels?: Record<string, string>;
  createdAt?: Date;
}

export interface StorageClassSpec {
  name: string;
  provisioner: string;
  isDefault?: boolean;
  reclaimPolicy?: 'Retain' | 'Delete';
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  allowVolumeExpansion?: boolean;
  parameters?: Record<string, string>;
  createdAt?: Date;
}

export interface PodDisruptionBudgetSpec {
  namespace: string;
  name: string;
  /** matchLabels of the pods it covers. */
  selector: Record<string, string>;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  createdAt?: Date;
}

export interface EventSpec {
  involvedObject: { kind: string; name: string; namespace?: string; uid?: string; apiVersion?: string; fieldPath?: string };
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  source?: { component: string; host?: string };
  at?: Date;
}

type Manifest = Record<string, unknown>;

function metadata(spec: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }): Manifest {
  return {
    name: spec.name,
    ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
    ...(spec.labels === undefined ? {} : { labels: { ...spec.labels } }),
    ...(spec.annotations === undefined ? {} : { annotations: { ...spec.annotations } }),
  };
}

function selectorOf(spec: PodTemplateSpec): Record<string, string> {
  return { ...(spec.selector ?? spec.labels ?? { app: spec.name }) };
}

function template(spec: PodTemplateSpec, restartPolicy?: string, extraAnnotations: Record<string, string> = {}): Manifest {
  const annotations = { ...spec.podAnnotations, ...extraAnnotations };
  const tolerations = [...(spec.toleratesAllTaints === true ? [{ operator: 'Exists' }] : []), ...(spec.tolerations ?? [])];
  return {
    metadata: {
      labels: { ...selectorOf(spec), ...spec.labels, ...spec.podLabels },
      ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
    },
    spec: {
      containers: spec.containers.map(containerObject),
      ...(restartPolicy === undefined ? {} : { restartPolicy }),
      ...(spec.hostNetwork === true ? { hostNetwork: true } : {}),
      ...(tolerations.length === 0 ? {} : { tolerations }),
      ...(spec.nodeSelector === undefined ? {} : { nodeSelector: { ...spec.nodeSelector } }),
      ...(spec.volumes === undefined ? {} : { volumes: structuredClone(spec.volumes) }),
    },
  };
}

export function deploymentManifest(spec: DeploymentSpec): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(spec),
    spec: {
      replicas: spec.replicas ?? 1,
      selector: { matchLabels: selectorOf(spec) },
      template: template(spec),
      strategy:
        spec.strategy === 'Recreate'
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: { maxSurge: spec.maxSurge ?? '25%', maxUnavailable: spec.maxUnavailable ?? '25%' } },
      ...(spec.minReadySeconds === undefined ? {} : { minReadySeconds: spec.minReadySeconds }),
      ...(spec.progressDeadlineSeconds === undefined ? {} : { progressDeadlineSeconds: spec.progressDeadlineSeconds }),
    },
  };
}

export function statefulSetManifest(spec: StatefulSetSpec): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: metadata(spec),
    spec: {
      replicas: spec.replicas ?? 1,
      serviceName: spec.serviceName ?? spec.name,
      ...(spec.podManagementPolicy === undefined ? {} : { podManagementPolicy: spec.podManagementPolicy }),
      selector: { matchLabels: selectorOf(spec) },
      template: template(spec),
      ...(spec.volumeClaims === undefined
        ? {}
        : {
            volumeClaimTemplates: spec.volumeClaims.map((claim) => ({
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              metadata: { name: claim.name },
              spec: {
                accessModes: claim.accessModes ?? ['ReadWriteOnce'],
                resources: { requests: { storage: claim.storage } },
                ...(claim.storageClassName === undefined ? {} : { storageClassName: claim.storageClassName }),
              },
            })),
          }),
    },
  };
}

export function daemonSetManifest(spec: DaemonSetSpec): Manifest {
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: metadata(spec), spec: { selector: { matchLabels: selectorOf(spec) }, template: template(spec) } };
}

function jobRunAnnotations(spec: JobSpec): Record<string, string> {
  return {
    ...(spec.runMs === undefined ? {} : { [RUN_MS_ANNOTATION]: String(spec.runMs) }),
    ...(spec.exitCode === undefined ? {} : { [EXIT_CODE_ANNOTATION]: String(spec.exitCode) }),
  };
}

function jobSpecManifest(spec: JobSpec): Manifest {
  return {
    ...(spec.completions === undefined ? {} : { completions: spec.completions }),
    ...(spec.parallelism === undefined ? {} : { parallelism: spec.parallelism }),
    ...(spec.backoffLimit === undefined ? {} : { backoffLimit: spec.backoffLimit }),
    template: template({ ...spec, selector: spec.selector ?? spec.labels ?? {} }, 'Never', jobRunAnnotations(spec)),
  };
}

export function jobManifest(spec: JobSpec): Manifest {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: metadata(spec), spec: jobSpecManifest(spec) };
}

export function cronJobManifest(spec: CronJobSpec): Manifest {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: metadata(spec),
    spec: {
      schedule: spec.schedule,
      suspend: spec.suspend === true,
      ...(spec.successfulJobsHistoryLimit === undefined ? {} : { successfulJobsHistoryLimit: spec.successfulJobsHistoryLimit }),
      ...(spec.failedJobsHistoryLimit === undefined ? {} : { failedJobsHistoryLimit: spec.failedJobsHistoryLimit }),
      jobTemplate: { ...(spec.labels === undefined ? {} : { metadata: { labels: { ...spec.labels } } }), spec: jobSpecManifest(spec) },
    },
  };
}

export function serviceManifest(spec: ServiceSpec): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(spec),
    spec: {
      type: spec.type ?? 'ClusterIP',
      ...(spec.selector === undefined ? {} : { selector: { ...spec.selector } }),
      ...(spec.clusterIP === undefined ? {} : { clusterIP: spec.clusterIP }),
      ports: spec.ports.map((port) => ({ ...port })),
    },
  };
}

export function persistentVolumeManifest(spec: PersistentVolumeSpec): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: metadata(spec),
    spec: {
      capacity: { storage: spec.capacity },
      accessModes: spec.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: spec.reclaimPolicy ?? 'Retain',
      ...(spec.storageClassName === undefined ? {} : { storageClassName: spec.storageClassName }),
      ...(spec.nfs === undefined ? {} : { nfs: { ...spec.nfs } }),
      ...(spec.hostPath === undefined ? {} : { hostPath: { path: spec.hostPath } }),
    },
  };
}

export function persistentVolumeClaimManifest(spec: PersistentVolumeClaimSpec): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata(spec),
    spec: {
      accessModes: spec.accessModes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: spec.storage } },
      ...(spec.storageClassName === undefined ? {} : { storageClassName: spec.storageClassName }),
      ...(spec.volumeName === undefined ? {} : { volumeName: spec.volumeName }),
    },
  };
}

export function storageClassManifest(spec: StorageClassSpec): Manifest {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: metadata({ name: spec.name, ...(spec.isDefault === true ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) }),
    provisioner: spec.provisioner,
    reclaimPolicy: spec.reclaimPolicy ?? 'Delete',
    volumeBindingMode: spec.volumeBindingMode ?? 'Immediate',
    ...(spec.allowVolumeExpansion === undefined ? {} : { allowVolumeExpansion: spec.allowVolumeExpansion }),
    ...(spec.parameters === undefined ? {} : { parameters: { ...spec.parameters } }),
  };
}

export function podDisruptionBudgetManifest(spec: PodDisruptionBudgetSpec): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(spec),
    spec: {
      selector: { matchLabels: { ...spec.selector } },
      ...(spec.minAvailable === undefined ? {} : { minAvailable: spec.minAvailable }),
      ...(spec.maxUnavailable === undefined ? {} : { maxUnavailable: spec.maxUnavailable }),
    },
  };
}
