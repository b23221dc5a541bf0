import { parseAllDocuments, stringify, type DocumentOptions, type ParseOptions, type SchemaOptions, type ToJSOptions } from 'yaml';
import { childPath, isJsonObject, JsonShapeError, toPlainJson, type JsonObject, type JsonValue } from './json.js';
import { allowedKindsText, kindProblem } from './manifest-rules.js';
import { parseTemplateString, PlaceholderSyntaxError, type ParameterReference } from './placeholders.js';

/**
 * A package version's templates: Kubernetes manifests as plain YAML (several documents), with
 * placeholders in string values. Parsed as YAML 1.1, as kubectl reads manifests (0644 is octal,
 * yes/no are booleans), with bounds on size, documents, nesting and aliases, so a hostile file
 * (an alias bomb, a deep nest) is refused quickly instead of exhausting memory.
 */
export const TEMPLATE_LIMITS = {
  /** The YAML text handed to an import. */
  maxYamlBytes: 512 * 1024,
  maxDocuments: 100,
  maxDepth: 64,
  /** Values over all documents, aliases expanded. */
  maxNodes: 100_000,
  /** Alias expansions YAML may make (the yaml library's count, which includes nested aliases). */
  maxAliasCount: 100,
} as const;

/** A template as stored: a manifest whose string values may hold placeholders. */
export type TemplateDocument = JsonObject;

/** Where a template breaks a rule: the document (1-based, as written) and the path inside it. */
export class TemplateProblem extends Error {
  constructor(
    readonly document: number | null,
    readonly path: string,
    readonly reason: string,
    readonly label: string = document === null ? '' : `document ${document}`,
    /** When rendering: the one parameter whose value the broken field came from (e.g. `db.port`), if it is that clear. */
    readonly parameter: string | null = null,
  ) {
    super(`${label === '' ? '' : `${label}${path === '' ? '' : ` at ${path}`}: `}${reason}`);
    this.name = 'TemplateProblem';
  }
}

/** "document 2 (Deployment web)" for messages. */
export function documentLabel(index: number, document: JsonObject): string {
  const kind = typeof document.kind === 'string' ? document.kind : '?';
  const name = isJsonObject(document.metadata) && typeof document.metadata.name === 'string' ? document.metadata.name : '?';
  return `document ${index + 1} (${kind} ${name})`;
}

/** Tags that would make values other than JSON data (dates, byte arrays, sets): left out, so a value so tagged is refused. */
const NON_JSON_TAGS = new Set(['tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:binary', 'tag:yaml.org,2002:set', 'tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs']);

const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: true,
  uniqueKeys: true,
  strict: true,
  prettyErrors: true,
  customTags: (tags) => tags.filter((tag) => typeof tag === 'string' || !NON_JSON_TAGS.has(tag.tag)),
};
const TO_JS_OPTIONS: ToJSOptions = { maxAliasCount: TEMPLATE_LIMITS.maxAliasCount };

/** Fields the API server writes, which a package never carries (kubectl get -o yaml shows them). */
export const SERVER_METADATA: readonly string[] = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'ownerReferences',
];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ParsedTemplates {
  readonly documents: TemplateDocument[];
  /** What the import dropped (server-written fields, namespaces), for the person importing. */
  readonly warnings: string[];
}

/** The yaml library's message names the line and column; the excerpt after it is left out. */
function yamlProblem(documentNumber: number, error: { message: string }): TemplateProblem {
  return new TemplateProblem(documentNumber, '', error.message.split('\n')[0]!.replace(/:$/, ''));
}

/** Deeper unclosed flow collections than this are refused before parsing (the parser recurses on them). */
const MAX_FLOW_NESTING = 256;

/**
 * The deepest nesting of `[`/`{` outside quotes and comments: a cheap guard, since the YAML parser
 * spends seconds on half a megabyte of brackets before it gives up. Brackets in plain text count
 * too, which only errs towards refusing text no manifest holds.
 */
function flowNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"' || char === "'") {
      for (index += 1; index < text.length && text[index] !== char; index += 1) if (char === '"' && text[index] === '\\') index += 1;
    } else if (char === '#' && (index === 0 || /\s/.test(text[index - 1]!))) {
      while (index < text.length && text[index] !== '\n') index += 1;
    } else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if ((char === ']' || char === '}') && depth > 0) depth -= 1;
    else if (char === '\n' && depth > 0 && !/[\s-]/.test(text[index + 1] ?? ' ')) depth = 0;
  }
  return deepest;
}

/** Drops what the server wrote and the namespace (chosen at deploy), saying so. */
function cleaned(document: TemplateDocument, label: string, warnings: string[]): TemplateDocument {
  const copy: TemplateDocument = { ...document };
  const dropped: string[] = [];
  if (copy.status !== undefined) {
    delete copy.status;
    dropped.push('status');
  }
  if (isJsonObject(copy.metadata)) {
    const metadata: JsonObject = { ...copy.metadata };
    for (const field of [...SERVER_METADATA, 'namespace']) {
      if (metadata[field] === undefined) continue;
      delete metadata[field];
      dropped.push(`metadata.${field}`);
    }
    if (isJsonObject(metadata.annotations) && metadata.annotations[LAST_APPLIED] !== undefined) {
      const annotations: JsonObject = { ...metadata.annotations };
      delete annotations[LAST_APPLIED];
      dropped.push(`metadata.annotations["${LAST_APPLIED}"]`);
      if (Object.keys(annotations).length === 0) delete metadata.annotations;
      else metadata.annotations = annotations;
    }
    copy.metadata = metadata;
  }
  if (dropped.length > 0) warnings.push(`${label}: dropped ${dropped.join(', ')} (written by the cluster, or chosen at deploy)`);
  return copy;
}

/** A `kind: List` (what `kubectl get -o yaml` prints for several objects) stands for its items. */
function expandList(document: JsonObject, documentNumber: number): Array<{ document: JsonObject; item: number | null }> {
  if (document.kind !== 'List' || document.apiVersion !== 'v1') return [{ document, item: null }];
  if (!Array.isArray(document.items)) throw new TemplateProblem(documentNumber, 'items', 'a List must hold a list of items');
  return document.items.map((item, index) => {
    if (!isJsonObject(item)) throw new TemplateProblem(documentNumber, childPath('items', index), 'must be a manifest (a map)');
    return { document: item, item: index };
  });
}

/**
 * Parses the YAML of an import into templates: plain JSON documents, each one allowed kind with a
 * literal apiVersion, kind and a name. Placeholders are checked in `checkReferences`.
 */
export function parseTemplates(yamlText: string): ParsedTemplates {
  if (Buffer.byteLength(yamlText, 'utf8') > TEMPLATE_LIMITS.maxYamlBytes)
    throw new TemplateProblem(null, '', `the manifests are larger than ${TEMPLATE_LIMITS.maxYamlBytes / 1024} KiB`);
  if (flowNesting(yamlText) > MAX_FLOW_NESTING) throw new TemplateProblem(null, '', `nested more than ${MAX_FLOW_NESTING} levels deep`);
  // An empty stream is an empty list: no manifest, refused below.
  const yamlDocuments = Array.from(parseAllDocuments(yamlText, PARSE_OPTIONS));
  if (yamlDocuments.length > TEMPLATE_LIMITS.maxDocuments * 2) throw new TemplateProblem(null, '', `at most ${TEMPLATE_LIMITS.maxDocuments} documents`);
  const documents: TemplateDocument[] = [];
  const warnings: string[] = [];
  let nodes = 0;
  for (const [index, yamlDocument] of yamlDocuments.entries()) {
    const documentNumber = index + 1;
    const issue = yamlDocument.errors[0] ?? yamlDocument.warnings[0];
    if (issue !== undefined) throw yamlProblem(documentNumber, issue);
    let value: unknown;
    try {
      value = yamlDocument.toJS(TO_JS_OPTIONS);
    } catch (error) {
      throw new TemplateProblem(documentNumber, '', `${error instanceof Error ? error.message : String(error)} (at most ${TEMPLATE_LIMITS.maxAliasCount} alias expansions)`);
    }
    // An empty document: a stray `---`, or only comments.
    if (value === null || value === undefined) continue;
    let json: JsonValue;
    try {
      json = toPlainJson(value, { maxDepth: TEMPLATE_LIMITS.maxDepth, maxNodes: TEMPLATE_LIMITS.maxNodes - nodes });
    } catch (error) {
      if (error instanceof JsonShapeError) throw new TemplateProblem(documentNumber, error.path, error.reason);
      throw error;
    }
    nodes += countNodes(json);
    if (!isJsonObject(json)) throw new TemplateProblem(documentNumber, '', 'is not a manifest (a map with apiVersion, kind and metadata)');
    for (const { document, item } of expandList(json, documentNumber)) {
      const label = item === null ? `document ${documentNumber}` : `document ${documentNumber} item ${item + 1}`;
      const problem = kindProblem(document);
      if (problem !== null) throw new TemplateProblem(documentNumber, item === null ? problem.path : childPath(childPath('items', item), problem.path), problem.message, label);
      if (!isJsonObject(document.metadata) || typeof document.metadata.name !== 'string' || document.metadata.name === '')
        throw new TemplateProblem(documentNumber, item === null ? 'metadata.name' : `items[${item}].metadata.name`, 'is missing (every manifest has a name)', label);
      documents.push(cleaned(document, label, warnings));
      if (documents.length > TEMPLATE_LIMITS.maxDocuments) throw new TemplateProblem(null, '', `at most ${TEMPLATE_LIMITS.maxDocuments} manifests in a version`);
    }
  }
  if (documents.length === 0) throw new TemplateProblem(null, '', `holds no manifest: give at least one of ${allowedKindsText()}`);
  return { documents, warnings };
}

function countNodes(value: JsonValue): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + countNodes(item), 1);
  if (isJsonObject(value)) return Object.values(value).reduce<number>((sum, item) => sum + countNodes(item), 1);
  return 1;
}

/** Every string of a template with its path (keys included, which may not hold placeholders). */
function visitStrings(value: JsonValue, path: string, visit: (text: string, path: string, isKey: boolean) => void): void {
  if (typeof value === 'string') return visit(value, path, false);
  if (Array.isArray(value)) return value.forEach((item, index) => visitStrings(item, childPath(path, index), visit));
  if (!isJsonObject(value)) return;
  for (const [key, item] of Object.entries(value)) {
    visit(key, childPath(path, key), true);
    visitStrings(item, childPath(path, key), visit);
  }
}

/**
 * Every placeholder parses and names a declared parameter; apiVersion and kind hold none (they
 * decide what the object is, so they stay literal), and keys hold none.
 */
export function checkReferences(documents: readonly TemplateDocument[], declares: (path: readonly string[]) => boolean): void {
  documents.forEach((document, index) => {
    visitStrings(document, '', (text, path, isKey) => {
      let references: ParameterReference[];
      try {
        references = (parseTemplateString(text) ?? []).flatMap((segment) => ('parameter' in segment ? [segment.parameter] : []));
      } catch (error) {
        if (error instanceof PlaceholderSyntaxError) throw new TemplateProblem(index + 1, path, error.message, documentLabel(index, document));
        throw error;
      }
      if (references.length === 0) return;
      if (isKey) throw new TemplateProblem(index + 1, path, 'a key cannot hold a placeholder: put it in a value', documentLabel(index, document));
      if (path === 'apiVersion' || path === 'kind') throw new TemplateProblem(index + 1, path, 'must be literal: it decides what the object is', documentLabel(index, document));
      const unknown = references.find((reference) => !declares(reference.path));
      if (unknown !== undefined)
        throw new TemplateProblem(index + 1, path, `unknown parameter ${unknown.source}: the parameters schema declares no such property`, documentLabel(index, document));
    });
  });
}

/** The templates as multi-document YAML (1.1, strings that would read otherwise quoted); importing it gives the same templates. */
export function templatesToYaml(documents: readonly TemplateDocument[]): string {
  return documents.map((document) => stringify(document, { version: '1.1', lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
