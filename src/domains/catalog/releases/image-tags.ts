import { isJsonObject, type JsonObject, type JsonValue } from '../rendering/json.js';

/** An image reference split as registries name it: `host[:port]/path` + `:tag` and/or `@digest`. */
export interface ImageParts {
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

export function parseImage(reference: string): ImageParts {
  const at = reference.indexOf('@');
  const named = at === -1 ? reference : reference.slice(0, at);
  const digest = at === -1 ? null : reference.slice(at + 1);
  const colon = named.lastIndexOf(':');
  // A colon before the last slash belongs to the host's port, not to a tag.
  const tagged = colon > named.lastIndexOf('/');
  return { repository: tagged ? named.slice(0, colon) : named, tag: tagged ? named.slice(colon + 1) : null, digest };
}

/** Where pod specs sit in each workload kind. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

function at(root: JsonObject, path: readonly string[]): JsonObject | null {
  let current: JsonValue | undefined = root;
  for (const key of path) {
    if (!isJsonObject(current) || !Object.hasOwn(current, key)) return null;
    current = current[key];
  }
  return isJsonObject(current) ? current : null;
}

/** Every container (init containers too) of the objects' pod specs. */
function containersOf(manifest: JsonObject): JsonObject[] {
  const path = POD_SPEC_PATHS[typeof manifest.kind === 'string' ? manifest.kind : ''];
  const spec = path === undefined ? null : at(manifest, path);
  if (spec === null) return [];
  return ['initContainers', 'containers'].flatMap((key) => {
    const list = spec[key];
    return Array.isArray(list) ? list.filter(isJsonObject) : [];
  });
}

/**
 * Copies of the manifests with every container image of `repository` set to `image` (its new
 * tag, pinned by digest when known), and the references that were replaced.
 */
export function retagImages(manifests: readonly JsonObject[], repository: string, image: string): { manifests: JsonObject[]; replaced: Set<string> } {
  const replaced = new Set<string>();
  const copies = manifests.map((manifest) => {
    const copy = structuredClone(manifest);
    for (const container of containersOf(copy)) {
      if (typeof container.image !== 'string' || parseImage(container.image).repository !== repository || container.image === image) continue;
      replaced.add(container.image);
      container.image = image;
    }
    return copy;
  });
  return { manifests: copies, replaced };
}

/**
 * The values with the image continuous deployment moved to written back, so an upgrade that
 * re-renders from them keeps it (as image updaters write the new tag into a chart's values): every
 * string that was one of the replaced references becomes the new one, and an object of the form
 * `{ repository, tag }` naming the repository gets the new tag.
 */
export function retagValues(values: JsonObject, replaced: ReadonlySet<string>, image: string): JsonObject {
  const target = parseImage(image);
  const visit = (value: JsonValue): JsonValue => {
    if (typeof value === 'string') return replaced.has(value) ? image : value;
    if (Array.isArray(value)) return value.map(visit);
    if (!isJsonObject(value)) return value;
    const copy: JsonObject = Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, visit(entry)]));
    if (copy.repository === target.repository && typeof copy.tag === 'string' && target.tag !== null) copy.tag = target.tag;
    return copy;
  };
  return visit(values) as JsonObject;
}
