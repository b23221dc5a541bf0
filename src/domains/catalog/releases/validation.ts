import { BadInputError } from '../../../shared/errors.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Stages are a workspace's own words (DEV, STAGING, PROD, qa-2): letters, digits, '-', '_', usable as a label value. */
const STAGE = /^[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?$/;

export const RELEASE_LIMITS = {
  maxStageLength: 63,
  /** An app map's name becomes a label value on every object. */
  maxAppMapNameLength: 63,
} as const;

export function checkNamespace(value: string, field = 'namespace'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 63 || !DNS1123_LABEL.test(value))
    throw new BadInputError(field, `${JSON.stringify(value)} is not a namespace name: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit`);
  return value;
}

export function checkAppMapName(value: string, field = 'appMapName'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > RELEASE_LIMITS.maxAppMapNameLength || !DNS1123_LABEL.test(value))
    throw new BadInputError(
      field,
      `${JSON.stringify(value)} is not an application map name: at most ${RELEASE_LIMITS.maxAppMapNameLength} lowercase letters, digits or '-', starting and ending with a letter or digit`,
    );
  return value;
}

export function checkStage(value: string, field = 'stage'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > RELEASE_LIMITS.maxStageLength || !STAGE.test(value))
    throw new BadInputError(
      field,
      `${JSON.stringify(value)} is not a stage: DEV, STAGING, PROD or a name of your own, at most ${RELEASE_LIMITS.maxStageLength} letters, digits, '-' or '_'`,
    );
  return value;
}

export function checkRevision(value: number, field = 'revision'): number {
  if (!Number.isInteger(value) || value < 1) throw new BadInputError(field, `must be a revision number from 1, got ${value}`);
  return value;
}
