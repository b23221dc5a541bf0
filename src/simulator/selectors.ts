/**
 * Label and field selectors with the apiserver's query syntax. Parsed once per request, then
 * matched per object/event, so matching is plain map look-ups.
 */
export type LabelRequirement =
  | { readonly key: string; readonly op: 'in' | 'notin'; readonly values: ReadonlySet<string> }
  | { readonly key: string; readonly op: 'exists' | '!' }
  | { readonly key: string; readonly op: 'gt' | 'lt'; readonly value: number };

export interface Selector {
  readonly empty: boolean;
  matches(values: Readonly<Record<string, string>>): boolean;
}

export class SelectorError extends Error {}

export const everything: Selector = { empty: true, matches: () => true };

export function parseLabelSelector(text: string | null | undefined): Selector {
  if (text === null || text === undefined || text.trim() === '') return everything;
  const requirements = splitTopLevel(text).map(parseLabelRequirement);
  return {
    empty: false,
    matches: (labels) => requirements.every((requirement) => labelRequirementMatches(requirement, labels)),
  };
}

function labelRequirementMatches(requirement: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  switch (requirement.op) {
    case 'in':
      return has && value !== undefined && requirement.values.has(value);
    case 'notin':
      return !has || value === undefined || !requirement.values.has(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      const number = Number(value);
      if (!has || value === undefined || value.trim() === '' || !Number.isFinite(number)) return false;
      return requirement.op === 'gt' ? number > requirement.value : number < requirement.value;
    }
  }
}

/** Splits on commas that are not inside a `(...)` value set. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

const SET_OPERATION = /^([^\s!=<>(),]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQUALITY = /^([^\s!=<>(),]+)\s*(==|=|!=)\s*([^\s!=<>(),]*)$/;
const COMPARISON = /^([^\s!=<>(),]+)\s*(<|>)\s*(-?\d+)$/;
const EXISTS = /^(!?)\s*([^\s!=<>(),]+)$/;

function parseLabelRequirement(text: string): LabelRequirement {
  const set = SET_OPERATION.exec(text);
  if (set) {
    const values = new Set((set[3] ?? '').split(',').map((value) => value.trim()).filter((value) => value !== ''));
    return { key: set[1] ?? '', op: set[2] === 'in' ? 'in' : 'notin', values };
  }
  const equality = EQUALITY.exec(text);
  if (equality) {
    const values = new Set([equality[3] ?? '']);
    return { key: equality[1] ?? '', op: equality[2] === '!=' ? 'notin' : 'in', values };
  }
  const comparison = COMPARISON.exec(text);
  if (comparison) {
    return { key: comparison[1] ?? '', op: comparison[2] === '>' ? 'gt' : 'lt', value: Number(comparison[3]) };
  }
  const exists = EXISTS.exec(text);
  if (exists) return { key: exists[2] ?? '', op: exists[1] === '!' ? '!' : 'exists' };
  throw new SelectorError(`unable to parse requirement: ${JSON.stringify(text)}`);
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
    matches: (fields) =>
      requirements.every((requirement) => ((fields[requirement.field] ?? '') === requirement.value) !== requirement.negated),
  };
}
