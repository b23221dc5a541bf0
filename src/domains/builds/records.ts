/** Rows of the builds domain, as the stores hand them over (no ORM types). */
export const REGISTRY_KINDS = ['BUILTIN', 'PRIVATE', 'PUBLIC'] as const;
export type RegistryKind = (typeof REGISTRY_KINDS)[number];

export const BUILD_PRESETS = ['NODEJS', 'JAVA_MAVEN', 'PYTHON', 'GO', 'DOCKERFILE'] as const;
export type BuildPreset = (typeof BUILD_PRESETS)[number];

export const RUN_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export function isFinished(status: RunStatus): boolean {
  return status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED';
}

export interface RegistryRecord {
  readonly id: string;
  readonly name: string;
  /** Base URL, e.g. https://registry.example.com (no /v2 suffix). */
  readonly url: string;
  readonly kind: RegistryKind;
  readonly username: string | null;
  /** Sealed with the SecretBox; never leaves the domain. */
  readonly sealedPassword: string | null;
  readonly createdAt: Date;
}

/** One `--build-arg NAME=VALUE`. */
export interface BuildArg {
  readonly name: string;
  readonly value: string;
}

export interface BuildRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly sourceUrl: string;
  readonly ref: string;
  readonly preset: BuildPreset;
  /** Dockerfile path inside the source (DOCKERFILE preset), else null. */
  readonly dockerfile: string | null;
  /** `--build-arg` values, in order; null (rows from before they existed) means none. */
  readonly buildArgs: readonly BuildArg[] | null;
  readonly imageRepository: string;
  readonly registryId: string;
  readonly clusterId: string;
  readonly createdAt: Date;
}

export interface BuildRunRecord {
  readonly id: string;
  readonly buildId: string;
  readonly workspaceId: string;
  /** 1, 2, … per build. */
  readonly number: number;
  readonly status: RunStatus;
  readonly stepsTotal: number;
  readonly stepsDone: number;
  readonly failedStep: number | null;
  /** repository:tag pushed (or to be pushed). */
  readonly image: string;
  readonly imageDigest: string | null;
  readonly imageSizeBytes: number | null;
  readonly clusterId: string;
  readonly namespace: string;
  readonly jobName: string;
  readonly message: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

export interface BuildLogLineRecord {
  readonly runId: string;
  /** From 1 per run. */
  readonly number: number;
  /** The build step the line belongs to (0 before the first step marker). */
  readonly step: number;
  readonly text: string;
  readonly at: Date;
}
