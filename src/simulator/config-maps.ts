/**
 * core/v1 ConfigMaps as the apiserver stores them: string `data` and base64 `binaryData` with keys
 * checked (and not in both), at most 1 MiB, and no change to either once `immutable` is set.
 */
import type { ObjectMeta } from './k8s-types.js';
import { ManifestError } from './manifests.js';
import type { ConfigMapObject } from './object-types.js';

type Json = Record<string, unknown>;

const KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_BYTES = 1024 * 1024;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function undecodable(detail: string): ManifestError {
  return new ManifestError(`ConfigMap in version "v1" cannot be handled as a ConfigMap: ${detail}`, 400, 'BadRequest');
}

function entries(body: Json, field: 'data' | 'binaryData', invalid: (message: string) => ManifestError): Record<string, string> | undefined {
  const raw = body[field];
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw undecodable(`json: cannot unmarshal ${field} into Go struct field ConfigMap.${field} of type map[string]${field === 'data' ? 'string' : '[]uint8'}`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') throw undecodable(`json: cannot unmarshal ${typeof value} into Go struct field ConfigMap.${field} of type string`);
    if (!KEY.test(key)) {
      throw invalid(
        `${field}[${key}]: Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      );
    }
    if (field === 'binaryData' && !BASE64.test(value.replace(/[\r\n]/g, ''))) throw undecodable(`illegal base64 data in binaryData[${key}]`);
    out[key] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The stored ConfigMap for a manifest; `current` is the stored one on updates. */
export function buildConfigMap(body: Json, metadata: ObjectMeta & { namespace: string }, invalid: (message: string) => ManifestError, current?: ConfigMapObject): ConfigMapObject {
  const data = entries(body, 'data', invalid);
  const binaryData = entries(body, 'binaryData', invalid);
  for (const key of Object.keys(data ?? {})) if (binaryData?.[key] !== undefined) throw invalid(`data[${key}]: Invalid value: "${key}": duplicate of key present in binaryData`);
  const size =
    Object.values(data ?? {}).reduce((sum, value) => sum + Buffer.byteLength(value), 0) +
    Object.values(binaryData ?? {}).reduce((sum, value) => sum + Buffer.from(value, 'base64').length, 0);
  if (size > MAX_BYTES) throw invalid(`[]: Too long: must have at most ${MAX_BYTES} bytes`);
  if (current?.immutable === true) {
    if (JSON.stringify(data ?? {}) !== JSON.stringify(current.data ?? {}) || JSON.stringify(binaryData ?? {}) !== JSON.stringify(current.binaryData ?? {})) {
      throw invalid('data: Forbidden: field is immutable when `immutable` is set');
    }
    if (body['immutable'] !== true) throw invalid('immutable: Forbidden: field is immutable when `immutable` is set');
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata,
    ...(data === undefined ? {} : { data }),
    ...(binaryData === undefined ? {} : { binaryData }),
    ...(body['immutable'] === true ? { immutable: true } : {}),
  };
}

/** A ConfigMap's value for `key` (binaryData decoded); undefined when absent. */
export function configMapValue(configMap: ConfigMapObject, key: string): string | undefined {
  const text = configMap.data?.[key];
  if (text !== undefined) return text;
  const binary = configMap.binaryData?.[key];
  return binary === undefined ? undefined : Buffer.from(binary, 'base64').toString('utf8');
}

export function configMapKeys(configMap: ConfigMapObject): string[] {
  return [...Object.keys(configMap.data ?? {}), ...Object.keys(configMap.binaryData ?? {})];
}
