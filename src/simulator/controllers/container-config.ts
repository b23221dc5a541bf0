/**
 * What a kubelet resolves before it starts a pod's containers: Secret and ConfigMap volumes (mounted
 * files) and each container's environment (`value`, `valueFrom.secretKeyRef`/`configMapKeyRef`/
 * `fieldRef`, `envFrom`). A missing Secret or ConfigMap stops the start the way a real kubelet does:
 * a volume cannot be set up (FailedMount), or a container cannot be configured
 * (CreateContainerConfigError). The kubelet retries either later.
 */
import { configMapKeys, configMapValue } from '../config-maps.js';
import type { ContainerObject, EnvVarObject, PodObject } from '../k8s-types.js';
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

/** A Secret or a ConfigMap, as far as mounting and env need one: its keys and their (decoded) values. */
interface Source {
  keys(): string[];
  value(key: string): string | undefined;
}

type SourceKind = 'secret' | 'configmap';

function sourceOf(store: ObjectStore, kind: SourceKind, namespace: string, name: string): Source | undefined {
  if (kind === 'secret') {
    const secret = store.get('secrets', objectKey(namespace, name));
    return secret === undefined ? undefined : { keys: () => Object.keys(secret.data ?? {}), value: (key) => secretValue(secret, key) };
  }
  const configMap = store.get('configmaps', objectKey(namespace, name));
  return configMap === undefined ? undefined : { keys: () => configMapKeys(configMap), value: (key) => configMapValue(configMap, key) };
}

/** Files of each Secret and ConfigMap volume, by volume name (relative path → content), or why one cannot mount. */
function sourceVolumes(store: ObjectStore, pod: PodObject): Map<string, Map<string, string>> | Failure {
  const volumes = new Map<string, Map<string, string>>();
  for (const volume of pod.spec.volumes ?? []) {
    const mounted =
      volume.secret !== undefined
        ? { kind: 'secret' as const, name: volume.secret.secretName, items: volume.secret.items, optional: volume.secret.optional }
        : volume.configMap !== undefined
          ? { kind: 'configmap' as const, name: volume.configMap.name, items: volume.configMap.items, optional: volume.configMap.optional }
          : undefined;
    if (mounted === undefined) continue;
    const source = sourceOf(store, mounted.kind, pod.metadata.namespace, mounted.name);
    const files = new Map<string, string>();
    volumes.set(volume.name, files);
    if (source === undefined) {
      if (mounted.optional === true) continue;
      return { ok: false, failure: 'FailedMount', message: `MountVolume.SetUp failed for volume "${volume.name}" : ${mounted.kind} "${mounted.name}" not found` };
    }
    const wanted = mounted.items ?? source.keys().map((key) => ({ key, path: key }));
    for (const item of wanted) {
      const value = source.value(item.key);
      if (value === undefined) {
        if (mounted.optional === true) continue;
        const what = mounted.kind === 'secret' ? `references non-existent secret key: ${item.key}` : `configmap references non-existent config key: ${item.key}`;
        return { ok: false, failure: 'FailedMount', message: `MountVolume.SetUp failed for volume "${volume.name}" : ${what}` };
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
  const reference = secretKeyRef ?? configMapKeyRef;
  if (reference !== undefined) {
    const kind: SourceKind = secretKeyRef !== undefined ? 'secret' : 'configmap';
    const source = sourceOf(store, kind, pod.metadata.namespace, reference.name);
    if (source === undefined) return reference.optional === true ? { value: undefined } : { error: `${kind} "${reference.name}" not found` };
    const value = source.value(reference.key);
    if (value === undefined) {
      const kindName = kind === 'secret' ? 'Secret' : 'ConfigMap';
      return reference.optional === true ? { value: undefined } : { error: `couldn't find key ${reference.key} in ${kindName} ${pod.metadata.namespace}/${reference.name}` };
    }
    return { value };
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

/** `envFrom`: every key of a Secret or ConfigMap (with the prefix); an error when a required one is missing. */
function envFromSources(store: ObjectStore, pod: PodObject, container: ContainerObject, env: Map<string, string>): string | undefined {
  for (const entry of container.envFrom ?? []) {
    const reference = entry.secretRef ?? entry.configMapRef;
    if (reference === undefined) continue;
    const kind: SourceKind = entry.secretRef !== undefined ? 'secret' : 'configmap';
    const source = sourceOf(store, kind, pod.metadata.namespace, reference.name);
    if (source === undefined) {
      if (reference.optional === true) continue;
      return `${kind} "${reference.name}" not found`;
    }
    for (const key of source.keys()) env.set(`${entry.prefix ?? ''}${key}`, source.value(key) ?? '');
  }
  return undefined;
}

/** Resolves every container's configuration (init containers' too), or says why the pod cannot start yet. */
export function resolvePodConfig(store: ObjectStore, pod: PodObject): PodConfig {
  const volumes = sourceVolumes(store, pod);
  if (!(volumes instanceof Map)) return volumes;
  const containers = new Map<string, ContainerConfig>();
  // Init containers are configured the same way (their names are unique among all the pod's containers).
  for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const env = new Map<string, string>();
    const fromSources = envFromSources(store, pod, container, env);
    if (fromSources !== undefined) return { ok: false, failure: 'CreateContainerConfigError', container: container.name, message: fromSources };
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
