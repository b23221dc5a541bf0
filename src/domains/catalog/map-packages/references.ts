import { isJsonObject, type JsonObject, type JsonValue } from '../rendering/json.js';

/** Where each workload kind keeps its pod template. */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export function objectAt(root: JsonValue | undefined, path: readonly string[]): JsonObject | null {
  let current: JsonValue | undefined = root;
  for (const key of path) {
    if (!isJsonObject(current) || !Object.hasOwn(current, key)) return null;
    current = current[key];
  }
  return isJsonObject(current) ? current : null;
}

export function listAt(root: JsonValue | undefined, key: string): JsonObject[] {
  const value = isJsonObject(root) ? root[key] : undefined;
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

export function textAt(root: JsonValue | undefined, ...path: string[]): string | null {
  const parent = objectAt(root, path.slice(0, -1));
  const value = parent?.[path[path.length - 1]!];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The pod template of a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob); null for any other object. */
export function podTemplateOf(workload: JsonObject): JsonObject | null {
  const path = POD_TEMPLATE_PATHS[typeof workload.kind === 'string' ? workload.kind : ''];
  return path === undefined ? null : objectAt(workload, path);
}

/** Every container of a pod spec, init containers first (their names are unique across both lists). */
export function containersOf(podSpec: JsonObject | null): JsonObject[] {
  return [...listAt(podSpec, 'initContainers'), ...listAt(podSpec, 'containers')];
}

/** Objects a pod template names, each with whether the pods start without it (`optional: true` everywhere it is named). */
export interface PodReferences {
  readonly configMaps: Map<string, boolean>;
  readonly secrets: Map<string, boolean>;
  readonly claims: Set<string>;
  readonly serviceAccount: string | null;
}

function note(found: Map<string, boolean>, name: string | null, optional: JsonValue | undefined): void {
  if (name === null) return;
  found.set(name, (found.get(name) ?? true) && optional === true);
}

/**
 * The ConfigMaps, Secrets and claims a workload's pods use: volumes (projected ones too), envFrom,
 * env valueFrom, and image pull secrets.
 */
export function referencesOf(workload: JsonObject): PodReferences {
  const references: PodReferences = { configMaps: new Map(), secrets: new Map(), claims: new Set(), serviceAccount: null };
  const podSpec = objectAt(podTemplateOf(workload), ['spec']);
  if (podSpec === null) return references;
  for (const volume of listAt(podSpec, 'volumes')) {
    const configMap = objectAt(volume, ['configMap']);
    note(references.configMaps, textAt(configMap, 'name'), configMap?.optional);
    const secret = objectAt(volume, ['secret']);
    note(references.secrets, textAt(secret, 'secretName'), secret?.optional);
    const claim = textAt(volume, 'persistentVolumeClaim', 'claimName');
    if (claim !== null) references.claims.add(claim);
    for (const source of listAt(objectAt(volume, ['projected']), 'sources')) {
      note(references.configMaps, textAt(source, 'configMap', 'name'), objectAt(source, ['configMap'])?.optional);
      note(references.secrets, textAt(source, 'secret', 'name'), objectAt(source, ['secret'])?.optional);
    }
  }
  for (const container of containersOf(podSpec)) {
    for (const source of listAt(container, 'envFrom')) {
      note(references.configMaps, textAt(source, 'configMapRef', 'name'), objectAt(source, ['configMapRef'])?.optional);
      note(references.secrets, textAt(source, 'secretRef', 'name'), objectAt(source, ['secretRef'])?.optional);
    }
    for (const variable of listAt(container, 'env')) {
      const from = objectAt(variable, ['valueFrom']);
      note(references.configMaps, textAt(from, 'configMapKeyRef', 'name'), objectAt(from, ['configMapKeyRef'])?.optional);
      note(references.secrets, textAt(from, 'secretKeyRef', 'name'), objectAt(from, ['secretKeyRef'])?.optional);
    }
  }
  // Pods start without a pull secret (and fail to pull only from a private registry).
  for (const pullSecret of listAt(podSpec, 'imagePullSecrets')) note(references.secrets, textAt(pullSecret, 'name'), true);
  return { ...references, serviceAccount: textAt(podSpec, 'serviceAccountName') ?? textAt(podSpec, 'serviceAccount') };
}

/** The Services an Ingress sends traffic to (its default backend and every path's). */
export function ingressServices(ingress: JsonObject): string[] {
  const spec = objectAt(ingress, ['spec']);
  const names = [textAt(spec, 'defaultBackend', 'service', 'name')];
  for (const rule of listAt(spec, 'rules')) for (const path of listAt(objectAt(rule, ['http']), 'paths')) names.push(textAt(path, 'backend', 'service', 'name'));
  return [...new Set(names.filter((name): name is string => name !== null))];
}

/** A Job a CronJob started: the CronJob is what the package keeps. */
export function ownedByCronJob(object: JsonObject): boolean {
  return listAt(objectAt(object, ['metadata']), 'ownerReferences').some((owner) => owner.kind === 'CronJob');
}
