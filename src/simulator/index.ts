/**
 * A fake kube-apiserver over real HTTP on loopback, for tests and the embedded default. Standalone:
 * nothing here imports from domains or infra.
 */
export { startSimulatedCluster } from './simulated-cluster.js';
export type { SimulatedCluster, SimulatedClusterOptions, SimNode, SimPod, SimNamespace } from './simulated-cluster.js';
export type { NodeSpec, PodSpec, ContainerSpec } from './cluster-state.js';
export type { ScenarioOptions } from './scenario.js';
export { demoClusterProfiles, seedDemoCluster } from './demo-world.js';
export type { DemoClusterProfile, DemoWorkload, DemoWorkloadKind } from './demo-world.js';
export { restartContainer, setPodPhase } from './pod-status.js';
export type { KubeObject, NodeObject, PodObject, NamespaceObject, PodPhase, Taint, StatusObject } from './k8s-types.js';
