import { childPath, isJsonObject, type JsonObject, type JsonValue } from './json.js';

/** What a package may hold, with the API versions the platform's clusters serve for each. */
export const TEMPLATE_KINDS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['apps/v1'],
  StatefulSet: ['apps/v1'],
  DaemonSet: ['apps/v1'],
  Job: ['batch/v1'],
  CronJob: ['batch/v1'],
  Service: ['v1'],
  ConfigMap: ['v1'],
  Secret: ['v1'],
  PersistentVolumeClaim: ['v1'],
  Ingress: ['networking.k8s.io/v1'],
};

/** Helm's install order for these kinds: what others refer to comes first. Deletion runs in reverse. */
export const APPLY_ORDER: readonly string[] = ['Secret', 'ConfigMap', 'PersistentVolumeClaim', 'Service', 'DaemonSet', 'Deployment', 'StatefulSet', 'Job', 'CronJob', 'Ingress'];

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** A CronJob's name leaves room for the 11 characters its Jobs add. */
const MAX_CRONJOB_NAME = 52;

/** A broken rule: `path` inside the manifest. */
export interface ManifestProblem {
  readonly path: string;
  readonly message: string;
}

export function allowedKindsText(): string {
  return Object.keys(TEMPLATE_KINDS).join(', ');
}

/** apiVersion and kind: literal, and a pair this catalog allows. */
export function kindProblem(document: JsonObject): ManifestProblem | null {
  const { apiVersion, kind } = document;
  if (typeof apiVersion !== 'string' || apiVersion === '') return { path: 'apiVersion', message: 'is missing (every manifest names its apiVersion)' };
  if (typeof kind !== 'string' || kind === '') return { path: 'kind', message: 'is missing (every manifest names its kind)' };
  const versions = TEMPLATE_KINDS[kind];
  if (versions === undefined || !Object.hasOwn(TEMPLATE_KINDS, kind)) return { path: 'kind', message: `${kind} is not allowed in a package: use ${allowedKindsText()}` };
  if (!versions.includes(apiVersion)) return { path: 'apiVersion', message: `${kind} must be ${versions.join(' or ')}, not ${apiVersion}` };
  return null;
}

export function nameProblem(kind: string, name: JsonValue | undefined): ManifestProblem | null {
  const path = 'metadata.name';
  if (typeof name !== 'string' || name === '') return { path, message: 'is missing (every manifest has a name)' };
  if (kind === 'Service') {
    if (name.length > 63 || !DNS1035_LABEL.test(name))
      return { path, message: `${JSON.stringify(name)} is not a Service name: at most 63 lowercase letters, digits or '-', starting with a letter` };
    return null;
  }
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name))
    return { path, message: `${JSON.stringify(name)} is not a DNS-1123 name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit` };
  if (kind === 'CronJob' && name.length > MAX_CRONJOB_NAME) return { path, message: `a CronJob name has at most ${MAX_CRONJOB_NAME} characters` };
  return null;
}

function stringMapProblem(map: JsonValue | undefined, path: string, checkEntry: (key: string, value: string) => string | null): ManifestProblem | null {
  if (map === undefined || map === null) return null;
  if (!isJsonObject(map)) return { path, message: 'must be a map of strings' };
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') return { path: childPath(path, key), message: `must be a string, not ${JSON.stringify(value)} (quote it, or use | string on its placeholder)` };
    const problem = checkEntry(key, value);
    if (problem !== null) return { path: childPath(path, key), message: problem };
  }
  return null;
}

function qualifiedKeyProblem(key: string): string | null {
  const slash = key.lastIndexOf('/');
  const prefix = slash === -1 ? null : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== null && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return `the key prefix ${JSON.stringify(prefix)} is not a DNS-1123 subdomain`;
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return `the key ${JSON.stringify(key)} is not a valid label or annotation key`;
  return null;
}

function metadataProblem(metadata: JsonObject): ManifestProblem | null {
  if (metadata.namespace !== undefined) return { path: 'metadata.namespace', message: "is chosen when the package is deployed: a package's manifests name no namespace" };
  return (
    stringMapProblem(
      metadata.labels,
      'metadata.labels',
      (key, value) =>
        qualifiedKeyProblem(key) ??
        (value.length > 63 || !LABEL_VALUE.test(value) ? `${JSON.stringify(value)} is not a label value (at most 63 letters, digits, '-', '_', '.')` : null),
    ) ?? stringMapProblem(metadata.annotations, 'metadata.annotations', (key) => qualifiedKeyProblem(key))
  );
}

function objectAt(document: JsonObject, path: readonly string[]): JsonObject | null {
  let current: JsonValue | undefined = document;
  for (const key of path) {
    if (!isJsonObject(current)) return null;
    current = Object.hasOwn(current, key) ? current[key] : undefined;
  }
  return isJsonObject(current) ? current : null;
}

/** The pod template of a workload: where, and what it must hold. */
const POD_TEMPLATE_PATH: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

function containersProblem(podSpec: JsonObject, path: string): ManifestProblem | null {
  const containers = podSpec.containers;
  if (!Array.isArray(containers) || containers.length === 0) return { path: `${path}.containers`, message: 'needs at least one container' };
  for (const [index, container] of containers.entries()) {
    const at = childPath(`${path}.containers`, index);
    if (!isJsonObject(container)) return { path: at, message: 'must be a container (a map)' };
    if (typeof container.name !== 'string' || !DNS1123_LABEL.test(container.name) || container.name.length > 63)
      return { path: `${at}.name`, message: 'must be a DNS-1123 label (lowercase letters, digits, -)' };
    if (typeof container.image !== 'string' || container.image.trim() === '') return { path: `${at}.image`, message: 'must name an image' };
    if (container.env !== undefined) {
      if (!Array.isArray(container.env)) return { path: `${at}.env`, message: 'must be a list' };
      for (const [envIndex, variable] of container.env.entries()) {
        const envAt = childPath(`${at}.env`, envIndex);
        if (!isJsonObject(variable) || typeof variable.name !== 'string' || variable.name === '') return { path: envAt, message: 'must have a name' };
        if (variable.value !== undefined && typeof variable.value !== 'string')
          return { path: `${envAt}.value`, message: `must be a string, not ${JSON.stringify(variable.value)} (quote it, or use | string on its placeholder)` };
      }
    }
  }
  return null;
}

function workloadProblem(document: JsonObject, kind: string): ManifestProblem | null {
  const templatePath = POD_TEMPLATE_PATH[kind];
  if (templatePath === undefined) return null;
  const where = templatePath.join('.');
  const template = objectAt(document, templatePath);
  if (template === null) return { path: where, message: `a ${kind} needs a pod template` };
  const podSpec = objectAt(template, ['spec']);
  if (podSpec === null) return { path: `${where}.spec`, message: 'is missing' };
  const problem = containersProblem(podSpec, `${where}.spec`);
  if (problem !== null) return problem;
  if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet') {
    const selector = objectAt(document, ['spec', 'selector']);
    if (selector === null) return { path: 'spec.selector', message: `an apps/v1 ${kind} needs a selector` };
    const matchLabels = selector.matchLabels;
    if (isJsonObject(matchLabels)) {
      const labels = objectAt(template, ['metadata', 'labels']) ?? {};
      for (const [key, value] of Object.entries(matchLabels)) {
        if (labels[key] !== value) return { path: childPath('spec.selector.matchLabels', key), message: `does not match the pod template's labels (${where}.metadata.labels)` };
      }
    }
  }
  return null;
}

function dataProblem(document: JsonObject, kind: string): ManifestProblem | null {
  if (kind === 'ConfigMap') return stringMapProblem(document.data, 'data', () => null);
  if (kind === 'Secret')
    return (
      stringMapProblem(document.data, 'data', (_key, value) => (BASE64.test(value) ? null : 'must be base64 (or put the plain text under stringData)')) ??
      stringMapProblem(document.stringData, 'stringData', () => null)
    );
  return null;
}

/** The first broken rule of a rendered manifest, or null: what the API server would refuse outright, caught before anything is sent. */
export function manifestProblem(document: JsonObject): ManifestProblem | null {
  const kindIssue = kindProblem(document);
  if (kindIssue !== null) return kindIssue;
  const kind = document.kind as string;
  const metadata = document.metadata;
  if (!isJsonObject(metadata)) return { path: 'metadata', message: 'is missing (every manifest has metadata with a name)' };
  return nameProblem(kind, metadata.name) ?? metadataProblem(metadata) ?? workloadProblem(document, kind) ?? dataProblem(document, kind);
}
