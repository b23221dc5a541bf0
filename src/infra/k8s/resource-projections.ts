/**
 * Projections of services, storage, events and disruption budgets. Pure functions of the raw
 * object (list or watch shape); volatile fields are left out so they cause no MODIFIED events.
 */
import type {
  KubernetesEventProjection,
  PersistentVolumeClaimProjection,
  PersistentVolumeProjection,
  PodDisruptionBudgetProjection,
  ServicePort,
  ServiceProjection,
  StorageClassProjection,
} from '../../domains/clusters/model.js';
import { intOrString, requiredString, selectorLabels } from './projection-helpers.js';
import { toBytes } from './quantity.js';
import { asArray, asNumber, asRecord, asString, asStringMap, asTimestamp, compact, metadataOf, type RawRecord } from './raw-object.js';

const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

function specOf(raw: unknown): RawRecord {
  return asRecord(asRecord(raw)['spec']);
}

function statusOf(raw: unknown): RawRecord {
  return asRecord(asRecord(raw)['status']);
}

function strings(value: unknown): string[] {
  return asArray(value).filter((entry): entry is string => typeof entry === 'string' && entry !== '');
}

export function projectService(raw: unknown): ServiceProjection {
  const metadata = metadataOf(raw);
  const spec = specOf(raw);
  const ingress = asArray(asRecord(statusOf(raw)['loadBalancer'])['ingress']).map(asRecord);
  const loadBalancerAddresses = ingress.map((entry) => asString(entry['ip']) ?? asString(entry['hostname'])).filter((address): address is string => address !== undefined);
  const type = asString(spec['type']) ?? 'ClusterIP';
  return compact<ServiceProjection>({
    uid: requiredString(metadata['uid'], 'metadata.uid'),
    name: requiredString(metadata['name'], 'metadata.name'),
    namespace: requiredString(metadata['namespace'], 'metadata.namespace'),
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    type,
    clusterIP: asString(spec['clusterIP']),
    externalIPs: [...new Set([...strings(spec['externalIPs']), ...loadBalancerAddresses])],
    ports: asArray(spec['ports']).map((port) => servicePort(asRecord(port))),
    selector: asStringMap(spec['selector']),
    labels: asStringMap(metadata['labels']),
    createdAt: asTimestamp(metadata['creationTimestamp']),
    loadBalancerIngress: type === 'LoadBalancer' ? [...new Set(loadBalancerAddresses)] : undefined,
  });
}

function servicePort(port: RawRecord): ServicePort {
  const nodePort = asNumber(port['nodePort']);
  return compact<ServicePort>({
    name: asString(port['name']),
    protocol: asString(port['protocol']) ?? 'TCP',
    port: asNumber(port['port']),
    targetPort: intOrString(port['targetPort']),
    nodePort: nodePort === 0 ? undefined : nodePort,
  });
}

export function projectPersistentVolume(raw: unknown): PersistentVolumeProjection {
  const metadata = metadataOf(raw);
  const spec = specOf(raw);
  const claimRef = asRecord(spec['claimRef']);
  const claimName = asString(claimRef['name']);
  return compact<PersistentVolumeProjection>({
    uid: requiredString(metadata['uid'], 'metadata.uid'),
    name: requiredString(metadata['name'], 'metadata.name'),
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    capacityBytes: toBytes(asRecord(spec['capacity'])['storage']),
    accessModes: strings(spec['accessModes']),
    reclaimPolicy: asString(spec['persistentVolumeReclaimPolicy']),
    storageClassName: asString(spec['storageClassName']),
    phase: asString(statusOf(raw)['phase']) ?? 'Pending',
    claim: claimName === undefined ? undefined : { namespace: asString(claimRef['namespace']) ?? '', name: claimName },
    createdAt: asTimestamp(metadata['creationTimestamp']),
  });
}

export function projectPersistentVolumeClaim(raw: unknown): PersistentVolumeClaimProjection {
  const metadata = metadataOf(raw);
  const spec = specOf(raw);
  const status = statusOf(raw);
  return compact<PersistentVolumeClaimProjection>({
    uid: requiredString(metadata['uid'], 'metadata.uid'),
    name: requiredString(metadata['name'], 'metadata.name'),
    namespace: requiredString(metadata['namespace'], 'metadata.namespace'),
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    requestedBytes: toBytes(asRecord(asRecord(spec['resources'])['requests'])['storage']),
    capacityBytes: toBytes(asRecord(status['capacity'])['storage']),
    accessModes: strings(spec['accessModes']),
    storageClassName: asString(spec['storageClassName']),
    phase: asString(status['phase']) ?? 'Pending',
    volumeName: asString(spec['volumeName']),
    createdAt: asTimestamp(metadata['creationTimestamp']),
    labels: labelsOrNone(metadata['labels']),
  });
}

/** Most claims carry no labels: they are left out then rather than kept as an empty object per claim. */
function labelsOrNone(value: unknown): Record<string, string> | undefined {
  const labels = asStringMap(value);
  return Object.keys(labels).length === 0 ? undefined : labels;
}

export function projectStorageClass(raw: unknown): StorageClassProjection {
  const object = asRecord(raw);
  const metadata = metadataOf(raw);
  const annotations = asStringMap(metadata['annotations']);
  return compact<StorageClassProjection>({
    uid: requiredString(metadata['uid'], 'metadata.uid'),
    name: requiredString(metadata['name'], 'metadata.name'),
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    provisioner: asString(object['provisioner']) ?? '',
    reclaimPolicy: asString(object['reclaimPolicy']),
    volumeBindingMode: asString(object['volumeBindingMode']),
    allowVolumeExpansion: object['allowVolumeExpansion'] === true,
    isDefault: DEFAULT_CLASS_ANNOTATIONS.some((annotation) => annotations[annotation] === 'true'),
  });
}

/**
 * A core/v1 Event. Newer reporters fill `series` and `eventTime` instead of `count` and the
 * timestamps; both forms are read so that `count` and `lastSeen` mean the same for either.
 */
export function projectKubernetesEvent(raw: unknown): KubernetesEventProjection {
  const object = asRecord(raw);
  const metadata = metadataOf(raw);
  const involved = asRecord(object['involvedObject']);
  const series = asRecord(object['series']);
  const source = asRecord(object['source']);
  const count = asNumber(object['count']) || asNumber(series['count']) || 1;
  const firstSeen = asTimestamp(object['firstTimestamp']) ?? asTimestamp(object['eventTime']);
  // An apiserver always sets creationTimestamp; without any time at all the event sorts as the oldest
  // (the field is a non-null DateTime, which an empty string would break).
  const lastSeen =
    asTimestamp(object['lastTimestamp']) ??
    asTimestamp(series['lastObservedTime']) ??
    asTimestamp(object['eventTime']) ??
    asTimestamp(metadata['creationTimestamp']) ??
    new Date(0).toISOString();
  return compact<KubernetesEventProjection>({
    uid: requiredString(metadata['uid'], 'metadata.uid'),
    namespace: requiredString(metadata['namespace'], 'metadata.namespace'),
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    type: asString(object['type']) ?? 'Normal',
    reason: asString(object['reason']) ?? '',
    message: asString(object['message']) ?? '',
    involvedObject: compact({
      kind: asString(involved['kind']) ?? '',
      name: asString(involved['name']) ?? '',
      namespace: asString(involved['namespace']),
    }),
    count,
    firstSeen,
    lastSeen,
    source: asString(source['component']) ?? asString(object['reportingComponent']),
  });
}

export function projectPodDisruptionBudget(raw: unknown): PodDisruptionBudgetProjection {
  const metadata = metadataOf(raw);
  const spec = specOf(raw);
  return compact<PodDisruptionBudgetProjection>({
    uid: requiredString(metadata['uid'], 'metadata.uid'),
    name: requiredString(metadata['name'], 'metadata.name'),
    namespace: requiredString(metadata['namespace'], 'metadata.namespace'),
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    selector: selectorLabels(spec['selector']),
    minAvailable: intOrString(spec['minAvailable']),
    maxUnavailable: intOrString(spec['maxUnavailable']),
    disruptionsAllowed: asNumber(statusOf(raw)['disruptionsAllowed']),
  });
}
