/**
 * A fake kube-apiserver over real HTTP on loopback, for tests and the embedded default. Standalone:
 * nothing here imports from domains or infra.
 */
export { startSimulatedCluster } from './simulated-cluster.js';
export { startSimulatedRegistry } from './registry/registry-server.js';
export type { SimulatedRegistry, SimulatedRegistryOptions } from './registry/registry-server.js';
export type { AddOptions, ObjectChange, SimulatedCluster, SimulatedClusterOptions, SimNode, SimPod, SimNamespace, VulnerabilityReportSpec } from './simulated-cluster.js';
export type { NodeSpec, PodSpec, ContainerSpec } from './cluster-state.js';
export type { MetricsServerMode } from './metrics-server.js';
export type {
  CronJobSpec,
  DaemonSetSpec,
  DeploymentSpec,
  EventSpec,
  JobSpec,
  PersistentVolumeClaimSpec,
  PersistentVolumeSpec,
  PodDisruptionBudgetSpec,
  PodTemplateSpec,
  ServiceSpec,
  StatefulSetSpec,
  StorageClassSpec,
} from './control-specs.js';
export { RUN_MS_ANNOTATION, EXIT_CODE_ANNOTATION, isCrashingImage } from './controllers/kubelet.js';
export { CONTROL_API_MANAGER } from './object-service.js';
export type { ScenarioOptions } from './scenario.js';
export { demoClusterProfiles, seedDemoCluster } from './demo-world.js';
export type { DemoClusterProfile, DemoWorkload, DemoWorkloadKind } from './demo-world.js';
export { restartContainer, setPodPhase } from './pod-status.js';
export type { KubeObject, NodeObject, PodObject, NamespaceObject, PodPhase, Taint, StatusObject } from './k8s-types.js';
export type {
  ConfigMapObject,
  CronJobObject,
  DaemonSetObject,
  DeploymentObject,
  EventObject,
  HorizontalPodAutoscalerObject,
  IngressObject,
  JobObject,
  ObjectTypes,
  PersistentVolumeClaimObject,
  PersistentVolumeObject,
  PodDisruptionBudgetObject,
  ReplicaSetObject,
  ResourceName,
  ServiceAccountObject,
  ServiceObject,
  StatefulSetObject,
  StorageClassObject,
  VulnerabilityObject,
  VulnerabilityReportObject,
  VulnerabilitySeverity,
} from './object-types.js';
export { findingsFor } from './vulnerability-catalog.js';
