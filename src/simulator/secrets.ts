/**
 * core/v1 Secrets as the apiserver stores them: `stringData` folded into base64 `data` on write,
 * keys and values checked, the well-known types' required keys enforced, `type` immutable.
 */
import type { ObjectMeta } from './k8s-types.js';
import { ManifestError } from './manifests.js';
import type { SecretObject } from './object-types.js';

type Json = Record<string, unknown>;

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';
const KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** The apiserver's limit on a Secret's total data. */
const MAX_BYTES = 1024 * 1024;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A body the apiserver cannot even decode is a 400, worded as its decoder words it. */
function undecodable(detail: string): ManifestError {
  return new ManifestError(`Secret in version "v1" cannot be handled as a Secret: ${detail}`, 400, 'BadRequest');
}

function decodedData(body: Json): Record<string, string> {
  const data: Record<string, string> = {};
  const raw = body['data'];
  if (raw !== undefined && raw !== null) {
    if (!isObject(raw)) throw undecodable('json: cannot unmarshal data into Go struct field Secret.data of type map[string][]uint8');
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value !== 'string') throw undecodable(`json: cannot unmarshal ${typeof value} into Go struct field Secret.data of type []uint8`);
      const compact = value.replace(/[\r\n]/g, '');
      if (!BASE64.test(compact)) throw undecodable(`illegal base64 data in data[${key}]`);
      data[key] = compact;
    }
  }
  const strings = body['stringData'];
  if (strings !== undefined && strings !== null) {
    if (!isObject(strings)) throw undecodable('json: cannot unmarshal stringData into Go struct field Secret.stringData of type map[string]string');
    // As in the apiserver, stringData wins over data for the same key, and is never stored itself.
    for (const [key, value] of Object.entries(strings)) {
      if (typeof value !== 'string') throw undecodable(`json: cannot unmarshal ${typeof value} into Go struct field Secret.stringData of type string`);
      data[key] = Buffer.from(value, 'utf8').toString('base64');
    }
  }
  return data;
}

function validate(type: string, data: Record<string, string>, invalid: (message: string) => ManifestError): void {
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    if (!KEY.test(key)) {
      throw invalid(
        `data[${key}]: Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      );
    }
    total += Buffer.from(value, 'base64').length;
  }
  if (total > MAX_BYTES) throw invalid(`data: Too long: must have at most ${MAX_BYTES} bytes`);
  if (type === DOCKER_CONFIG_JSON_TYPE) {
    const config = data[DOCKER_CONFIG_JSON_KEY];
    if (config === undefined) throw invalid(`data[${DOCKER_CONFIG_JSON_KEY}]: Required value`);
    try {
      JSON.parse(Buffer.from(config, 'base64').toString('utf8'));
    } catch (error) {
      throw invalid(`data[${DOCKER_CONFIG_JSON_KEY}]: Invalid value: "<secret contents redacted>": ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (type === 'kubernetes.io/basic-auth' && data['username'] === undefined && data['password'] === undefined) {
    throw invalid('data[username]: Required value: either username or password or both must be provided');
  }
}

/** The stored Secret for a POSTed (or PUT/patched) manifest. `current` is the stored one on updates. */
export function buildSecret(body: Json, metadata: ObjectMeta & { namespace: string }, invalid: (message: string) => ManifestError, current?: SecretObject): SecretObject {
  const rawType = body['type'];
  if (rawType !== undefined && rawType !== null && typeof rawType !== 'string') throw undecodable('json: cannot unmarshal type into Go struct field Secret.type of type string');
  const type = typeof rawType === 'string' && rawType !== '' ? rawType : (current?.type ?? 'Opaque');
  const data = decodedData(body);
  if (current !== undefined) {
    if (type !== current.type) throw invalid(`type: Invalid value: "${type}": field is immutable`);
    if (current.immutable === true) {
      if (JSON.stringify(data) !== JSON.stringify(current.data ?? {})) throw invalid('data: Forbidden: field is immutable when `immutable` is set');
      if (body['immutable'] !== true) throw invalid('immutable: Forbidden: field is immutable when `immutable` is set');
    }
  }
  validate(type, data, invalid);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata,
    type,
    ...(Object.keys(data).length === 0 ? {} : { data }),
    ...(body['immutable'] === true ? { immutable: true } : {}),
  };
}

/** A Secret's value for `key`, decoded; undefined when the key is absent. */
export function secretValue(secret: SecretObject, key: string): string | undefined {
  const value = secret.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}
