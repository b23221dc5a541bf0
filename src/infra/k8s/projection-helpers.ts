/** Small readers shared by the projections of every kind. */
import type { OwnerReference } from '../../domains/clusters/model.js';
import { asArray, asRecord, asString, asStringMap, compact, type RawRecord } from './raw-object.js';

export function requiredString(value: unknown, field: string): string {
  const text = asString(value);
  if (text === undefined) throw new Error(`Kubernetes object without ${field}`);
  return text;
}

export function conditionIsTrue(conditions: readonly RawRecord[], type: string): boolean {
  return conditions.some((condition) => condition['type'] === type && condition['status'] === 'True');
}

/** The controller among the owner references (the one that manages the object), if any. */
export function controllerOwner(value: unknown): OwnerReference | undefined {
  const controller = asArray(value)
    .map(asRecord)
    .find((reference) => reference['controller'] === true);
  if (controller === undefined) return undefined;
  return {
    kind: asString(controller['kind']) ?? '',
    name: asString(controller['name']) ?? '',
    uid: asString(controller['uid']) ?? '',
  };
}

export interface ProjectedCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

/** Conditions without their timestamps: lastProbeTime/lastUpdateTime move without news. */
export function projectConditions(value: unknown): ProjectedCondition[] {
  return asArray(value)
    .map(asRecord)
    .map((condition) =>
      compact<ProjectedCondition>({
        type: asString(condition['type']) ?? '',
        status: asString(condition['status']) ?? 'Unknown',
        reason: asString(condition['reason']),
        message: asString(condition['message']),
      }),
    );
}

/**
 * A label selector as plain labels: matchLabels, plus `In` expressions with a single value (the
 * only other form that pins a label to one value). Other expressions cannot be flattened.
 */
export function selectorLabels(selector: unknown): Record<string, string> {
  const record = asRecord(selector);
  const labels = asStringMap(record['matchLabels']);
  for (const expression of asArray(record['matchExpressions']).map(asRecord)) {
    const key = asString(expression['key']);
    const values = asArray(expression['values']);
    const only = values.length === 1 ? asString(values[0]) : undefined;
    if (key !== undefined && expression['operator'] === 'In' && only !== undefined && labels[key] === undefined) labels[key] = only;
  }
  return labels;
}

/** An IntOrString field ("50%", 2) as the string the API would print; undefined when absent. */
export function intOrString(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return asString(value);
}
