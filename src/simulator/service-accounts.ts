/**
 * core/v1 ServiceAccounts as the apiserver stores them: `imagePullSecrets` and `secrets` checked to
 * name objects, `automountServiceAccountToken` a boolean. No token controller runs.
 */
import type { ObjectMeta } from './k8s-types.js';
import type { ManifestError } from './manifests.js';
import type { ServiceAccountObject } from './object-types.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function namedList(value: unknown, field: string, invalid: (message: string) => ManifestError): Array<{ name: string }> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid(`${field}: Invalid value: must be a list`);
  return value.map((entry, index) => {
    if (!isObject(entry) || typeof entry['name'] !== 'string' || entry['name'] === '') throw invalid(`${field}[${index}].name: Required value`);
    return structuredClone(entry) as { name: string };
  });
}

/** The stored ServiceAccount for a manifest; `metadata` comes from newMetadata. */
export function buildServiceAccount(body: Json, metadata: ObjectMeta & { namespace: string }, invalid: (message: string) => ManifestError): ServiceAccountObject {
  const automount = body['automountServiceAccountToken'];
  if (automount !== undefined && automount !== null && typeof automount !== 'boolean') {
    throw invalid(`automountServiceAccountToken: Invalid value: ${JSON.stringify(automount)}: must be true or false`);
  }
  const imagePullSecrets = namedList(body['imagePullSecrets'], 'imagePullSecrets', invalid);
  const secrets = namedList(body['secrets'], 'secrets', invalid);
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata,
    ...(typeof automount === 'boolean' ? { automountServiceAccountToken: automount } : {}),
    ...(imagePullSecrets === undefined || imagePullSecrets.length === 0 ? {} : { imagePullSecrets }),
    ...(secrets === undefined || secrets.length === 0 ? {} : { secrets }),
  };
}
