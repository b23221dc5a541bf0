import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema, type GraphQLSchema } from 'graphql';

/** The schema of each release, kept so a change can be judged against what users already have. */
export const RELEASES_DIR = 'schema/releases';
export const CHANGELOG_FILE = 'CHANGELOG.md';

export interface ReleasedSchema {
  readonly version: string;
  readonly schema: GraphQLSchema;
}

function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [left, right] = [parts(a), parts(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const delta = (left[index] ?? 0) - (right[index] ?? 0);
    if (delta !== 0) return delta;
  }
  return 0;
}

/** The newest `schema/releases/<version>.graphql`. */
export async function latestReleasedSchema(directory = RELEASES_DIR): Promise<ReleasedSchema> {
  const versions = (await readdir(directory)).filter((name) => name.endsWith('.graphql')).map((name) => name.slice(0, -'.graphql'.length));
  const latest = versions.sort(compareVersions).at(-1);
  if (latest === undefined) throw new Error(`no released schema in ${directory}`);
  return { version: latest, schema: buildSchema(await readFile(path.join(directory, `${latest}.graphql`), 'utf8')) };
}

/**
 * What CHANGELOG.md says about everything since `version`: the text above that release's own
 * `## ` heading (the whole file when there is none).
 */
export function changelogSince(changelog: string, version: string): string {
  const lines = changelog.split('\n');
  const releaseHeading = lines.findIndex((line) => line.startsWith('## ') && line.includes(version) && !/unreleased/i.test(line));
  return (releaseHeading === -1 ? lines : lines.slice(0, releaseHeading)).join('\n');
}

/** `Mutation.updateCluster.id` is listed by `Mutation.updateCluster.id`, `Mutation.updateCluster` or `Mutation`. */
function isListed(change: Change, changelogText: string): boolean {
  if (change.path === undefined) return changelogText.includes(change.message);
  const segments = change.path.split('.');
  for (let length = segments.length; length > 0; length -= 1) {
    if (changelogText.includes(`\`${segments.slice(0, length).join('.')}\``)) return true;
  }
  return false;
}

export interface CompatibilityReport {
  readonly baseline: string;
  readonly breaking: ReadonlyArray<{ readonly change: Change; readonly listed: boolean }>;
  readonly dangerous: readonly Change[];
  readonly safe: readonly Change[];
}

/** Every change from the last release to `current`, breaking ones matched against the changelog. */
export async function checkCompatibility(current: GraphQLSchema, baseline: ReleasedSchema, changelog: string): Promise<CompatibilityReport> {
  const changes = await diff(baseline.schema, current);
  const since = changelogSince(changelog, baseline.version);
  const level = (wanted: CriticalityLevel) => changes.filter((change) => change.criticality.level === wanted);
  return {
    baseline: baseline.version,
    breaking: level(CriticalityLevel.Breaking).map((change) => ({ change, listed: isListed(change, since) })),
    dangerous: level(CriticalityLevel.Dangerous),
    safe: level(CriticalityLevel.NonBreaking),
  };
}

export function unlistedBreakingChanges(report: CompatibilityReport): Change[] {
  return report.breaking.filter((entry) => !entry.listed).map((entry) => entry.change);
}

export function formatReport(report: CompatibilityReport): string {
  const line = (change: Change) => `  ${change.path ?? '(schema)'}: ${change.message}`;
  const unlisted = unlistedBreakingChanges(report);
  return [
    `Schema changes since release ${report.baseline}: ${report.breaking.length} breaking, ${report.dangerous.length} dangerous, ${report.safe.length} safe.`,
    ...(report.breaking.length > 0 ? ['Breaking (listed in CHANGELOG.md):', ...report.breaking.filter((entry) => entry.listed).map((entry) => line(entry.change))] : []),
    ...(unlisted.length > 0 ? ['Breaking and NOT listed in CHANGELOG.md (name each path, or a parent of it, in backticks):', ...unlisted.map(line)] : []),
    ...(report.dangerous.length > 0 ? ['Dangerous:', ...report.dangerous.map(line)] : []),
  ].join('\n');
}
