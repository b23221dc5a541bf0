/** Discovery documents (/api, /apis, /apis/<group>[/<version>]) in the legacy format kubectl reads. */
import { resourceNames, resourceTypes } from './resources.js';

export function servedGroups(): string[] {
  return [...new Set(resourceNames.map((name) => resourceTypes[name].group).filter((group) => group !== ''))];
}

function groupDocument(group: string): Record<string, unknown> {
  const versions = [...new Set(resourceNames.filter((name) => resourceTypes[name].group === group).map((name) => resourceTypes[name].version))];
  const entries = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: entries, preferredVersion: entries[0] };
}

export function apiGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: servedGroups().map(groupDocument) };
}

export function apiGroup(group: string): Record<string, unknown> | undefined {
  if (!servedGroups().includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group) };
}

export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const names = resourceNames.filter((name) => resourceTypes[name].group === group && resourceTypes[name].version === version);
  if (names.length === 0) return undefined;
  const resources: Array<Record<string, unknown>> = [];
  for (const name of names) {
    const type = resourceTypes[name];
    resources.push({
      name,
      singularName: type.singularName,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: type.verbs,
      ...(type.shortNames.length === 0 ? {} : { shortNames: type.shortNames }),
      ...(type.categories.length === 0 ? {} : { categories: type.categories }),
    });
    for (const subresource of type.subresources) {
      resources.push({
        name: `${name}/${subresource.name}`,
        singularName: '',
        namespaced: type.namespaced,
        ...(subresource.group === undefined ? {} : { group: subresource.group }),
        ...(subresource.version === undefined ? {} : { version: subresource.version }),
        kind: subresource.kind,
        verbs: subresource.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
}
