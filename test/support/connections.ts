/** A connection as the tests read it back. */
export interface Connection<N> {
  readonly totalCount?: number;
  readonly edges: ReadonlyArray<{ readonly cursor?: string; readonly node: N }>;
  readonly pageInfo?: { readonly hasNextPage: boolean; readonly hasPreviousPage: boolean; readonly startCursor: string | null; readonly endCursor: string | null };
}

/** The nodes of one page, in order. */
export function nodesOf<N>(connection: Connection<N> | null | undefined): N[] {
  return connection === null || connection === undefined ? [] : connection.edges.map((edge) => edge.node);
}
