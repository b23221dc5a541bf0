/**
 * The PATCH flavours the apiserver accepts: JSON merge patch (RFC 7386), strategic merge patch
 * (merge patch, plus lists of named items such as containers merged by name), JSON patch (RFC
 * 6902) and server-side apply (here: the applied manifest merged over the live object).
 */
import { badRequest, ApiError } from './api-errors.js';

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType {
  const type = (contentType ?? '').split(';')[0]?.trim();
  switch (type) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/json-patch+json':
      return 'json';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply';
    default:
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function namedList(value: unknown): value is Array<Record<string, unknown> & { name: string }> {
  return Array.isArray(value) && value.every((entry) => isObject(entry) && typeof entry['name'] === 'string');
}

/** RFC 7386; with `byName`, lists whose items all have a name are merged item by item. */
export function mergePatch(target: unknown, patch: unknown, byName = false): unknown {
  if (!isObject(patch)) {
    if (byName && namedList(patch) && namedList(target)) {
      const merged = target.map((entry) => structuredClone(entry));
      for (const item of patch) {
        if (item['$patch'] === 'delete') {
          const index = merged.findIndex((entry) => entry.name === item.name);
          if (index >= 0) merged.splice(index, 1);
          continue;
        }
        const index = merged.findIndex((entry) => entry.name === item.name);
        if (index >= 0) merged[index] = mergePatch(merged[index], item, true) as Record<string, unknown> & { name: string };
        else merged.push(structuredClone(item));
      }
      return merged;
    }
    return structuredClone(patch);
  }
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key.startsWith('$setElementOrder') || key.startsWith('$retainKeys') || key.startsWith('$deleteFromPrimitiveList')) continue;
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value, byName);
  }
  return result;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`the JSON patch path ${JSON.stringify(path)} is not a JSON pointer`);
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(document: unknown, parts: string[], path: string): { parent: Record<string, unknown> | unknown[]; last: string } {
  let current: unknown = document;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(part)];
    else if (isObject(current)) current = current[part];
    else current = undefined;
    if (current === undefined) throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: "${path}"`);
  }
  if (!Array.isArray(current) && !isObject(current)) throw new ApiError(422, 'Invalid', `doc is missing path: "${path}"`);
  return { parent: current, last: parts.at(-1) ?? '' };
}

/** RFC 6902 add/remove/replace/test/copy/move. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw badRequest('a JSON patch must be an array of operations');
  let document = structuredClone(target);
  for (const raw of operations) {
    if (!isObject(raw) || typeof raw['op'] !== 'string' || typeof raw['path'] !== 'string') throw badRequest('each JSON patch operation needs "op" and "path"');
    const { op, path } = raw as { op: string; path: string };
    const parts = pointer(path);
    const read = (at: string): unknown => {
      const { parent, last } = parentOf(document, pointer(at), at);
      return Array.isArray(parent) ? parent[Number(last)] : parent[last];
    };
    const write = (value: unknown): void => {
      if (parts.length === 0) {
        document = value;
        return;
      }
      const { parent, last } = parentOf(document, parts, path);
      if (Array.isArray(parent)) {
        if (last === '-') parent.push(value);
        else if (op === 'replace') parent[Number(last)] = value;
        else parent.splice(Number(last), 0, value);
      } else {
        parent[last] = value;
      }
    };
    const remove = (): void => {
      const { parent, last } = parentOf(document, parts, path);
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else if (Object.hasOwn(parent, last)) delete parent[last];
      else throw new ApiError(422, 'Invalid', `unable to remove nonexistent key: ${last}: missing value`);
    };
    switch (op) {
      case 'add':
      case 'replace':
        if (op === 'replace') read(path);
        write(structuredClone(raw['value']));
        break;
      case 'remove':
        remove();
        break;
      case 'test':
        if (JSON.stringify(read(path)) !== JSON.stringify(raw['value'])) throw new ApiError(422, 'Invalid', `testing value ${path} failed`);
        break;
      case 'copy':
      case 'move': {
        const from = typeof raw['from'] === 'string' ? raw['from'] : '';
        const value = structuredClone(read(from));
        if (op === 'move') {
          const { parent, last } = parentOf(document, pointer(from), from);
          if (Array.isArray(parent)) parent.splice(Number(last), 1);
          else delete parent[last];
        }
        write(value);
        break;
      }
      default:
        throw badRequest(`unexpected JSON patch operation ${JSON.stringify(op)}`);
    }
  }
  return document;
}

export function applyPatch(type: PatchType, target: unknown, patch: unknown): unknown {
  switch (type) {
    case 'merge':
      return mergePatch(target, patch, false);
    case 'strategic':
    case 'apply':
      return mergePatch(target, patch, true);
    case 'json':
      return jsonPatch(target, patch);
  }
}
