/**
 * Live objects of an application map as a package version: clean templates (see clean.ts) with
 * parameters for what changes between deploys — each container's image and each workload's
 * replicas (defaults: what runs now), each claim's size and storage class — and a Secret's values,
 * which are never copied: each becomes a write-only parameter without a default. Pure.
 */
import { APPLY_ORDER } from '../rendering/manifest-rules.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../rendering/json.js';
import { CaptureProblem, cleanObject } from './clean.js';
import { containersOf, objectAt, podTemplateOf, POD_TEMPLATE_PATHS, referencesOf, textAt } from './references.js';

export interface PackagedObjects {
  /** In apply order (then by name), placeholders in. */
  readonly templates: JsonObject[];
  readonly parametersSchema: JsonObject;
  /** A value for each write-only parameter, to check that the version renders; never stored. */
  readonly standIns: JsonObject;
  /** What the package leaves out, for the person saving it. */
  readonly warnings: string[];
}

export { CaptureProblem };

/** Kinds with a replicas count a user sets (a DaemonSet runs one pod per node, a Job to completion). */
const SCALED_KINDS = new Set(['Deployment', 'StatefulSet']);
/** Names that read an object's prototype machinery: placeholders refuse them. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_NAME = 63;
const TEXT_STAND_IN = 'stand-in';
const BASE64_STAND_IN = 'AA==';
const LITERAL_OPEN = /\$\{\{/g;

/** Parameter names from object, container and key names (`tls.crt` → `tls_crt`), unique among their siblings. */
class ParameterNames {
  private readonly used = new Set<string>();

  take(text: string): string {
    let base = text.replace(/[^A-Za-z0-9_-]/g, '_');
    if (!/^[A-Za-z_]/.test(base) || RESERVED.has(base)) base = `_${base}`;
    base = base.slice(0, MAX_NAME);
    let name = base;
    for (let counter = 2; this.used.has(name); counter += 1) name = `${base.slice(0, MAX_NAME - String(counter).length - 1)}_${counter}`;
    this.used.add(name);
    return name;
  }
}

const placeholder = (...path: string[]) => `\${{ params.${path.join('.')} }}`;

/** A group of parameters: filled in with its members' defaults when a deploy leaves it out. */
function group(description: string, properties: JsonObject, required: string[] = []): JsonObject {
  return { type: 'object', description, default: {}, additionalProperties: false, properties, ...(required.length > 0 ? { required } : {}) };
}

/** Every string value (not key) keeps its text through rendering: a literal `${{` is written `$${{`. */
function escapeLiterals(value: JsonValue): void {
  const entries: Array<[string | number, JsonValue]> = Array.isArray(value) ? value.map((item, index) => [index, item]) : isJsonObject(value) ? Object.entries(value) : [];
  for (const [key, item] of entries) {
    if (typeof item === 'string') (value as Record<string | number, JsonValue>)[key] = item.replace(LITERAL_OPEN, '$$${{');
    else escapeLiterals(item);
  }
}

interface Builder {
  readonly workloads: JsonObject;
  readonly claims: JsonObject;
  readonly secrets: JsonObject;
  readonly standIns: JsonObject;
  readonly names: { readonly workloads: ParameterNames; readonly claims: ParameterNames; readonly secrets: ParameterNames };
  /** Placeholders to write once every literal is escaped. */
  readonly writes: Array<() => void>;
}

function nameOf(manifest: JsonObject): string {
  return textAt(manifest, 'metadata', 'name') ?? '';
}

function parameterizeWorkload(manifest: JsonObject, kind: string, builder: Builder): void {
  const name = nameOf(manifest);
  const key = builder.names.workloads.take(name);
  const properties: JsonObject = {};
  const spec = objectAt(manifest, ['spec']);
  const replicas = spec?.replicas;
  if (spec !== null && SCALED_KINDS.has(kind) && typeof replicas === 'number') {
    properties.replicas = { type: 'integer', minimum: 0, default: replicas, description: `Replicas of ${kind} ${name} (${replicas} when saved).` };
    builder.writes.push(() => (spec.replicas = placeholder('workloads', key, 'replicas')));
  }
  const images: JsonObject = {};
  const containerNames = new ParameterNames();
  for (const container of containersOf(objectAt(podTemplateOf(manifest), ['spec']))) {
    const image = container.image;
    if (typeof image !== 'string' || image === '') continue;
    const containerName = typeof container.name === 'string' ? container.name : 'container';
    const containerKey = containerNames.take(containerName);
    images[containerKey] = { type: 'string', minLength: 1, maxLength: 1024, default: image, description: `Image of container ${containerName} of ${kind} ${name}.` };
    builder.writes.push(() => (container.image = placeholder('workloads', key, 'images', containerKey)));
  }
  if (Object.keys(images).length > 0) properties.images = group(`Images of the containers of ${kind} ${name}, by container.`, images);
  builder.workloads[key] = group(`${kind} ${name}.`, properties);
}

function parameterizeClaim(manifest: JsonObject, builder: Builder): void {
  const name = nameOf(manifest);
  const spec = objectAt(manifest, ['spec']);
  const requests = objectAt(spec, ['resources', 'requests']);
  const properties: JsonObject = {};
  const key = builder.names.claims.take(name);
  const storage = requests?.storage;
  if (requests !== null && (typeof storage === 'string' || typeof storage === 'number')) {
    properties.storage = { type: 'string', minLength: 1, maxLength: 64, default: String(storage), description: `Storage PersistentVolumeClaim ${name} requests (e.g. 10Gi).` };
    builder.writes.push(() => (requests.storage = placeholder('claims', key, 'storage')));
  }
  const storageClass = spec?.storageClassName;
  if (spec !== null && typeof storageClass === 'string' && storageClass !== '') {
    properties.storageClassName = { type: 'string', minLength: 1, maxLength: 253, default: storageClass, description: `Storage class of PersistentVolumeClaim ${name}.` };
    builder.writes.push(() => (spec.storageClassName = placeholder('claims', key, 'storageClassName')));
  }
  if (Object.keys(properties).length > 0) builder.claims[key] = group(`PersistentVolumeClaim ${name}.`, properties);
}

/** Text values go to stringData (a user types them); values that are not UTF-8 text stay base64 under data. */
function parameterizeSecret(manifest: JsonObject, builder: Builder): void {
  const name = nameOf(manifest);
  const data = isJsonObject(manifest.data) ? manifest.data : {};
  delete manifest.data;
  delete manifest.stringData;
  if (Object.keys(data).length === 0) return;
  const key = builder.names.secrets.take(name);
  const keys = new ParameterNames();
  const properties: JsonObject = {};
  const standIns: JsonObject = {};
  const stringData: JsonObject = {};
  const binaryData: JsonObject = {};
  for (const [dataKey, value] of Object.entries(data)) {
    const bytes = Buffer.from(typeof value === 'string' ? value : '', 'base64');
    const text = bytes.toString('utf8');
    const isText = Buffer.from(text, 'utf8').equals(bytes) && !text.includes('\u0000');
    const parameter = keys.take(dataKey);
    properties[parameter] = {
      type: 'string',
      writeOnly: true,
      description: isText
        ? `Value of ${dataKey} in Secret ${name} (not saved: give it at deploy).`
        : `Value of ${dataKey} in Secret ${name}, base64-encoded (not saved: give it at deploy).`,
    };
    standIns[parameter] = isText ? TEXT_STAND_IN : BASE64_STAND_IN;
    (isText ? stringData : binaryData)[dataKey] = placeholder('secrets', key, parameter);
  }
  builder.writes.push(() => {
    if (Object.keys(binaryData).length > 0) manifest.data = binaryData;
    if (Object.keys(stringData).length > 0) manifest.stringData = stringData;
  });
  builder.secrets[key] = group(`Secret ${name}: its values are not saved with the package.`, properties, Object.keys(properties));
  builder.standIns[key] = standIns;
}

function applyOrder(manifest: JsonObject): number {
  const index = APPLY_ORDER.indexOf(typeof manifest.kind === 'string' ? manifest.kind : '');
  return index === -1 ? APPLY_ORDER.length : index;
}

/**
 * The live objects (full, as the apiserver has them) as templates and a parameters schema.
 * Throws CaptureProblem for an object that cannot be packaged as it is.
 */
export function packageObjects(objects: readonly JsonObject[], options: { readonly source: string }): PackagedObjects {
  const warnings: string[] = [];
  const builder: Builder = {
    workloads: {},
    claims: {},
    secrets: {},
    standIns: {},
    names: { workloads: new ParameterNames(), claims: new ParameterNames(), secrets: new ParameterNames() },
    writes: [],
  };
  const templates = objects
    .filter((object) => {
      if (object.kind !== 'Secret' || object.type !== 'kubernetes.io/service-account-token') return true;
      warnings.push(`Secret ${nameOf(object)}: left out, a service account token is made by the cluster`);
      return false;
    })
    .map(cleanObject)
    .sort((left, right) => applyOrder(left) - applyOrder(right) || (nameOf(left) < nameOf(right) ? -1 : nameOf(left) > nameOf(right) ? 1 : 0));
  for (const manifest of templates) {
    const kind = typeof manifest.kind === 'string' ? manifest.kind : '';
    if (POD_TEMPLATE_PATHS[kind] !== undefined) {
      parameterizeWorkload(manifest, kind, builder);
      const account = referencesOf(manifest).serviceAccount;
      if (account !== null && account !== 'default')
        warnings.push(`${kind} ${nameOf(manifest)}: runs as service account ${account}, which a package cannot hold: create it in the namespace you deploy to`);
    } else if (kind === 'PersistentVolumeClaim') parameterizeClaim(manifest, builder);
    else if (kind === 'Secret') parameterizeSecret(manifest, builder);
  }
  for (const manifest of templates) escapeLiterals(manifest);
  for (const write of builder.writes) write();
  const properties: JsonObject = {};
  if (Object.keys(builder.workloads).length > 0) properties.workloads = group('The workloads: their images and replicas, by workload name.', builder.workloads);
  if (Object.keys(builder.claims).length > 0) properties.claims = group('The persistent volume claims: their size and storage class, by claim name.', builder.claims);
  if (Object.keys(builder.secrets).length > 0) properties.secrets = group('The Secrets’ values, by Secret name and key: not saved, give them at every deploy.', builder.secrets);
  return {
    templates,
    parametersSchema: { type: 'object', description: `Parameters of ${options.source}.`, additionalProperties: false, properties },
    standIns: Object.keys(builder.standIns).length === 0 ? {} : { secrets: builder.standIns },
    warnings,
  };
}
