import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { GraphQLClient } from 'graphql-request';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface KdaClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  readonly url: string;
  /** An API token (`createApiToken`), a JWT, or the bootstrap admin token. */
  readonly token: string;
}

/**
 * A typed client for KDA Gateway: queries and mutations over HTTP with graphql-request, live
 * subscriptions over graphql-ws, both typed by the documents GraphQL Code Generator made from the
 * gateway's schema (see generated/graphql.ts).
 */
export class KdaClient {
  private readonly http: GraphQLClient;
  private readonly live: Client;

  constructor(options: KdaClientOptions) {
    const authorization = `Bearer ${options.token}`;
    this.http = new GraphQLClient(options.url, { headers: { authorization } });
    this.live = createClient({
      url: options.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      lazy: true,
      retryAttempts: 0,
    });
  }

  /** A query or a mutation; GraphQL errors reject with graphql-request's ClientError. */
  request<Result, Variables extends Record<string, unknown>>(document: TypedDocumentNode<Result, Variables>, variables?: Variables): Promise<Result> {
    return this.http.request<Result>({ document, ...(variables === undefined ? {} : { variables }) });
  }

  /**
   * A subscription as an async iterator of its events. Breaking out of the loop unsubscribes; a
   * GraphQL error or a closed socket is thrown from the loop.
   */
  async *subscribe<Result, Variables extends Record<string, unknown>>(document: TypedDocumentNode<Result, Variables>, variables: Variables): AsyncGenerator<Result> {
    const events = this.live.iterate<Result, Variables>({ query: print(document), variables });
    for await (const event of events) {
      if (event.errors !== undefined && event.errors.length > 0) throw new Error(event.errors.map((error) => error.message).join('; '));
      if (event.data !== undefined && event.data !== null) yield event.data;
    }
  }

  async close(): Promise<void> {
    await this.live.dispose();
  }
}
