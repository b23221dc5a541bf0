import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit, type DocumentNode } from 'graphql';

/** Any `__schema` or `__type` in the document, fragments included (conservative: the whole document). */
function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

/**
 * The schema is the map of everything the gateway can reach: only a caller with credentials may
 * read it (`__schema`, `__type`). `__typename` stays free. The embedded default, on a developer's
 * machine, lets anyone look.
 */
export function introspectionGuardPlugin<Context extends { readonly principal: unknown }>(options: { readonly allowAnonymous: boolean }): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document }) {
          if (options.allowAnonymous || contextValue.principal !== null) return;
          if (introspects(document)) {
            throw new GraphQLError('Introspection needs credentials: send Authorization: Bearer <token>', { extensions: { code: 'UNAUTHENTICATED' } });
          }
        },
      };
    },
  };
}
