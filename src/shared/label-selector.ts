/**
 * Kubernetes label selectors (`app=web,tier!=db,env in (prod,stage),!legacy,version>2`), with the
 * apiserver's syntax and key/value validation; the simulated apiserver uses this parser too.
 */
export type LabelRequirement =
  | { readonly key: string; readonly op: 'in' | 'notin'; readonly values: readonly string[] }
  | { readonly key: string; readonly op: 'exists' | 'doesnotexist' }
  | { readonly key: string; readonly op: 'gt' | 'lt'; readonly value: number };

export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

export class LabelSelectorSyntaxError extends Error {
  constructor(selector: string, detail: string) {
    super(`invalid label selector ${JSON.stringify(selector)}: ${detail}`);
    this.name = 'LabelSelectorSyntaxError';
  }
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside a value set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  terms.push(current);
  return terms.map((term) => term.trim());
}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  if (selector.trim() === '') return [];
  return splitTerms(selector).map((term) => parseTerm(selector, term));
}

function checkKey(selector: string, key: string): string {
  if (!KEY.test(key) || key.length > 316) throw new LabelSelectorSyntaxError(selector, `bad key ${JSON.stringify(key)}`);
  return key;
}

function checkValue(selector: string, value: string): string {
  if (!VALUE.test(value) || value.length > 63) throw new LabelSelectorSyntaxError(selector, `bad value ${JSON.stringify(value)}`);
  return value;
}

function parseTerm(selector: string, term: string): LabelRequirement {
  if (term === '') throw new LabelSelectorSyntaxError(selector, 'empty requirement');
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    const [, key = '', op, list = ''] = setMatch;
    const values = list.split(',').map((value) => checkValue(selector, value.trim()));
    return { key: checkKey(selector, key), op: op === 'in' ? 'in' : 'notin', values };
  }
  const comparison = /^([^=!<>\s]+)\s*(<|>)\s*(-?\d+)$/.exec(term);
  if (comparison) {
    const [, key = '', op, value = '0'] = comparison;
    return { key: checkKey(selector, key), op: op === '>' ? 'gt' : 'lt', value: Number(value) };
  }
  const equality = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (equality) {
    const [, key = '', op, value = ''] = equality;
    return { key: checkKey(selector, key), op: op === '!=' ? 'notin' : 'in', values: [checkValue(selector, value)] };
  }
  if (term.startsWith('!')) return { key: checkKey(selector, term.slice(1).trim()), op: 'doesnotexist' };
  return { key: checkKey(selector, term), op: 'exists' };
}

export function compileLabelSelector(selector: string | undefined | null): LabelMatcher {
  const requirements = selector ? parseLabelSelector(selector) : [];
  return (labels) =>
    requirements.every((requirement) => {
      const value = labels[requirement.key];
      switch (requirement.op) {
        case 'exists':
          return value !== undefined;
        case 'doesnotexist':
          return value === undefined;
        case 'in':
          return value !== undefined && requirement.values.includes(value);
        case 'notin':
          return value === undefined || !requirement.values.includes(value);
        case 'gt':
        case 'lt': {
          // Like the apiserver: only labels whose value is an integer can be compared.
          if (value === undefined || !/^-?\d+$/.test(value)) return false;
          return requirement.op === 'gt' ? Number(value) > requirement.value : Number(value) < requirement.value;
        }
      }
    });
}
