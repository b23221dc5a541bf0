import { GraphQLError, Kind, type ASTNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';

export interface QueryLimits {
  /** Deepest selection nesting allowed (fragments expanded). */
  readonly maxQueryDepth: number;
  /** Aliased fields allowed in one document; aliases multiply the cost of one field. */
  readonly maxAliases: number;
}

function limitError(message: string, node: ASTNode): GraphQLError {
  return new GraphQLError(message, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
}

function depthOf(selectionSet: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, visiting: Set<string>): number {
  if (selectionSet === undefined) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, fragments, visiting));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // Cycles are reported by graphql's own NoFragmentCycles rule.
      if (fragment === undefined || visiting.has(name)) continue;
      visiting.add(name);
      deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, visiting));
      visiting.delete(name);
    }
  }
  return deepest;
}

/** Validation rules applied on HTTP (Apollo) and websocket (graphql-ws) alike. */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const depthRule: ValidationRule = (context: ValidationContext) => {
    const document = context.getDocument();
    const fragments = new Map(
      document.definitions
        .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
        .map((fragment) => [fragment.name.value, fragment]),
    );
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const depth = depthOf(definition.selectionSet, fragments, new Set());
      if (depth > limits.maxQueryDepth) context.reportError(limitError(`Query is ${depth} levels deep; at most ${limits.maxQueryDepth} are allowed`, definition));
    }
    return {};
  };
  const aliasRule: ValidationRule = (context: ValidationContext) => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias === undefined) return;
        aliases += 1;
        if (aliases === limits.maxAliases + 1) context.reportError(limitError(`Query uses more than ${limits.maxAliases} aliases`, node));
      },
    };
  };
  return [depthRule, aliasRule];
}
