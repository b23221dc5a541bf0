/** What the simulator knows about each resource type it serves: names for discovery, scope, fields. */
import type { KubeObject, NamespaceObject, NodeObject, PodObject } from './k8s-types.js';

export type ResourceName = 'nodes' | 'namespaces' | 'pods';

export interface ResourceType {
  readonly name: ResourceName;
  readonly singularName: string;
  readonly kind: KubeObject['kind'];
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly verbs: readonly string[];
  readonly fieldNames: ReadonlySet<string>;
  /** The values field selectors see; only the fields listed in `fieldNames`. */
  fieldsOf(object: KubeObject): Record<string, string>;
}

export const resourceTypes: Readonly<Record<ResourceName, ResourceType>> = {
  nodes: {
    name: 'nodes',
    singularName: 'node',
    kind: 'Node',
    listKind: 'NodeList',
    namespaced: false,
    shortNames: ['no'],
    verbs: ['get', 'list', 'watch'],
    fieldNames: new Set(['metadata.name', 'spec.unschedulable']),
    fieldsOf: (object) => ({
      'metadata.name': object.metadata.name,
      'spec.unschedulable': String((object as NodeObject).spec.unschedulable === true),
    }),
  },
  namespaces: {
    name: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['get', 'list', 'watch'],
    fieldNames: new Set(['metadata.name', 'status.phase']),
    fieldsOf: (object) => ({
      'metadata.name': object.metadata.name,
      'status.phase': (object as NamespaceObject).status.phase,
    }),
  },
  pods: {
    name: 'pods',
    singularName: 'pod',
    kind: 'Pod',
    listKind: 'PodList',
    namespaced: true,
    shortNames: ['po'],
    verbs: ['create', 'delete', 'get', 'list', 'watch'],
    fieldNames: new Set(['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase', 'status.podIP']),
    fieldsOf: (object) => {
      const pod = object as PodObject;
      return {
        'metadata.name': pod.metadata.name,
        'metadata.namespace': pod.metadata.namespace,
        'spec.nodeName': pod.spec.nodeName ?? '',
        'status.phase': pod.status.phase,
        'status.podIP': pod.status.podIP ?? '',
      };
    },
  },
};

export function isResourceName(value: string): value is ResourceName {
  return Object.hasOwn(resourceTypes, value);
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}
