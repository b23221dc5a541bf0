import type { JsonObject } from '../rendering/json.js';

/** Rows of the releases, as the stores hand them over (no ORM types). */

export const RELEASE_STATUSES = ['DEPLOYING', 'DEPLOYED', 'FAILED', 'SUPERSEDED', 'UNINSTALLED'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export const RELEASE_ACTIONS = ['INSTALL', 'UPGRADE', 'ROLLBACK', 'IMAGE_UPDATE'] as const;
export type ReleaseAction = (typeof RELEASE_ACTIONS)[number];

/** PENDING: removed once this release is healthy; REMOVED; KEPT: this release did not turn healthy, or the source could not be removed. */
export const SOURCE_REMOVALS = ['PENDING', 'REMOVED', 'KEPT'] as const;
export type SourceRemoval = (typeof SOURCE_REMOVALS)[number];

/** One object a revision applied: what uninstall and pruning act on (never labels alone, which users can edit). */
export interface InventoryItem {
  readonly apiVersion: string;
  readonly kind: string;
  /** null for cluster-scoped objects. */
  readonly namespace: string | null;
  readonly name: string;
  /** The object the apply created or updated: one recreated by someone else has another uid and is not ours. */
  readonly uid: string;
}

/** Who did it: the principal's stable id (a user id, or `bootstrap-admin`) and name at the time. */
export interface ReleaseActor {
  readonly id: string;
  readonly userId: string | null;
  readonly name: string;
}

export interface ReleaseRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly namespace: string;
  readonly appMapName: string;
  readonly stage: string;
  readonly packageId: string;
  readonly packageName: string;
  /** Of the current revision. */
  readonly packageVersionId: string;
  readonly version: string;
  readonly revision: number;
  readonly status: ReleaseStatus;
  /** Why the status is what it is (a failed rollout's reason, what an uninstall left alone). */
  readonly statusMessage: string | null;
  /** The namespace did not exist and the first deploy created it (uninstall leaves it: other objects may live there by then). */
  readonly createdNamespace: boolean;
  /** Made by redeploying this release (another cluster or namespace); null otherwise. */
  readonly redeployedFrom: string | null;
  /** Whether the release it was redeployed from is still to be removed once this one is healthy, or what became of it. */
  readonly sourceRemoval: SourceRemoval | null;
  readonly createdBy: ReleaseActor;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface RevisionRecord {
  readonly releaseId: string;
  readonly revision: number;
  readonly action: ReleaseAction;
  /** ROLLBACK: the revision whose version and values were applied again. */
  readonly rolledBackFrom: number | null;
  readonly packageVersionId: string;
  readonly version: string;
  /** The values used, defaults filled in. */
  readonly values: JsonObject;
  /** Paths of values whose parameter is `writeOnly` or `format: password`: hidden wherever values are shown. */
  readonly hiddenValuePaths: readonly string[];
  /** The manifests as applied (namespace and release labels set), in apply order. */
  readonly manifests: readonly JsonObject[];
  readonly inventory: readonly InventoryItem[];
  /** Unified diff of the rendered objects against the previous revision (secret data masked). */
  readonly diff: string;
  readonly status: ReleaseStatus;
  readonly statusMessage: string | null;
  readonly createdBy: ReleaseActor;
  readonly createdAt: Date;
}

/** A revision without its manifests: what history lists need. */
export type RevisionSummary = Omit<RevisionRecord, 'manifests'>;
