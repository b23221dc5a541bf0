/**
 * The query parameters (and DeleteOptions bodies) of writes, validated as kube-apiserver validates
 * CreateOptions, UpdateOptions, PatchOptions and DeleteOptions: dryRun, fieldManager, force,
 * propagationPolicy, orphanDependents and preconditions.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-errors.js';
import { PROPAGATION_POLICIES, type PropagationPolicy } from './deletion.js';
import type { RemoveOptions, WriteOptions } from './object-service.js';
import type { PatchType } from './patches.js';

type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

const MAX_FIELD_MANAGER = 128;

function invalidOptions(kind: OptionsKind, problems: readonly string[]): ApiError {
  return new ApiError(422, 'Invalid', `${kind}.meta.k8s.io "" is invalid: ${problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`}`, {
    group: 'meta.k8s.io',
    kind,
    causes: problems.map((message) => ({ reason: 'FieldValueInvalid', message, field: message.slice(0, message.indexOf(':')) })),
  });
}

function dryRunProblem(values: readonly unknown[]): string | undefined {
  if (values.every((value) => value === 'All')) return undefined;
  return `dryRun: Unsupported value: ${JSON.stringify(values)}: supported values: "All"`;
}

function isPrintable(text: string): boolean {
  return [...text].every((character) => /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(character));
}

/** As the apiserver names a manager that gave none: its user agent up to the first "/". */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = [...(userAgent ?? '').split('/')[0]!].filter((character) => isPrintable(character)).join('');
  return prefix.slice(0, MAX_FIELD_MANAGER) || 'unknown';
}

export function writeOptions(request: IncomingMessage, url: URL, kind: Exclude<OptionsKind, 'DeleteOptions'>, patchType: PatchType | undefined): WriteOptions {
  const problems: string[] = [];
  const dryRun = url.searchParams.getAll('dryRun');
  const dryRunIssue = dryRunProblem(dryRun);
  if (dryRunIssue !== undefined) problems.push(dryRunIssue);
  const sentManager = url.searchParams.get('fieldManager') ?? '';
  if (sentManager.length > MAX_FIELD_MANAGER) problems.push(`fieldManager: Too long: may not be more than ${MAX_FIELD_MANAGER} bytes`);
  else if (!isPrintable(sentManager)) problems.push(`fieldManager: Invalid value: ${JSON.stringify(sentManager)}: must only contain printable characters`);
  const force = url.searchParams.get('force');
  if (kind === 'PatchOptions') {
    if (patchType === 'apply' && sentManager === '') problems.push('fieldManager: Required value: is required for apply patch');
    if (patchType !== 'apply' && force !== null) problems.push('force: Forbidden: may not be specified for non-apply patch');
  }
  const validation = url.searchParams.get('fieldValidation');
  if (validation !== null && validation !== '' && !['Ignore', 'Warn', 'Strict'].includes(validation)) {
    problems.push(`fieldValidation: Unsupported value: ${JSON.stringify(validation)}: supported values: "Ignore", "Strict", "Warn"`);
  }
  if (problems.length > 0) throw invalidOptions(kind, problems);
  return {
    dryRun: dryRun.length > 0,
    fieldManager: sentManager === '' ? managerFromUserAgent(request.headers['user-agent']) : sentManager,
    force: force === 'true',
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** DeleteOptions from the query and the body (the body is what kubectl sends). */
export function deleteOptions(url: URL, body: unknown): RemoveOptions {
  const sent = isObject(body) ? body : {};
  const problems: string[] = [];
  const policy = url.searchParams.get('propagationPolicy') ?? (typeof sent['propagationPolicy'] === 'string' ? sent['propagationPolicy'] : undefined);
  const orphanText = url.searchParams.get('orphanDependents');
  const orphan = orphanText === null ? (typeof sent['orphanDependents'] === 'boolean' ? sent['orphanDependents'] : undefined) : orphanText === 'true';
  if (policy !== undefined && orphan !== undefined)
    problems.push(`propagationPolicy: Invalid value: ${JSON.stringify(policy)}: orphanDependents and deletionPropagation cannot be both set`);
  if (policy !== undefined && !PROPAGATION_POLICIES.includes(policy as PropagationPolicy)) {
    problems.push(`propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  const dryRun = [...url.searchParams.getAll('dryRun'), ...(Array.isArray(sent['dryRun']) ? (sent['dryRun'] as unknown[]) : [])];
  const dryRunIssue = dryRunProblem(dryRun);
  if (dryRunIssue !== undefined) problems.push(dryRunIssue);
  if (problems.length > 0) throw invalidOptions('DeleteOptions', problems);
  const preconditions = isObject(sent['preconditions']) ? sent['preconditions'] : {};
  const uid = typeof preconditions['uid'] === 'string' ? preconditions['uid'] : undefined;
  const resourceVersion = typeof preconditions['resourceVersion'] === 'string' ? preconditions['resourceVersion'] : undefined;
  const propagationPolicy = (policy as PropagationPolicy | undefined) ?? (orphan === undefined ? undefined : orphan ? 'Orphan' : 'Background');
  return {
    ...(propagationPolicy === undefined ? {} : { propagationPolicy }),
    dryRun: dryRun.length > 0,
    ...(uid === undefined && resourceVersion === undefined
      ? {}
      : { preconditions: { ...(uid === undefined ? {} : { uid }), ...(resourceVersion === undefined ? {} : { resourceVersion }) } }),
  };
}
