/**
 * A live object made a template: what the cluster wrote (status, identity, bookkeeping, allocated
 * addresses and ports, bindings) and what a release stamped (its labels) are dropped, so the
 * template applies cleanly to another namespace or cluster.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../rendering/json.js';
import { APP_MAP_LABEL, RELEASE_LABEL, STAGE_LABEL } from '../releases/manifests.js';
import { SERVER_METADATA as IMPORT_DROPPED_METADATA } from '../rendering/templates.js';
import { listAt, objectAt, podTemplateOf, textAt } from './references.js';

/** What the release that made an object labels it with: the next deploy sets its own. */
export const RELEASE_LABELS: readonly string[] = [RELEASE_LABEL, APP_MAP_LABEL, STAGE_LABEL];

/** Beyond what an import drops: where it ran, and what its controllers and generators stamped. */
const SERVER_METADATA = [...IMPORT_DROPPED_METADATA, 'namespace', 'finalizers', 'generateName'];

/** Annotations controllers and kubectl write: revisions, the last applied manifest (a Secret's values in it too), claim bindings. */
const SERVER_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deprecated.daemonset.template.generation',
  'batch.kubernetes.io/job-tracking',
  'pv.kubernetes.io/bind-completed',
  'pv.kubernetes.io/bound-by-controller',
  'volume.beta.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/selected-node',
]);

/** Labels the Job controller gives a Job's pods and selector (from the Job's uid): a new Job gets its own. */
const JOB_CONTROLLER_LABELS = ['controller-uid', 'job-name', 'batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name'];
/** The ReplicaSet's hash, should a template carry it. */
const POD_TEMPLATE_HASH = 'pod-template-hash';

/** An object that cannot be made a template as it is, with what to do. */
export class CaptureProblem extends Error {
  constructor(
    readonly object: string,
    reason: string,
  ) {
    super(`${object}: ${reason}`);
    this.name = 'CaptureProblem';
  }
}

function withoutKeys(map: JsonValue | undefined, drop: (key: string) => boolean): JsonObject | null {
  if (!isJsonObject(map)) return null;
  const kept = Object.entries(map).filter(([key]) => !drop(key));
  return kept.length === 0 ? null : Object.fromEntries(kept);
}

function setOrDelete(target: JsonObject, key: string, value: JsonValue | null): void {
  if (value === null) delete target[key];
  else target[key] = value;
}

/** Metadata as a template carries it: name, labels and annotations of its own (in that order, as people write them). */
export function cleanMetadata(metadata: JsonValue | undefined, droppedLabels: readonly string[]): JsonObject {
  const copy: JsonObject = isJsonObject(metadata) ? { ...metadata } : {};
  for (const field of SERVER_METADATA) delete copy[field];
  const { name, labels, annotations, ...rest } = copy;
  const cleaned: JsonObject = name === undefined ? {} : { name };
  setOrDelete(
    cleaned,
    'labels',
    withoutKeys(labels, (key) => droppedLabels.includes(key)),
  );
  setOrDelete(
    cleaned,
    'annotations',
    withoutKeys(annotations, (key) => SERVER_ANNOTATIONS.has(key)),
  );
  return { ...cleaned, ...rest };
}

/**
 * A selector without the labels a template no longer carries. A selector that chose by those
 * labels alone would select every pod afterwards: refused, naming the fix.
 */
function cleanSelector(owner: JsonObject, key: string, dropped: readonly string[], object: string, where: string, labelsOnly: boolean): void {
  const selector = owner[key];
  if (!isJsonObject(selector)) return;
  const used = labelsOnly
    ? Object.keys(selector)
    : [...Object.keys(objectAt(selector, ['matchLabels']) ?? {}), ...listAt(selector, 'matchExpressions').map((entry) => textAt(entry, 'key') ?? '')];
  if (!used.some((label) => dropped.includes(label))) return;
  if (used.every((label) => dropped.includes(label)))
    throw new CaptureProblem(
      object,
      `${where} selects only by ${used.join(', ')}, which a package cannot keep (each release sets its own): give the selector and the pods a label of their own (e.g. app: <name>) and save again`,
    );
  if (labelsOnly) {
    owner[key] = withoutKeys(selector, (label) => dropped.includes(label))!;
    return;
  }
  const copy: JsonObject = { ...selector };
  setOrDelete(
    copy,
    'matchLabels',
    withoutKeys(copy.matchLabels, (label) => dropped.includes(label)),
  );
  const expressions = listAt(copy, 'matchExpressions').filter((entry) => !dropped.includes(textAt(entry, 'key') ?? ''));
  setOrDelete(copy, 'matchExpressions', expressions.length === 0 ? null : expressions);
  owner[key] = copy;
}

function cleanPodTemplate(template: JsonObject | null, droppedLabels: readonly string[]): void {
  if (template === null) return;
  template.metadata = cleanMetadata(template.metadata, droppedLabels);
  if (Object.keys(template.metadata).length === 0) delete template.metadata;
}

function cleanService(spec: JsonObject | null, object: string): void {
  if (spec === null) return;
  // Addresses and ports the cluster allocated: another cluster (or namespace) allocates its own. A headless Service stays headless.
  if (spec.clusterIP !== 'None') delete spec.clusterIP;
  for (const field of ['clusterIPs', 'ipFamilies', 'ipFamilyPolicy', 'healthCheckNodePort']) delete spec[field];
  if (Array.isArray(spec.ports))
    spec.ports = spec.ports.map((port) => (isJsonObject(port) ? Object.fromEntries(Object.entries(port).filter(([key]) => key !== 'nodePort')) : port));
  cleanSelector(spec, 'selector', RELEASE_LABELS, object, 'spec.selector', true);
}

function cleanJob(spec: JsonObject | null, object: string, where: string): void {
  if (spec === null) return;
  const manual = spec.manualSelector === true;
  if (!manual) {
    delete spec.selector;
    delete spec.manualSelector;
  } else cleanSelector(spec, 'selector', RELEASE_LABELS, object, `${where}.selector`, false);
  cleanPodTemplate(objectAt(spec, ['template']), manual ? RELEASE_LABELS : [...RELEASE_LABELS, ...JOB_CONTROLLER_LABELS]);
}

/**
 * A copy of a live object as a template (no placeholders yet): the server's and the release's
 * fields dropped, selectors kept consistent with the pod labels. Throws CaptureProblem.
 */
export function cleanObject(live: JsonObject): JsonObject {
  const copy = structuredClone(live);
  const kind = typeof copy.kind === 'string' ? copy.kind : '';
  const object = `${kind} ${textAt(copy, 'metadata', 'name') ?? '?'}`;
  delete copy.status;
  copy.metadata = cleanMetadata(copy.metadata, RELEASE_LABELS);
  const spec = objectAt(copy, ['spec']);
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      if (spec !== null) cleanSelector(spec, 'selector', [...RELEASE_LABELS, POD_TEMPLATE_HASH], object, 'spec.selector', false);
      cleanPodTemplate(podTemplateOf(copy), [...RELEASE_LABELS, POD_TEMPLATE_HASH]);
      for (const claimTemplate of listAt(spec, 'volumeClaimTemplates')) {
        delete claimTemplate.status;
        claimTemplate.metadata = cleanMetadata(claimTemplate.metadata, RELEASE_LABELS);
      }
      break;
    case 'Job':
      // The controller labels the Job itself too, after the Job it was.
      copy.metadata = cleanMetadata(copy.metadata, [...RELEASE_LABELS, ...JOB_CONTROLLER_LABELS]);
      cleanJob(spec, object, 'spec');
      break;
    case 'CronJob': {
      const jobTemplate = objectAt(spec, ['jobTemplate']);
      if (jobTemplate !== null) {
        jobTemplate.metadata = cleanMetadata(jobTemplate.metadata, RELEASE_LABELS);
        if (Object.keys(jobTemplate.metadata).length === 0) delete jobTemplate.metadata;
        cleanJob(objectAt(jobTemplate, ['spec']), object, 'spec.jobTemplate.spec');
      }
      break;
    }
    case 'Service':
      cleanService(spec, object);
      break;
    case 'PersistentVolumeClaim':
      // Bound to a volume of the cluster it came from; a new claim gets a volume of its own.
      if (spec !== null) delete spec.volumeName;
      break;
  }
  return copy;
}
