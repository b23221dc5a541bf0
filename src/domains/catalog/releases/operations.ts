import type { DriftedField } from './object-diff.js';
import type { InventoryItem, ReleaseRecord, RevisionSummary } from './records.js';
import type { RemovalReport } from './release-executor.js';

/** What the release operations take and answer (the resolver maps these to the schema's types). */

export interface DeployInput {
  readonly workspaceId: string;
  readonly packageVersionId: string;
  readonly clusterId: string;
  readonly namespace: string;
  readonly appMapName: string;
  readonly stage: string;
  readonly values?: Record<string, unknown> | null | undefined;
}

export interface UpgradeInput {
  readonly releaseId: string;
  /** Absent: the current version. It must be a version of the release's package. */
  readonly packageVersionId?: string | null | undefined;
  /** Absent: the values of the current revision. Given: these values (the schema's defaults fill the rest). */
  readonly values?: Record<string, unknown> | null | undefined;
}

export interface RedeployInput {
  readonly appMapId: string;
  readonly clusterId: string;
  /** Absent: the same namespace as the source. */
  readonly namespace?: string | null | undefined;
  /** Absent: the source's stage. */
  readonly stage?: string | null | undefined;
  /** Uninstall the source once the copy is healthy. */
  readonly removeSource?: boolean | null | undefined;
}

/** A build run's image, just pushed (continuous deployment rolls maps forward to it). */
export interface BuiltImage {
  readonly workspaceId: string;
  readonly buildName: string;
  readonly runId: string;
  readonly runNumber: number;
  /** repository:tag */
  readonly image: string;
  readonly digest: string | null;
}

export interface RollbackInput {
  readonly releaseId: string;
  readonly revision: number;
}

export interface UninstallInput {
  readonly releaseId: string;
  /** Delete the release's objects even when some were changed by hand since the last apply. */
  readonly force?: boolean | null | undefined;
}

export interface PreviewInput {
  readonly releaseId: string;
  readonly packageVersionId?: string | null | undefined;
  readonly values?: Record<string, unknown> | null | undefined;
  /** Preview a rollback to this revision instead. */
  readonly revision?: number | null | undefined;
}

export interface ReleaseListInput {
  readonly workspaceId?: string | null | undefined;
  readonly clusterId?: string | null | undefined;
  readonly namespace?: string | null | undefined;
  readonly appMapName?: string | null | undefined;
  readonly includeUninstalled?: boolean | null | undefined;
}

/** One object's fields changed in the cluster since the release applied it. */
export interface ObjectDrift {
  readonly object: InventoryItem;
  readonly fields: readonly DriftedField[];
}

export interface OperationOutcome {
  readonly release: ReleaseRecord;
  readonly revision: RevisionSummary;
  /** Objects of the previous revision deleted because this one no longer renders them, and those left alone. */
  readonly pruned: RemovalReport;
}

export interface RedeployOutcome extends OperationOutcome {
  /** The release the map was deployed from. */
  readonly source: ReleaseRecord;
}

export interface UninstallOutcome {
  readonly release: ReleaseRecord;
  readonly deleted: readonly InventoryItem[];
  readonly leftAlone: ReadonlyArray<{ readonly object: InventoryItem; readonly reason: string }>;
  /** Objects deleted although changed by hand (with `force`). */
  readonly changedByHand: readonly ObjectDrift[];
}

export type PreviewChange = 'CREATE' | 'UPDATE' | 'UNCHANGED' | 'DELETE' | 'CONFLICT';

export interface PreviewObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
  readonly change: PreviewChange;
  /** Unified diff from what runs (the fields the release speaks of) to what would be applied. */
  readonly diff: string;
}

export interface PreviewOutcome {
  readonly release: ReleaseRecord;
  readonly version: string;
  readonly objects: readonly PreviewObject[];
  readonly drift: readonly ObjectDrift[];
}
