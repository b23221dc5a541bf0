import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ClientError, rawRequest } from 'graphql-request';
import { GRAPHQL_PATH, type App } from '../../src/app.js';
import type { GatewayConfig } from '../../src/config/config.js';

/** The embedded default as `npm start` runs it, kept in `folder`: its file database, in-process bus and simulated clusters. */
export function embeddedConfig(folder: string, adminToken: string, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    database: { kind: 'embedded', file: path.join(folder, 'kda.sqlite') },
    bus: { kind: 'memory' },
    adminToken,
    secretKey: randomBytes(32).toString('base64url'),
    dataDir: folder,
    simulator: true,
    embedded: true,
    ...overrides,
  };
}

export interface GraphqlAnswer<T> {
  readonly data?: T;
  readonly errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** One GraphQL request to a running app with a bearer token: its data and errors, whatever its HTTP status. */
export async function graphqlAnswer<T>(app: App | undefined, token: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphqlAnswer<T>> {
  if (app === undefined) throw new Error('the gateway is not running');
  try {
    return { data: (await rawRequest<T>({ url: `${app.url}${GRAPHQL_PATH}`, query, variables, requestHeaders: { authorization: `Bearer ${token}` } })).data };
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    return { ...(error.response.data ? { data: error.response.data as T } : {}), ...(error.response.errors ? { errors: error.response.errors } : {}) };
  }
}
