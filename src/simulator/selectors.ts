/**
 * Label and field selectors with the apiserver's query syntax. Parsed once per request, then
 * matched per object/event, so matching is plain map look-ups. Label selectors are parsed by the
 * project's shared parser; field selectors are an apiserver matter and live here.
 */
import { compileLabelSelector, LabelSelectorSyntaxError } from '../shared/label-selector.js';
import type { LabelSelectorObject } from './object-types.js';

export interface Selector {
  readonly empty: boolean;
  matches(values: Readonly<Record<string, string>>): boolean;
}

export class SelectorError extends Error {}

export const everything: Selector = { empty: true, matches: () => true };

export function parseLabelSelector(text: string | null | undefined): Selector {
  if (text === null || text === undefined || text.trim() === '') return everything;
  try {
    return { empty: false, matches: compileLabelSelector(text) };
  } catch (error) {
    if (error instanceof LabelSelectorSyntaxError) throw new SelectorError(error.message);
    throw error;
  }
}

/** A metav1.LabelSelector object (matchLabels/matchExpressions) in the query syntax. */
export function labelSelectorText(selector: LabelSelectorObject | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const requirement of selector?.matchExpressions ?? []) {
    const values = (requirement.values ?? []).join(',');
    if (requirement.operator === 'In') parts.push(`${requirement.key} in (${values})`);
    else if (requirement.operator === 'NotIn') parts.push(`${requirement.key} notin (${values})`);
    else if (requirement.operator === 'Exists') parts.push(requirement.key);
    else parts.push(`!${requirement.key}`);
  }
  return parts.join(',');
}

/** Matcher for a metav1.LabelSelector; an empty selector matches everything, as for PDBs. */
export function labelSelectorMatcher(selector: LabelSelectorObject | undefined): (labels: Readonly<Record<string, string>>) => boolean {
  return compileLabelSelector(labelSelectorText(selector));
}

interface FieldRequirement {
  readonly field: string;
  readonly value: string;
  readonly negated: boolean;
}

/**
 * Field selectors support only `=`, `==` and `!=` on the fields a resource declares, like the
 * apiserver; an unsupported field is a 400 there, so it is an error here too.
 */
export function parseFieldSelector(text: string | null | undefined, supportedFields: ReadonlySet<string>): Selector {
  if (text === null || text === undefined || text.trim() === '') return everything;
  const requirements = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part): FieldRequirement => {
      const match = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
      if (!match) throw new SelectorError(`invalid selector: '${part}'; can't understand '${part}'`);
      const field = match[1] ?? '';
      if (!supportedFields.has(field)) throw new SelectorError(`field label not supported: ${field}`);
      return { field, value: match[3] ?? '', negated: match[2] === '!=' };
    });
  return {
    empty: false,
    matches: (fields) => requirements.every((requirement) => ((fields[requirement.field] ?? '') === requirement.value) !== requirement.negated),
  };
}
