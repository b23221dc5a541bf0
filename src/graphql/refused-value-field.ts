import { Kind, parse, visit, type ASTNode, type DocumentNode, type GraphQLError } from 'graphql';

/**
 * graphql-js refuses a malformed argument value (a bad DateTime, an unknown enum value) before any
 * resolver runs, so no domain error names the field. This finds where the value sits in the
 * operation and names it the way domain errors do: the path inside a mutation's `input`
 * (`expiresAt`, `scopes[1]`), or from the argument for other fields (`filter.from`).
 */

const VALUE_KINDS: ReadonlySet<string> = new Set([Kind.STRING, Kind.INT, Kind.FLOAT, Kind.BOOLEAN, Kind.ENUM, Kind.LIST, Kind.OBJECT, Kind.NULL]);
/** graphql-js: `Variable "$input" got invalid value "x" at "input.expiresAt"; …` (no `at` when the whole value is wrong). */
const VARIABLE_ERROR = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)" got invalid value [\s\S]*?(?: at "([^"]+)")?; /;

function segmentsOf(path: string): string[] {
  return path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
}

/** The argument path (names and `[index]`) of the first node that `matches`. */
function pathTo(document: DocumentNode, matches: (node: ASTNode) => boolean): string[] | undefined {
  const stack: (string | null)[] = [];
  let found: string[] | undefined;
  visit(document, {
    enter(node, key, parent, _path, ancestors) {
      if (found !== undefined) return false;
      const parentNode = ancestors.at(-1);
      let segment: string | null = null;
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) segment = node.name.value;
      else if (Array.isArray(parent) && !Array.isArray(parentNode) && (parentNode as ASTNode | undefined)?.kind === Kind.LIST) segment = `[${String(key)}]`;
      stack.push(segment);
      if (matches(node)) found = stack.filter((item): item is string => item !== null);
      return undefined;
    },
    leave() {
      stack.pop();
    },
  });
  return found;
}

function join(segments: readonly string[]): string | undefined {
  const inside = segments[0] === 'input' ? segments.slice(1) : segments;
  if (inside.length === 0) return undefined;
  return inside.reduce((path, segment) => (segment.startsWith('[') || path === '' ? `${path}${segment}` : `${path}.${segment}`), '');
}

/** `undefined` when the error is not about one argument value, or the value cannot be placed. */
export function fieldOfRefusedValue(error: GraphQLError): string | undefined {
  const node = error.nodes?.[0];
  const body = error.source?.body;
  if (node?.loc === undefined || body === undefined) return undefined;
  let document: DocumentNode;
  try {
    document = parse(body);
  } catch {
    return undefined;
  }
  if (node.kind === Kind.VARIABLE_DEFINITION) {
    const match = VARIABLE_ERROR.exec(error.message);
    if (match === null) return undefined;
    const [, variable, inVariable] = match;
    const where = pathTo(document, (candidate) => candidate.kind === Kind.VARIABLE && candidate.name.value === variable && !isDefinitionOf(candidate, node));
    if (where === undefined) return undefined;
    return join([...where, ...segmentsOf(inVariable ?? '').slice(1)]);
  }
  if (!VALUE_KINDS.has(node.kind)) return undefined;
  const start = node.loc.start;
  const where = pathTo(document, (candidate) => candidate.kind === node.kind && candidate.loc?.start === start);
  return where === undefined ? undefined : join(where);
}

/** The `$name` inside the variable's own definition is not a use of it. */
function isDefinitionOf(candidate: ASTNode, definition: ASTNode): boolean {
  const at = candidate.loc?.start;
  return at !== undefined && definition.loc !== undefined && at >= definition.loc.start && at < definition.loc.end;
}
