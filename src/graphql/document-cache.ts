import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';

/** A document ready to run, or the errors that refuse it (what the websocket's onSubscribe answers). */
export type CheckedDocument = { readonly document: DocumentNode } | { readonly errors: readonly GraphQLError[] };

/** Longer texts are checked each time: the cache holds at most `maxEntries` × this many characters. */
const MAX_CACHED_QUERY_LENGTH = 16_384;

/**
 * Parsed and validated documents by their text. Validation is the dearest part of a subscribe
 * (about 2 ms for a dashboard's podEvents), and a dashboard opened by thousands of viewers sends
 * the same text each time; the schema and the rules never change while the process runs, so the
 * outcome for a text never does either. Bounded: the oldest entry goes first.
 */
export class CheckedDocuments {
  private readonly entries = new Map<string, CheckedDocument>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly maxEntries = 500,
  ) {}

  check(query: string): CheckedDocument {
    const cached = this.entries.get(query);
    if (cached !== undefined) return cached;
    const checked = this.checkAnew(query);
    if (query.length <= MAX_CACHED_QUERY_LENGTH) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(query, checked);
    }
    return checked;
  }

  private checkAnew(query: string): CheckedDocument {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
    }
    const errors = validate(this.schema, document, this.rules);
    if (errors.length === 0) return { document };
    return {
      errors: errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes ?? null, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions } })),
    };
  }
}
