/**
 * The one substitution a template knows: `${{ params.<name>[.<name>…] }}`, optionally
 * `${{ params.<name> | string }}`. No expressions, conditions or loops, so rendering is a lookup.
 * `$${{` writes a literal `${{`.
 */
export const PLACEHOLDER_SYNTAX = '${{ params.<name> }}';

export interface ParameterReference {
  /** `params.db.port` → ['db', 'port']. */
  readonly path: readonly string[];
  /** `| string`: the value as text even when it is the whole string. */
  readonly asString: boolean;
  /** As written, for messages. */
  readonly source: string;
}

export type TemplateSegment = { readonly text: string } | { readonly parameter: ParameterReference };

export class PlaceholderSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaceholderSyntaxError';
  }
}

const OPEN = '${{';
const CLOSE = '}}';
const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;
const REFERENCE = /^params((?:\.[^.|\s]+)+)\s*(?:\|\s*(\w+))?$/;
/** Names that read an object's prototype machinery rather than a value. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_PLACEHOLDER_LENGTH = 300;

function parseReference(inner: string, written: string): ParameterReference {
  const match = REFERENCE.exec(inner);
  if (match === null) throw new PlaceholderSyntaxError(`${written} is not a placeholder: write ${PLACEHOLDER_SYNTAX} (or $\${{ for a literal \${{)`);
  const path = match[1]!.slice(1).split('.');
  for (const name of path) {
    if (!NAME.test(name) || RESERVED_NAMES.has(name)) throw new PlaceholderSyntaxError(`${written}: ${JSON.stringify(name)} is not a parameter name (letters, digits, _ and -)`);
  }
  const filter = match[2];
  if (filter !== undefined && filter !== 'string') throw new PlaceholderSyntaxError(`${written}: the only filter is | string`);
  return { path, asString: filter === 'string', source: `params.${path.join('.')}` };
}

/**
 * The segments of a template string, or null when it holds no placeholder (the common case, which
 * then costs one indexOf). Throws PlaceholderSyntaxError for an unterminated or malformed one.
 */
export function parseTemplateString(input: string): TemplateSegment[] | null {
  if (!input.includes(OPEN)) return null;
  const segments: TemplateSegment[] = [];
  let text = '';
  let position = 0;
  while (position < input.length) {
    const open = input.indexOf(OPEN, position);
    if (open === -1) {
      text += input.slice(position);
      break;
    }
    if (open - 1 >= position && input[open - 1] === '$') {
      // `$${{` is a literal `${{`.
      text += `${input.slice(position, open - 1)}${OPEN}`;
      position = open + OPEN.length;
      continue;
    }
    text += input.slice(position, open);
    const close = input.indexOf(CLOSE, open + OPEN.length);
    if (close === -1 || close - open > MAX_PLACEHOLDER_LENGTH)
      throw new PlaceholderSyntaxError(`unterminated placeholder: ${JSON.stringify(input.slice(open, open + 40))} has no closing }}`);
    const written = input.slice(open, close + CLOSE.length);
    if (text !== '') segments.push({ text });
    text = '';
    segments.push({ parameter: parseReference(input.slice(open + OPEN.length, close).trim(), written) });
    position = close + CLOSE.length;
  }
  if (text !== '') segments.push({ text });
  // Only escapes: a plain string after all.
  return segments.some((segment) => 'parameter' in segment) ? segments : [{ text }];
}

/** The placeholders of a string, in order (none for a plain one). */
export function referencesIn(input: string): ParameterReference[] {
  return (parseTemplateString(input) ?? []).flatMap((segment) => ('parameter' in segment ? [segment.parameter] : []));
}
