import { isJsonObject, setOwn, type JsonObject, type JsonValue } from '../rendering/json.js';
import type { RenderedObject } from '../rendering/render.js';
import type { InventoryItem, ObjectRef } from './ports.js';

/** Labels every object of a release carries (kubectl and app maps select by them; the inventory, not these, decides what is ours). */
export const RELEASE_LABEL = 'kda.io/release';
export const APP_MAP_LABEL = 'kda.io/app-map';
export const STAGE_LABEL = 'kda.io/stage';

/** Where each workload kind keeps its pod template: its pods carry the release's labels too. */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export interface ReleaseLabels {
  readonly releaseId: string;
  readonly appMapName: string;
  readonly stage: string;
}

function labelsOf(release: ReleaseLabels): JsonObject {
  return { [RELEASE_LABEL]: release.releaseId, [APP_MAP_LABEL]: release.appMapName, [STAGE_LABEL]: release.stage };
}

function withLabels(metadata: JsonValue | undefined, labels: JsonObject): JsonObject {
  const copy: JsonObject = isJsonObject(metadata) ? { ...metadata } : {};
  copy.labels = { ...(isJsonObject(copy.labels) ? copy.labels : {}), ...labels };
  return copy;
}

function objectAt(root: JsonObject, path: readonly string[]): JsonObject | null {
  let current: JsonValue | undefined = root;
  for (const key of path) {
    if (!isJsonObject(current) || !Object.hasOwn(current, key)) return null;
    current = current[key];
  }
  return isJsonObject(current) ? current : null;
}

/**
 * The rendered objects as they are applied: in the release's namespace, labelled with the release,
 * its app map and stage (the pods of workloads too). Copies; the rendering is left as it was.
 */
export function prepareManifests(objects: readonly RenderedObject[], namespace: string, release: ReleaseLabels): JsonObject[] {
  const labels = labelsOf(release);
  return objects.map(({ manifest }) => {
    const copy = structuredClone(manifest);
    copy.metadata = { ...withLabels(copy.metadata, labels), namespace };
    const templatePath = POD_TEMPLATE_PATHS[textOf(copy.kind)];
    if (templatePath !== undefined) {
      const template = objectAt(copy, templatePath);
      if (template !== null) setOwn(template, 'metadata', withLabels(template.metadata, labels));
    }
    return copy;
  });
}

/** A string field as text ('' when it is not a string: rendering checked these already). */
export function textOf(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

export function refOf(manifest: JsonObject): ObjectRef {
  const metadata = isJsonObject(manifest.metadata) ? manifest.metadata : {};
  return {
    apiVersion: textOf(manifest.apiVersion),
    kind: textOf(manifest.kind),
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : null,
    name: textOf(metadata.name),
  };
}

/** One key per object: kinds are unique across the API groups a package may use. */
export function keyOf(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** "Deployment shop/web", as messages name objects. */
export function describeRef(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return `${ref.kind} ${ref.namespace === null ? '' : `${ref.namespace}/`}${ref.name}`;
}

export function uidOf(object: JsonObject): string | null {
  const metadata = object.metadata;
  return isJsonObject(metadata) && typeof metadata.uid === 'string' ? metadata.uid : null;
}

export function labelOf(object: JsonObject, label: string): string | null {
  const metadata = object.metadata;
  const labels = isJsonObject(metadata) ? metadata.labels : undefined;
  return isJsonObject(labels) && typeof labels[label] === 'string' ? labels[label] : null;
}

export function inventoryItem(ref: ObjectRef, uid: string): InventoryItem {
  return { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name, uid };
}

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Readonly<Record<string, number>> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Bytes of a storage quantity ("10Gi", "500M", "1e9"), rounded up as Kubernetes does; null when it is not one. */
export function quantityBytes(value: JsonValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.ceil(value) : null;
  if (typeof value !== 'string') return null;
  const match = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|[eE]\d+)?$/.exec(value.trim());
  if (match === null) return null;
  const suffix = match[2] ?? '';
  const multiplier = BINARY[suffix] ?? DECIMAL[suffix] ?? 10 ** Number(suffix.slice(1));
  return Math.ceil(Number(match[1]) * multiplier);
}

/** A claim a release asks for. */
export interface ClaimRequest {
  readonly name: string;
  readonly storageClassName: string | null;
  readonly bytes: number;
}

/** The PersistentVolumeClaims among the manifests, with what they request. */
export function claimRequests(manifests: readonly JsonObject[]): ClaimRequest[] {
  return manifests
    .filter((manifest) => manifest.kind === 'PersistentVolumeClaim')
    .map((manifest) => {
      const spec = isJsonObject(manifest.spec) ? manifest.spec : {};
      const requests = objectAt(spec, ['resources', 'requests']);
      return {
        name: refOf(manifest).name,
        storageClassName: typeof spec.storageClassName === 'string' && spec.storageClassName !== '' ? spec.storageClassName : null,
        bytes: quantityBytes(requests?.storage) ?? 0,
      };
    });
}
