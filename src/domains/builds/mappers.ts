import { Build, BuildLogLine, BuildRun, Registry } from './graphql-types.js';
import { statusDisplay } from './log-lines.js';
import { presetDockerfile } from './preset-dockerfiles.js';
import type { BuildLogLineRecord, BuildRecord, BuildRunRecord, RegistryRecord } from './records.js';
import { BUILD_STEPS } from './validation.js';

export function toRegistry(record: RegistryRecord): Registry {
  return Object.assign(new Registry(), { record, id: record.id, name: record.name, url: record.url, kind: record.kind, username: record.username });
}

export function toBuild(record: BuildRecord): Build {
  return Object.assign(new Build(), {
    record,
    id: record.id,
    workspaceId: record.workspaceId,
    name: record.name,
    sourceUrl: record.sourceUrl,
    ref: record.ref,
    preset: record.preset,
    dockerfile: record.dockerfile,
    presetDockerfile: presetDockerfile(record.preset),
    buildArgs: (record.buildArgs ?? []).map(({ name, value }) => ({ name, value })),
    imageRepository: record.imageRepository,
    clusterId: record.clusterId,
    stepsTotal: BUILD_STEPS.length,
    createdAt: record.createdAt.toISOString(),
  });
}

export function toBuildRun(record: BuildRunRecord): BuildRun {
  return Object.assign(new BuildRun(), {
    record,
    id: record.id,
    buildId: record.buildId,
    number: record.number,
    status: record.status,
    statusDisplay: statusDisplay(record) ?? record.status,
    stepsTotal: record.stepsTotal,
    stepsDone: record.stepsDone,
    failedStep: record.failedStep,
    image: record.image,
    imageDigest: record.imageDigest,
    imageSizeBytes: record.imageSizeBytes,
    message: record.message,
    startedAt: record.startedAt?.toISOString() ?? null,
    finishedAt: record.finishedAt?.toISOString() ?? null,
  });
}

export function toLogLine(record: BuildLogLineRecord): BuildLogLine {
  return Object.assign(new BuildLogLine(), { number: record.number, step: record.step, text: record.text, at: record.at.toISOString() });
}
