/**
 * Normalized projections of Kubernetes objects: what the informer caches keep and what the bus
 * carries. Plain JSON-safe data (no Dates, no class instances), versioned on the wire.
 */
export interface ResourceQuantities {
  /** CPU in cores (e.g. 0.5 for "500m"). */
  readonly cpuCores: number;
  readonly memoryBytes: number;
  /** Ephemeral storage in bytes. */
  readonly storageBytes: number;
  readonly pods: number;
}

export interface NodeCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface NodeTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

export interface NodeProjection {
  readonly uid: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly labels: Record<string, string>;
  /** From node-role.kubernetes.io/<role> labels. */
  readonly roles: string[];
  readonly ready: boolean;
  readonly unschedulable: boolean;
  readonly kubeletVersion?: string;
  readonly internalIP?: string;
  readonly capacity: ResourceQuantities;
  readonly allocatable: ResourceQuantities;
  readonly conditions: NodeCondition[];
  readonly taints: NodeTaint[];
  readonly createdAt?: string;
}

export interface ContainerProjection {
  readonly name: string;
  readonly image: string;
  readonly ready: boolean;
  readonly restartCount: number;
  /** waiting | running | terminated | unknown */
  readonly state: string;
  readonly reason?: string;
  readonly startedAt?: string;
  readonly requests: { readonly cpuCores: number; readonly memoryBytes: number };
  readonly limits: { readonly cpuCores: number; readonly memoryBytes: number };
}

export interface OwnerReference {
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

export interface PodProjection {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly restarts: number;
  readonly nodeName?: string;
  readonly podIP?: string;
  readonly startedAt?: string;
  readonly createdAt?: string;
  readonly labels: Record<string, string>;
  readonly containers: ContainerProjection[];
  readonly owner?: OwnerReference;
  /** Set while the pod is being deleted. */
  readonly deletionTimestamp?: string;
}

export interface NamespaceProjection {
  readonly uid: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly phase: string;
  readonly labels: Record<string, string>;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** What the informers publish on `kda.v1.<clusterId>.<kind>.<namespace>`. */
export interface ClusterObjectEvent<T> {
  readonly v: 1;
  readonly type: WatchEventType;
  readonly clusterId: string;
  readonly kind: ClusterObjectKindName;
  readonly object: T;
  /** When the gateway's watch saw the change (ms since the epoch): where the event-lag metric starts. */
  readonly observedAt?: number;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

export interface WorkloadProjection {
  readonly uid: string;
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly labels: Record<string, string>;
  /** The pod selector's matchLabels (workloads whose selector uses expressions also fill this with what they can). */
  readonly selector: Record<string, string>;
  /** Desired replicas (Deployment/StatefulSet: spec.replicas; DaemonSet: desiredNumberScheduled; Job: parallelism; CronJob: 0). */
  readonly desired: number;
  /** Pods reporting Ready. */
  readonly ready: number;
  /** Available (Deployment, DaemonSet), current (StatefulSet), active (Job/CronJob). */
  readonly available: number;
  /** Pods on the newest template (rolling updates). */
  readonly updated: number;
  readonly images: string[];
  /** Deployment/StatefulSet/DaemonSet: Progressing, Available…; Job: Complete/Failed. */
  readonly conditions: Array<{ readonly type: string; readonly status: string; readonly reason?: string; readonly message?: string }>;
  /** Job: succeeded pods; others: undefined. */
  readonly succeeded?: number;
  /** Job: failed pods. */
  readonly failed?: number;
  /** CronJob: schedule and last schedule time; CronJob and Job: the suspend flag. */
  readonly schedule?: string;
  readonly suspended?: boolean;
  readonly lastScheduleTime?: string;
  /** Job/CronJob owner (a Job created by a CronJob). */
  readonly owner?: OwnerReference;
  /** Generation observed by the controller, to tell a finished rollout from one in progress. */
  readonly generation: number;
  readonly observedGeneration: number;
  /** kubectl.kubernetes.io/restartedAt of the pod template, set by a rollout restart. */
  readonly restartedAt?: string;
  readonly createdAt?: string;
  /** Deployment: spec.paused (the controller leaves its rollout where it is). */
  readonly paused?: boolean;
  /** Deployment: pods of every ReplicaSet, old ones included (status.replicas). */
  readonly totalReplicas?: number;
  /** Deployment, StatefulSet, DaemonSet: RollingUpdate, Recreate or OnDelete. */
  readonly updateStrategy?: string;
  /** StatefulSet: pods below this ordinal keep the current revision (spec.updateStrategy.rollingUpdate.partition). */
  readonly partition?: number;
  /** StatefulSet: the revision most pods run, and the one an update rolls to. */
  readonly currentRevision?: string;
  readonly updateRevision?: string;
  /** Claims its pod template mounts (volumes[].persistentVolumeClaim.claimName). */
  readonly claimNames?: string[];
  /** StatefulSet: names of its volumeClaimTemplates (each pod gets `<template>-<statefulset>-<ordinal>`). */
  readonly claimTemplates?: string[];
}

export interface ServicePort {
  readonly name?: string;
  readonly protocol: string;
  readonly port: number;
  readonly targetPort?: string;
  readonly nodePort?: number;
}

export interface ServiceProjection {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  /** ClusterIP, NodePort, LoadBalancer, ExternalName */
  readonly type: string;
  readonly clusterIP?: string;
  readonly externalIPs: string[];
  readonly ports: ServicePort[];
  readonly selector: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly createdAt?: string;
  /** LoadBalancer services: the addresses in status.loadBalancer.ingress (empty while the load balancer is pending). */
  readonly loadBalancerIngress?: string[];
}

export interface PersistentVolumeProjection {
  readonly uid: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly capacityBytes: number;
  readonly accessModes: string[];
  readonly reclaimPolicy?: string;
  readonly storageClassName?: string;
  /** Available, Bound, Released, Failed */
  readonly phase: string;
  /** namespace/name of the bound claim */
  readonly claim?: { readonly namespace: string; readonly name: string };
  readonly createdAt?: string;
}

export interface PersistentVolumeClaimProjection {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly requestedBytes: number;
  readonly capacityBytes: number;
  readonly accessModes: string[];
  readonly storageClassName?: string;
  /** Pending, Bound, Lost */
  readonly phase: string;
  readonly volumeName?: string;
  readonly createdAt?: string;
  /** Claims of a StatefulSet carry its selector's labels: how an application map finds them. */
  readonly labels?: Record<string, string>;
}

export interface StorageClassProjection {
  readonly uid: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly provisioner: string;
  readonly reclaimPolicy?: string;
  readonly volumeBindingMode?: string;
  readonly allowVolumeExpansion: boolean;
  readonly isDefault: boolean;
}

export interface KubernetesEventProjection {
  readonly uid: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  /** Normal or Warning */
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly involvedObject: { readonly kind: string; readonly name: string; readonly namespace?: string };
  readonly count: number;
  readonly firstSeen?: string;
  /** Newest occurrence (lastTimestamp, or eventTime, or creationTimestamp). */
  readonly lastSeen: string;
  readonly source?: string;
}

export interface PodDisruptionBudgetProjection {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly selector: Record<string, string>;
  readonly minAvailable?: string;
  readonly maxUnavailable?: string;
  readonly disruptionsAllowed: number;
}

/** Every kind the informers watch per cluster. */
export type ClusterObjectKindName =
  | 'pods'
  | 'nodes'
  | 'namespaces'
  | 'workloads'
  | 'services'
  | 'persistentvolumes'
  | 'persistentvolumeclaims'
  | 'storageclasses'
  | 'events'
  | 'poddisruptionbudgets'
  | 'vulnerabilityreports';
