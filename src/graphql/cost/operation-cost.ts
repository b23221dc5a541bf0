import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fieldCostOf } from './field-cost.js';

/**
 * What an operation may cost before it runs. Every field that resolves an object costs one; a list
 * multiplies what is selected under it by how many items it can hold: a connection by the page
 * asked for (`first`/`last`, else the default page), a plain list by what the gateway knows of it
 * (the number of clusters, say) or the ids given. So nesting multiplies, as it does in execution,
 * and six aliases of one heavy field cost six times its price. Scalars are free, except fields that
 * say otherwise (a registry call, for instance).
 */
export interface CostEstimateOptions {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operationName?: string | null | undefined;
  readonly variables?: Readonly<Record<string, unknown>> | null | undefined;
  /** Items of a connection page when neither `first` nor `last` is given. */
  readonly defaultPageSize: number;
  /** The largest page: what an unreadable `first`/`last` is assumed to ask for. */
  readonly maxPageSize: number;
  /** Items a plain list of the given field holds at most (e.g. `Query.clusters`: the clusters known); undefined for the default. */
  readonly listSizeOf?: (typeName: string, fieldName: string) => number | undefined;
}

/** A plain list the gateway knows nothing about (a pod's containers, a node's conditions). */
export const DEFAULT_LIST_SIZE = 10;

interface Walk {
  readonly options: CostEstimateOptions;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Record<string, unknown>;
}

export function estimateOperationCost(options: CostEstimateOptions): number {
  const operation = selectOperation(options.document, options.operationName);
  if (operation === undefined) return 0;
  const root = rootTypeOf(options.schema, operation);
  if (root === undefined) return 0;
  const fragments = new Map(
    options.document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  return selectionCost({ options, fragments, variables: { ...(options.variables ?? {}) } }, root, operation.selectionSet, 1, new Set());
}

function selectOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

function rootTypeOf(schema: GraphQLSchema, operation: OperationDefinitionNode) {
  return schema.getRootType(operation.operation) ?? undefined;
}

/**
 * `pageSize` is the item count of the connection this selection set belongs to (1 elsewhere): its
 * `edges` and `nodes` hold that many items.
 */
function selectionCost(walk: Walk, parent: GraphQLCompositeType, selectionSet: SelectionSetNode, pageSize: number, visiting: Set<string>): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      total += fieldCost(walk, parent, selection, pageSize, visiting);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const typed = selection.typeCondition ? walk.options.schema.getType(selection.typeCondition.name.value) : parent;
      // On an abstract parent the fragments of each possible type add up: an overestimate, never an under.
      if (typed !== undefined && isCompositeType(typed)) total += selectionCost(walk, typed, selection.selectionSet, pageSize, visiting);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      // Cycles are refused by validation before this runs; guard anyway.
      if (fragment === undefined || visiting.has(name)) continue;
      const typed = walk.options.schema.getType(fragment.typeCondition.name.value);
      if (typed === undefined || !isCompositeType(typed)) continue;
      visiting.add(name);
      total += selectionCost(walk, typed, fragment.selectionSet, pageSize, visiting);
      visiting.delete(name);
    }
  }
  return total;
}

function fieldCost(walk: Walk, parent: GraphQLCompositeType, node: FieldNode, pageSize: number, visiting: Set<string>): number {
  // Unions have no fields of their own (only __typename, which is free).
  if (node.name.value.startsWith('__') || !('getFields' in parent)) return 0;
  const field = parent.getFields()[node.name.value];
  if (field === undefined) return 0;
  const declared = fieldCostOf(field);
  const returned = getNullableType(field.type);
  const named = getNamedType(field.type);
  const items = isListType(returned) ? listSize(walk, parent.name, field, node, pageSize) : 1;
  if (!isCompositeType(named) || node.selectionSet === undefined) return declared.weight + items * declared.perItem;
  // A connection's items are its page; `perItem` is paid for each of them.
  const page = isConnection(named) ? connectionPageSize(walk, field, node) : 1;
  const perParent = 1 + declared.perItem * (isConnection(named) ? page : 1) + selectionCost(walk, named, node.selectionSet, page, visiting);
  return declared.weight + items * perParent;
}

function isConnection(type: GraphQLCompositeType): boolean {
  return type.name.endsWith('Connection') && 'getFields' in type && 'edges' in type.getFields();
}

function listSize(walk: Walk, parentName: string, field: GraphQLField<unknown, unknown>, node: FieldNode, pageSize: number): number {
  // The `edges`/`nodes` of a connection hold one page.
  if (parentName.endsWith('Connection')) return pageSize;
  const idsArgument = field.args.find((argument) => argument.name === 'ids');
  if (idsArgument !== undefined) {
    const ids = argumentsOf(walk, field, node)?.ids;
    return Array.isArray(ids) ? ids.length : walk.options.maxPageSize;
  }
  return walk.options.listSizeOf?.(parentName, field.name) ?? DEFAULT_LIST_SIZE;
}

function connectionPageSize(walk: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode): number {
  const args = argumentsOf(walk, field, node);
  if (args === undefined) return walk.options.maxPageSize;
  const asked = [args.first, args.last].find((value): value is number => typeof value === 'number');
  // A page too large is refused by the field itself; what can run is at most the maximum page.
  return asked === undefined ? walk.options.defaultPageSize : Math.max(0, Math.min(asked, walk.options.maxPageSize));
}

function argumentsOf(walk: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> | undefined {
  try {
    return getArgumentValues(field, node, walk.variables);
  } catch {
    // Arguments that do not coerce fail execution anyway; until then assume the worst.
    return undefined;
  }
}
