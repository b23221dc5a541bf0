/**
 * Shapes of the apps, batch, policy, storage and core objects beyond nodes/namespaces/pods, and the
 * map from resource name to object type that the store and the API are typed by.
 */
import type { Condition, NamespaceObject, NodeObject, ObjectMeta, PodObject, PodSpecObject } from './k8s-types.js';

export interface LabelSelectorRequirementObject {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementObject[];
}

export interface PodTemplateObject {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpecObject;
}

export type NamespacedMeta = ObjectMeta & { namespace: string };
type IntOrString = number | string;

export interface DeploymentObject {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: NamespacedMeta;
  spec: {
    replicas: number;
    selector: LabelSelectorObject;
    template: PodTemplateObject;
    strategy: { type: 'RollingUpdate' | 'Recreate'; rollingUpdate?: { maxSurge: IntOrString; maxUnavailable: IntOrString } };
    revisionHistoryLimit: number;
    progressDeadlineSeconds: number;
    minReadySeconds?: number;
    paused?: boolean;
  };
  status: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: Condition[];
  };
}

export interface ReplicaSetObject {
  apiVersion: 'apps/v1';
  kind: 'ReplicaSet';
  metadata: NamespacedMeta;
  spec: { replicas: number; selector: LabelSelectorObject; template: PodTemplateObject; minReadySeconds?: number };
  status: { replicas: number; fullyLabeledReplicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
}

export interface StatefulSetObject {
  apiVersion: 'apps/v1';
  kind: 'StatefulSet';
  metadata: NamespacedMeta;
  spec: {
    replicas: number;
    selector: LabelSelectorObject;
    template: PodTemplateObject;
    serviceName: string;
    podManagementPolicy: 'OrderedReady' | 'Parallel';
    updateStrategy: { type: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition: number } };
    revisionHistoryLimit: number;
    volumeClaimTemplates?: PersistentVolumeClaimObject[];
  };
  status: {
    observedGeneration?: number;
    replicas: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    collisionCount?: number;
  };
}

export interface DaemonSetObject {
  apiVersion: 'apps/v1';
  kind: 'DaemonSet';
  metadata: NamespacedMeta;
  spec: {
    selector: LabelSelectorObject;
    template: PodTemplateObject;
    updateStrategy: { type: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { maxUnavailable: IntOrString; maxSurge: IntOrString } };
    revisionHistoryLimit: number;
  };
  status: {
    currentNumberScheduled: number;
    numberMisscheduled: number;
    desiredNumberScheduled: number;
    numberReady: number;
    observedGeneration?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberUnavailable?: number;
  };
}

export interface JobSpecObject {
  parallelism: number;
  completions: number;
  backoffLimit: number;
  completionMode: 'NonIndexed' | 'Indexed';
  suspend: boolean;
  selector?: LabelSelectorObject;
  manualSelector?: boolean;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  template: PodTemplateObject;
}

export interface JobObject {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: NamespacedMeta;
  spec: JobSpecObject;
  status: {
    active?: number;
    succeeded?: number;
    failed?: number;
    ready?: number;
    terminating?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: Condition[];
  };
}

export interface ObjectReference {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface CronJobObject {
  apiVersion: 'batch/v1';
  kind: 'CronJob';
  metadata: NamespacedMeta;
  spec: {
    schedule: string;
    timeZone?: string;
    concurrencyPolicy: 'Allow' | 'Forbid' | 'Replace';
    suspend: boolean;
    successfulJobsHistoryLimit: number;
    failedJobsHistoryLimit: number;
    jobTemplate: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: JobSpecObject };
  };
  status: { active?: ObjectReference[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

export interface ServicePortObject {
  name?: string;
  protocol: string;
  port: number;
  targetPort: IntOrString;
  nodePort?: number;
}

export interface ServiceObject {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: NamespacedMeta;
  spec: {
    type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    selector?: Record<string, string>;
    ports: ServicePortObject[];
    clusterIP: string;
    clusterIPs: string[];
    ipFamilies: string[];
    ipFamilyPolicy: string;
    sessionAffinity: string;
    internalTrafficPolicy: string;
    externalTrafficPolicy?: string;
    externalName?: string;
  };
  status: { loadBalancer: { ingress?: Array<{ ip: string; ipMode?: string }> } };
}

export interface PersistentVolumeObject {
  apiVersion: 'v1';
  kind: 'PersistentVolume';
  metadata: ObjectMeta;
  spec: {
    capacity: { storage: string };
    accessModes: string[];
    persistentVolumeReclaimPolicy: 'Retain' | 'Delete' | 'Recycle';
    storageClassName?: string;
    volumeMode: 'Filesystem' | 'Block';
    claimRef?: ObjectReference;
    nfs?: { server: string; path: string };
    hostPath?: { path: string; type?: string };
    csi?: { driver: string; volumeHandle: string; fsType?: string };
  };
  status: { phase: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed'; lastPhaseTransitionTime?: string };
}

export interface PersistentVolumeClaimObject {
  apiVersion: 'v1';
  kind: 'PersistentVolumeClaim';
  metadata: NamespacedMeta;
  spec: {
    accessModes: string[];
    resources: { requests: { storage: string } };
    storageClassName?: string;
    volumeMode: 'Filesystem' | 'Block';
    volumeName?: string;
  };
  status: { phase: 'Pending' | 'Bound' | 'Lost'; accessModes?: string[]; capacity?: { storage: string } };
}

export interface StorageClassObject {
  apiVersion: 'storage.k8s.io/v1';
  kind: 'StorageClass';
  metadata: ObjectMeta;
  provisioner: string;
  reclaimPolicy: 'Retain' | 'Delete';
  volumeBindingMode: 'Immediate' | 'WaitForFirstConsumer';
  allowVolumeExpansion?: boolean;
  parameters?: Record<string, string>;
}

export interface PodDisruptionBudgetObject {
  apiVersion: 'policy/v1';
  kind: 'PodDisruptionBudget';
  metadata: NamespacedMeta;
  spec: { minAvailable?: IntOrString; maxUnavailable?: IntOrString; selector: LabelSelectorObject; unhealthyPodEvictionPolicy?: string };
  status: {
    observedGeneration?: number;
    disruptionsAllowed: number;
    currentHealthy: number;
    desiredHealthy: number;
    expectedPods: number;
    conditions?: Condition[];
  };
}

export interface EventObject {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: NamespacedMeta;
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: 'Normal' | 'Warning';
  eventTime: null;
  reportingComponent: string;
  reportingInstance: string;
}

export interface SecretObject {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: NamespacedMeta;
  /** e.g. Opaque, kubernetes.io/dockerconfigjson; immutable once created. */
  type: string;
  /** Values base64-encoded, as the apiserver stores and serves them (`stringData` is folded in on write). */
  data?: Record<string, string>;
  immutable?: boolean;
}

export interface ConfigMapObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: NamespacedMeta;
  data?: Record<string, string>;
  /** Values base64-encoded. */
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

export interface IngressBackendObject {
  service?: { name: string; port: { number?: number; name?: string } };
  resource?: { apiGroup?: string; kind: string; name: string };
}

export interface IngressObject {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'Ingress';
  metadata: NamespacedMeta;
  spec: {
    ingressClassName?: string;
    defaultBackend?: IngressBackendObject;
    tls?: Array<{ hosts?: string[]; secretName?: string }>;
    rules?: Array<{ host?: string; http?: { paths: Array<{ path?: string; pathType: string; backend: IngressBackendObject }> } }>;
  };
  status: { loadBalancer: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

/** core/v1 ServiceAccount: an identity for pods; the token controller is not simulated. */
export interface ServiceAccountObject {
  apiVersion: 'v1';
  kind: 'ServiceAccount';
  metadata: NamespacedMeta;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: Array<{ name: string }>;
  secrets?: Array<Partial<ObjectReference> & { name: string }>;
}

/** autoscaling/v2 MetricTarget. */
export interface MetricTargetObject {
  type: 'Utilization' | 'Value' | 'AverageValue';
  averageUtilization?: number;
  averageValue?: string;
  value?: string;
}

/** One autoscaling/v2 MetricSpec: `type` names which of the other fields is set. */
export interface MetricSpecObject {
  type: 'Resource' | 'ContainerResource' | 'Pods' | 'Object' | 'External';
  resource?: { name: string; target: MetricTargetObject };
  containerResource?: { name: string; container: string; target: MetricTargetObject };
  pods?: { metric: { name: string }; target: MetricTargetObject };
  object?: { metric: { name: string }; describedObject: { apiVersion?: string; kind: string; name: string }; target: MetricTargetObject };
  external?: { metric: { name: string }; target: MetricTargetObject };
}

/** autoscaling/v2 HorizontalPodAutoscaler; stored and served, not acted on (no autoscaler controller). */
export interface HorizontalPodAutoscalerObject {
  apiVersion: 'autoscaling/v2';
  kind: 'HorizontalPodAutoscaler';
  metadata: NamespacedMeta;
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: MetricSpecObject[];
    behavior?: Record<string, unknown>;
  };
  status: { observedGeneration?: number; currentReplicas?: number; desiredReplicas: number; lastScaleTime?: string; conditions?: Condition[] };
}

export type VulnerabilitySeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';

export interface VulnerabilityObject {
  vulnerabilityID: string;
  resource: string;
  installedVersion: string;
  fixedVersion: string;
  severity: VulnerabilitySeverity;
  title: string;
  primaryLink: string;
  score?: number;
}

/** Trivy Operator's aquasecurity.github.io/v1alpha1 VulnerabilityReport: one per container of a workload's controller. */
export interface VulnerabilityReportObject {
  apiVersion: 'aquasecurity.github.io/v1alpha1';
  kind: 'VulnerabilityReport';
  metadata: NamespacedMeta;
  report: {
    updateTimestamp: string;
    scanner: { name: string; vendor: string; version: string };
    registry: { server: string };
    artifact: { repository: string; tag?: string; digest?: string };
    os?: { family: string; name: string };
    summary: { criticalCount: number; highCount: number; mediumCount: number; lowCount: number; unknownCount: number; noneCount: number };
    vulnerabilities: VulnerabilityObject[];
  };
}

/** Every resource the simulator serves, by its plural (URL) name. */
export interface ObjectTypes {
  nodes: NodeObject;
  namespaces: NamespaceObject;
  pods: PodObject;
  services: ServiceObject;
  persistentvolumes: PersistentVolumeObject;
  persistentvolumeclaims: PersistentVolumeClaimObject;
  events: EventObject;
  deployments: DeploymentObject;
  replicasets: ReplicaSetObject;
  statefulsets: StatefulSetObject;
  daemonsets: DaemonSetObject;
  jobs: JobObject;
  cronjobs: CronJobObject;
  storageclasses: StorageClassObject;
  poddisruptionbudgets: PodDisruptionBudgetObject;
  horizontalpodautoscalers: HorizontalPodAutoscalerObject;
  serviceaccounts: ServiceAccountObject;
  secrets: SecretObject;
  configmaps: ConfigMapObject;
  ingresses: IngressObject;
  vulnerabilityreports: VulnerabilityReportObject;
}

export type ResourceName = keyof ObjectTypes;
export type KubeObject = ObjectTypes[ResourceName];
export type WorkloadObject = DeploymentObject | StatefulSetObject | DaemonSetObject;
