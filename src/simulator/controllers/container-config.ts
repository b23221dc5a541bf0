/**
 * What a kubelet resolves before it starts a pod's containers: secret volumes (mounted files) and
 * each container's environment (`value`, `valueFrom.secretKeyRef`, `valueFrom.fieldRef`). A missing
 * Secret stops the start the way a real kubelet does: a volume cannot be set up (FailedMount), or a
 * container cannot be configured (CreateContainerConfigError). The kubelet retries either later.
 */
import type { EnvVarObject, PodObject } from '../k8s-types.js';
import type { SecretObject } from '../object-types.js';
import { objectKey } from '../resources.js';
import { secretValue } from '../secrets.js';
import type { ObjectStore } from '../store.js';

/** One container's resolved configuration: its environment and the files mounted from Secrets. */
export interface ContainerConfig {
  readonly env: ReadonlyMap<string, string>;
  /** Absolute path in the container → content. */
  readonly files: ReadonlyMap<string, string>;
}

export type PodConfig =
  | { readonly ok: true; readonly containers: ReadonlyMap<string, ContainerConfig> }
  | { readonly ok: false; readonly failure: 'FailedMount'; readonly message: string }
  | { readonly ok: false; readonly failure: 'CreateContainerConfigError'; readonly container: string; readonly message: string };

type Failure = Exclude<PodConfig, { ok: true }>;

function secretOf(store: ObjectStore, namespace: string, name: string): SecretObject | undefined {
  return store.get('secrets', objectKey(namespace, name));
}

/** Files of each secret volume, by volume name (relative path → content), or why it cannot mount. */
function secretVolumes(store: ObjectStore, pod: PodObject): Map<string, Map<string, string>> | Failure {
  const volumes = new Map<string, Map<string, string>>();
  for (const volume of pod.spec.volumes ?? []) {
    if (volume.secret === undefined) continue;
    const { secretName, items, optional } = volume.secret;
    const secret = secretOf(store, pod.metadata.namespace, secretName);
    const files = new Map<string, string>();
    volumes.set(volume.name, files);
    if (secret === undefined) {
      if (optional === true) continue;
      return { ok: false, failure: 'FailedMount', message: `MountVolume.SetUp failed for volume "${volume.name}" : secret "${secretName}" not found` };
    }
    const wanted = items ?? Object.keys(secret.data ?? {}).map((key) => ({ key, path: key }));
    for (const item of wanted) {
      const value = secretValue(secret, item.key);
      if (value === undefined) {
        if (optional === true) continue;
        return { ok: false, failure: 'FailedMount', message: `MountVolume.SetUp failed for volume "${volume.name}" : references non-existent secret key: ${item.key}` };
      }
      files.set(item.path, value);
    }
  }
  return volumes;
}

function fieldValue(pod: PodObject, fieldPath: string): string | undefined {
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace;
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName;
    case 'status.hostIP':
      return pod.status.hostIP ?? '';
    default:
      return undefined;
  }
}

/** One variable's value; undefined when an optional reference is missing (the variable is unset). */
function envValue(store: ObjectStore, pod: PodObject, entry: EnvVarObject): { value: string | undefined } | { error: string } {
  if (entry.valueFrom === undefined) return { value: entry.value ?? '' };
  const { secretKeyRef, configMapKeyRef, fieldRef } = entry.valueFrom;
  if (secretKeyRef !== undefined) {
    const secret = secretOf(store, pod.metadata.namespace, secretKeyRef.name);
    if (secret === undefined) return secretKeyRef.optional === true ? { value: undefined } : { error: `secret "${secretKeyRef.name}" not found` };
    const value = secretValue(secret, secretKeyRef.key);
    if (value === undefined)
      return secretKeyRef.optional === true ? { value: undefined } : { error: `couldn't find key ${secretKeyRef.key} in Secret ${pod.metadata.namespace}/${secretKeyRef.name}` };
    return { value };
  }
  if (configMapKeyRef !== undefined) {
    // The simulator serves no ConfigMaps: every reference to one is to a missing one.
    return configMapKeyRef.optional === true ? { value: undefined } : { error: `configmap "${configMapKeyRef.name}" not found` };
  }
  if (fieldRef !== undefined) {
    const value = fieldValue(pod, fieldRef.fieldPath);
    return value === undefined ? { error: `unsupported fieldPath: ${fieldRef.fieldPath}` } : { value };
  }
  return { error: `env ${entry.name}: valueFrom names no source` };
}

function joinPath(mountPath: string, relative: string): string {
  return `${mountPath.replace(/\/+$/, '')}/${relative}`;
}

/** Resolves every container's configuration, or says why the pod cannot start yet. */
export function resolvePodConfig(store: ObjectStore, pod: PodObject): PodConfig {
  const volumes = secretVolumes(store, pod);
  if (!(volumes instanceof Map)) return volumes;
  const containers = new Map<string, ContainerConfig>();
  for (const container of pod.spec.containers) {
    const env = new Map<string, string>();
    for (const entry of container.env ?? []) {
      const resolved = envValue(store, pod, entry);
      if ('error' in resolved) return { ok: false, failure: 'CreateContainerConfigError', container: container.name, message: resolved.error };
      if (resolved.value !== undefined) env.set(entry.name, resolved.value);
    }
    const files = new Map<string, string>();
    for (const mount of container.volumeMounts ?? []) {
      const mounted = volumes.get(mount.name);
      if (mounted === undefined) continue;
      for (const [relative, content] of mounted) {
        if (mount.subPath === undefined) files.set(joinPath(mount.mountPath, relative), content);
        else if (mount.subPath === relative) files.set(mount.mountPath, content);
      }
    }
    containers.set(container.name, { env, files });
  }
  return { ok: true, containers };
}
