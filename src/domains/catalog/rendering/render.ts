import { childPath, isJsonObject, setOwn, valueAt, type JsonObject, type JsonValue } from './json.js';
import { APPLY_ORDER, manifestProblem } from './manifest-rules.js';
import { compileParameters, type ParameterCompiler } from './parameters.js';
import { parseTemplateString, referencesIn, type ParameterReference } from './placeholders.js';
import { documentLabel, TemplateProblem, type TemplateDocument } from './templates.js';

/** What rendering needs of a package version. */
export interface RenderableVersion {
  readonly templates: readonly TemplateDocument[];
  readonly parametersSchema: unknown;
}

export interface RenderedObject {
  /** Position of its template in the version (0-based). */
  readonly templateIndex: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** The manifest, namespace-free (the deploy sets it). */
  readonly manifest: JsonObject;
}

export interface Rendering {
  /** The values used: those given, with the schema's defaults filled in. */
  readonly values: JsonObject;
  /** In apply order (APPLY_ORDER by kind, then template order); delete in reverse. */
  readonly objects: RenderedObject[];
}

export const RENDER_LIMITS = {
  /** Bytes of all rendered manifests as JSON: placeholders repeating a large value cannot blow up. */
  maxRenderedBytes: 4 * 1024 * 1024,
} as const;

/** Thrown for values that break the schema: `path` is inside the values (e.g. `db.port`). */
export { ParameterProblem } from './parameters.js';

/**
 * Substitutes placeholders, within a budget of rendered bytes. A value is found by own properties
 * only, so `params.constructor` is a missing parameter, not Object's constructor.
 */
class Substitution {
  private bytes = 0;
  private readonly sizes = new Map<string, number>();
  /** The template being rendered, for messages. */
  current = { document: 0, label: '' };

  constructor(private readonly values: JsonObject) {}

  private spend(amount: number, path: string): void {
    this.bytes += amount;
    if (this.bytes > RENDER_LIMITS.maxRenderedBytes) {
      const { document, label } = this.current;
      throw new TemplateProblem(document, path, `the rendered manifests exceed ${RENDER_LIMITS.maxRenderedBytes / (1024 * 1024)} MiB`, label);
    }
  }

  private lookup(reference: ParameterReference, path: string): JsonValue {
    let current: JsonValue = this.values;
    for (const name of reference.path) {
      if (!isJsonObject(current) || !Object.hasOwn(current, name)) {
        const { document, label } = this.current;
        throw new TemplateProblem(document, path, `${reference.source} has no value: give it one, or a default in the parameters schema`, label);
      }
      current = current[name]!;
    }
    return current;
  }

  private sizeOf(reference: ParameterReference, value: JsonValue): number {
    let size = this.sizes.get(reference.source);
    if (size === undefined) {
      size = JSON.stringify(value).length;
      this.sizes.set(reference.source, size);
    }
    return size;
  }

  private text(reference: ParameterReference, value: JsonValue, path: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    const { document, label } = this.current;
    throw new TemplateProblem(
      document,
      path,
      `${reference.source} is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : 'an object'}: only a string, number or boolean fits inside text`,
      label,
    );
  }

  string(input: string, path: string): JsonValue {
    const segments = parseTemplateString(input);
    if (segments === null) {
      this.spend(input.length, path);
      return input;
    }
    const only = segments.length === 1 ? segments[0] : undefined;
    if (only !== undefined && 'parameter' in only) {
      const value = this.lookup(only.parameter, path);
      this.spend(this.sizeOf(only.parameter, value), path);
      // A whole-value placeholder keeps the value's JSON type; a copy, so no two objects share it.
      return only.parameter.asString ? this.text(only.parameter, value, path) : structuredClone<JsonValue>(value);
    }
    let result = '';
    for (const segment of segments) result += 'parameter' in segment ? this.text(segment.parameter, this.lookup(segment.parameter, path), path) : segment.text;
    this.spend(result.length, path);
    return result;
  }

  value(input: JsonValue, path: string): JsonValue {
    if (typeof input === 'string') return this.string(input, path);
    if (Array.isArray(input)) return input.map((item, index) => this.value(item, childPath(path, index)));
    if (!isJsonObject(input)) {
      this.spend(8, path);
      return input;
    }
    const result: JsonObject = {};
    for (const [key, item] of Object.entries(input)) {
      this.spend(key.length, path);
      setOwn(result, key, this.value(item, childPath(path, key)));
    }
    return result;
  }
}

/** The parameter a rendered field came from, when its template held exactly one placeholder there. */
export function culprit(template: TemplateDocument, path: string): string | null {
  const written = valueAt(template, path);
  if (typeof written !== 'string') return null;
  const references = referencesIn(written);
  return references.length === 1 ? references[0]!.path.join('.') : null;
}

function orderOf(kind: string): number {
  const index = APPLY_ORDER.indexOf(kind);
  return index === -1 ? APPLY_ORDER.length : index;
}

/**
 * Renders a version with `values` (checked against its schema, defaults filled in): every template
 * with its placeholders replaced, each result checked as a manifest, in apply order. Pure and
 * deterministic: the same version and values give the same objects in the same order; nothing runs,
 * nothing is read or fetched. Throws ParameterProblem (values) or TemplateProblem (a template).
 */
export function renderVersion(version: RenderableVersion, values: unknown, compile: ParameterCompiler = compileParameters): Rendering {
  const checkedValues = compile(version.parametersSchema).validate(values);
  const objects: RenderedObject[] = [];
  const seen = new Map<string, number>();
  // One budget for the whole version.
  const substitution = new Substitution(checkedValues);
  version.templates.forEach((template, templateIndex) => {
    const label = documentLabel(templateIndex, template);
    substitution.current = { document: templateIndex + 1, label };
    const manifest = substitution.value(template, '') as JsonObject;
    const problem = manifestProblem(manifest);
    if (problem !== null) throw new TemplateProblem(templateIndex + 1, problem.path, problem.message, documentLabel(templateIndex, manifest), culprit(template, problem.path));
    const kind = manifest.kind as string;
    const name = (manifest.metadata as JsonObject).name as string;
    const identity = `${kind}/${name}`;
    const earlier = seen.get(identity);
    if (earlier !== undefined)
      throw new TemplateProblem(templateIndex + 1, 'metadata.name', `${identity} is also rendered by document ${earlier + 1}: names must differ per kind`, label);
    seen.set(identity, templateIndex);
    objects.push({ templateIndex, apiVersion: manifest.apiVersion as string, kind, name, manifest });
  });
  objects.sort((a, b) => orderOf(a.kind) - orderOf(b.kind) || a.templateIndex - b.templateIndex);
  return { values: checkedValues, objects };
}
