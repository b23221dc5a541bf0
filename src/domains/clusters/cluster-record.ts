/** Where a cluster runs; extend as providers are added (values are part of the API). */
export const CLUSTER_PROVIDERS = ['ON_PREMISE', 'GKE', 'EKS', 'AKS', 'OTHER'] as const;
export type ClusterProvider = (typeof CLUSTER_PROVIDERS)[number];

export const CLUSTER_STATES = ['CONNECTING', 'RUNNING', 'DEGRADED', 'UNREACHABLE'] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];

/** A registered cluster as stored; the kubeconfig stays encrypted and never leaves the domain. */
export interface ClusterRecord {
  id: string;
  name: string;
  provider: ClusterProvider;
  region: string;
  /** Sealed by the SecretBox port; only the runtime connector opens it. */
  kubeconfigEncrypted: string;
  context: string | null;
  /** Last status the gateway observed; the live one comes from the connection. */
  status: ClusterState;
  statusReason: string | null;
  kubernetesVersion: string | null;
  lastSeenAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
