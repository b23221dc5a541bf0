import { BadInputError } from '../../shared/errors.js';
import { LabelSelectorSyntaxError, parseLabelSelector } from '../../shared/label-selector.js';
import type { AppMapGroupRecord } from './records.js';

export const APP_MAP_LIMITS = {
  maxNameLength: 63,
  maxDescriptionLength: 2_000,
  maxStageLength: 32,
  maxSelectorLength: 1_024,
  maxGroups: 20,
  maxGroupWorkloads: 100,
} as const;

/** The stages every workspace has; a workspace may name its own besides. */
export const STANDARD_STAGES = ['DEV', 'STAGING', 'PROD'] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const STAGE = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;
// Workload names are DNS subdomains.
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * A map's name is a DNS label (`electro-shop`): a release labels the objects it applies with it, and
 * label values are no more than that.
 */
export function checkMapName(value: string, field = 'name'): string {
  const name = value.trim();
  if (name.length > APP_MAP_LIMITS.maxNameLength || !DNS_LABEL.test(name))
    throw new BadInputError(
      field,
      `${JSON.stringify(value)} is not a map name: 1-${APP_MAP_LIMITS.maxNameLength} lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );
  return name;
}

export function checkNamespace(value: string, field = 'namespace'): string {
  if (value.length > 63 || !DNS_LABEL.test(value)) throw new BadInputError(field, `${JSON.stringify(value)} is not a namespace name`);
  return value;
}

/** DEV, STAGING and PROD whatever their case; any other name as written (a workspace's own stage). */
export function checkStage(value: string, field = 'stage'): string {
  const stage = value.normalize('NFC').trim();
  if (stage === '' || stage.length > APP_MAP_LIMITS.maxStageLength || !STAGE.test(stage))
    throw new BadInputError(field, `${JSON.stringify(value)} is not a stage: DEV, STAGING, PROD or a name of 1-${APP_MAP_LIMITS.maxStageLength} letters, digits, spaces or . _ -`);
  const standard = STANDARD_STAGES.find((name) => name === stage.toUpperCase());
  return standard ?? stage;
}

export function checkSelector(value: string | null | undefined, field = 'selector'): string {
  const selector = (value ?? '').trim();
  if (selector.length > APP_MAP_LIMITS.maxSelectorLength) throw new BadInputError(field, `at most ${APP_MAP_LIMITS.maxSelectorLength} characters`);
  try {
    parseLabelSelector(selector);
  } catch (error) {
    if (error instanceof LabelSelectorSyntaxError) throw new BadInputError(field, error.message);
    throw error;
  }
  return selector;
}

export function checkDescription(value: string | null | undefined, field = 'description'): string {
  const description = (value ?? '').trim();
  if (description.length > APP_MAP_LIMITS.maxDescriptionLength) throw new BadInputError(field, `at most ${APP_MAP_LIMITS.maxDescriptionLength} characters`);
  if (description.includes('\u0000')) throw new BadInputError(field, 'must not contain NUL characters');
  return description;
}

export interface GroupInput {
  readonly name: string;
  readonly selector?: string | null | undefined;
  readonly workloadNames?: readonly string[] | null | undefined;
}

/** Groups by name (unique), each with either a selector or a list of workload names. */
export function checkGroups(values: readonly GroupInput[] | null | undefined, field = 'groups'): AppMapGroupRecord[] {
  const groups = values ?? [];
  if (groups.length > APP_MAP_LIMITS.maxGroups) throw new BadInputError(field, `at most ${APP_MAP_LIMITS.maxGroups} groups`);
  const seen = new Set<string>();
  return groups.map((group, index) => {
    const at = `${field}.${index}`;
    const name = checkMapName(group.name, `${at}.name`);
    if (seen.has(name)) throw new BadInputError(`${at}.name`, `another group is named ${name}`);
    seen.add(name);
    const hasSelector = group.selector !== undefined && group.selector !== null;
    const hasNames = group.workloadNames !== undefined && group.workloadNames !== null;
    if (hasSelector === hasNames) throw new BadInputError(at, 'give either a selector or workloadNames');
    if (hasSelector) {
      const selector = checkSelector(group.selector, `${at}.selector`);
      if (selector === '') throw new BadInputError(`${at}.selector`, 'must not be empty: a group of every workload is the map itself');
      return { name, selector, workloadNames: null };
    }
    const names = [...new Set((group.workloadNames ?? []).map((workload) => workload.trim()))];
    if (names.length === 0 || names.length > APP_MAP_LIMITS.maxGroupWorkloads)
      throw new BadInputError(`${at}.workloadNames`, `1-${APP_MAP_LIMITS.maxGroupWorkloads} workload names`);
    for (const workload of names) {
      if (workload.length > 253 || !OBJECT_NAME.test(workload)) throw new BadInputError(`${at}.workloadNames`, `${JSON.stringify(workload)} is not a workload name`);
    }
    return { name, selector: null, workloadNames: names };
  });
}
