/**
 * The "bare graphql-js" baseline of the query scenario: a plain node:http server executing the
 * request with graphql-js `execute` on the gateway's own SDL (schema/schema.graphql), over the same
 * clusters and pods the gateway serves (read from the gateway once), with parse + validate cached
 * per document. No auth, limits, telemetry or context: the least any GraphQL server must spend.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, GraphQLError, parse, validate, type DocumentNode, type ExecutionResult } from 'graphql';

/** One pod as the gateway answered it (every field any benchmark query selects). */
export type BarePod = Readonly<Record<string, unknown>>;

/** One cluster as the gateway answered it, with its pods in the gateway's order. */
export interface BareCluster {
  readonly id: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly totalPods: number;
  readonly pods: readonly BarePod[];
}

/** The query the gateway is asked once to fill the baseline: every field the benchmark queries read. */
export const SOURCE_QUERY = `{
  clusters { id name status region provider podCount
    pods(first: 500) { totalCount edges { node { id name namespace phase ready restarts nodeName labels containers { name image ready } } } } }
}`;

export interface SourceAnswer {
  readonly clusters: ReadonlyArray<Record<string, unknown> & { id: string; pods: { totalCount: number; edges: Array<{ node: BarePod }> } }>;
}

export function bareClustersOf(answer: SourceAnswer): BareCluster[] {
  return answer.clusters.map(({ pods, ...fields }) => ({ id: fields.id, fields, totalPods: pods.totalCount, pods: pods.edges.map((edge) => edge.node) }));
}

/** A cluster object for graphql-js' default resolvers: plain fields, `pods` a function of its arguments. */
function clusterValue(cluster: BareCluster): Record<string, unknown> {
  return {
    ...cluster.fields,
    pods: ({ first }: { first?: number | null }) => {
      const page = cluster.pods.slice(0, first ?? 50);
      return { totalCount: cluster.totalPods, edges: page.map((node) => ({ node })), pageInfo: { hasNextPage: page.length < cluster.totalPods } };
    },
  };
}

export interface BareServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startBareGraphqlServer(clusters: readonly BareCluster[], sdlFile = 'schema/schema.graphql'): Promise<BareServer> {
  const schema = buildSchema(await readFile(sdlFile, 'utf8'));
  const values = clusters.map(clusterValue);
  const rootValue = {
    clusters: () => values,
    cluster: ({ id }: { id: string }) => values.find((cluster) => cluster.id === id) ?? null,
  };
  const documents = new Map<string, { document: DocumentNode } | { errors: readonly GraphQLError[] }>();
  const prepared = (query: string) => {
    let entry = documents.get(query);
    if (entry === undefined) {
      try {
        const document = parse(query);
        const errors = validate(schema, document);
        entry = errors.length > 0 ? { errors } : { document };
      } catch (error) {
        entry = { errors: [error as GraphQLError] };
      }
      documents.set(query, entry);
    }
    return entry;
  };
  const send = (response: ServerResponse, status: number, result: ExecutionResult) => {
    const body = JSON.stringify(result);
    response.writeHead(status, { 'content-type': 'application/graphql-response+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        query: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      const entry = prepared(query);
      if ('errors' in entry) return send(response, 400, { errors: entry.errors });
      const result = execute({ schema, document: entry.document, rootValue, variableValues: variables ?? null, operationName: operationName ?? null });
      if (result instanceof Promise) {
        result.then(
          (settled) => send(response, 200, settled),
          (error: unknown) => send(response, 500, { errors: [new GraphQLError(String(error))] }),
        );
      } else {
        send(response, 200, result);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
