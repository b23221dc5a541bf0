/** Rows of the application maps domain, as the store hands them over (no ORM types). */

/** A logical part of a map (front, back, data): its workloads by label selector or by name. */
export interface AppMapGroupRecord {
  readonly name: string;
  /** A label selector on the workloads' labels; null when the group lists its workloads by name. */
  readonly selector: string | null;
  /** Names of the workloads in the group; null when it selects them by label. */
  readonly workloadNames: readonly string[] | null;
}

export interface AppMapRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly namespace: string;
  /** Unique per workspace, cluster and namespace: what a release names to attach to the map. */
  readonly name: string;
  readonly description: string;
  /** DEV, STAGING, PROD, or a stage name of the workspace's own. */
  readonly stage: string;
  /** Label selector on the workloads' labels; '' takes every workload of the namespace. */
  readonly selector: string;
  readonly groups: readonly AppMapGroupRecord[];
  /** The release that made or adopted the map; null for a map drawn around running workloads. */
  readonly releaseId: string | null;
  /** A successful build of an image the map runs rolls the map's release forward to the new tag. */
  readonly continuousDeployment: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type AppMapPatch = Partial<Pick<AppMapRecord, 'name' | 'description' | 'stage' | 'selector' | 'groups' | 'releaseId' | 'continuousDeployment'>> & {
  readonly updatedAt: Date;
};
