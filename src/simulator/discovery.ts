/** Discovery documents (/api, /apis, /apis/<group>[/<version>]) in the legacy format kubectl reads. */
import { resourceNames, resourceTypes, type ResourceName } from './resources.js';

/** Which resources this cluster serves: all of them, unless a CRD is left out (a cluster without Trivy Operator). */
export type Served = (name: ResourceName) => boolean;

const ALL: Served = () => true;

export function servedGroups(served: Served = ALL): string[] {
  return [
    ...new Set(
      resourceNames
        .filter(served)
        .map((name) => resourceTypes[name].group)
        .filter((group) => group !== ''),
    ),
  ];
}

function groupDocument(group: string, served: Served): Record<string, unknown> {
  const versions = [...new Set(resourceNames.filter((name) => served(name) && resourceTypes[name].group === group).map((name) => resourceTypes[name].version))];
  const entries = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: entries, preferredVersion: entries[0] };
}

export function apiGroupList(served: Served = ALL): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: servedGroups(served).map((group) => groupDocument(group, served)) };
}

export function apiGroup(group: string, served: Served = ALL): Record<string, unknown> | undefined {
  if (!servedGroups(served).includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group, served) };
}

export function apiResourceList(group: string, version: string, served: Served = ALL): Record<string, unknown> | undefined {
  const names = resourceNames.filter((name) => served(name) && resourceTypes[name].group === group && resourceTypes[name].version === version);
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
