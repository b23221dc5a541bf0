import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClientError, rawRequest } from 'graphql-request';
import { createClient, type Client } from 'graphql-ws';
import type { DataSource } from 'typeorm';
import WebSocket from 'ws';
import { createApp, GRAPHQL_PATH, type App } from '../../src/app.js';
import { DEFAULT_LIMITS, type GatewayConfig, type GatewayLimits } from '../../src/config/config.js';
import type { RateLimitSettings } from '../../src/graphql/rate-limit.js';
import { silentLogger, type Logger } from '../../src/shared/logger.js';

/** Tests seed through the API at full speed; the one rate-limit test sets its own budget. */
const UNLIMITED: RateLimitSettings = { burst: 1e9, perSecond: 1e9 };
import { createTestDatabase, type TestDatabase } from './database.js';
import { NATS_URL } from './services.js';
import { LOOPBACK_ALLOWED } from './egress.js';

export interface GraphqlResponse<T> {
  readonly status: number;
  readonly data?: T;
  readonly errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown>; path?: ReadonlyArray<string | number> }>;
}

export interface TestGateway {
  readonly url: string;
  readonly graphqlUrl: string;
  readonly adminToken: string;
  readonly database: TestDatabase;
  /** The gateway's own database connection pool (e.g. to read its statement counters). */
  readonly dataSource: DataSource;
  /** POSTs a GraphQL request; `token: null` sends none. */
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphqlResponse<T>>;
  /** A graphql-ws client; `authorization: null` sends no connection params. */
  websocket(authorization?: string | null): Client;
  stop(): Promise<void>;
}

/** Parts of the configuration a test replaces; `limits` are merged over the defaults. */
export type TestGatewayOverrides = Omit<Partial<GatewayConfig>, 'limits'> & { readonly limits?: Partial<GatewayLimits> };

/**
 * The whole gateway against real MariaDB and NATS, on a random port, with a database of its own.
 * `overrides` replace parts of the configuration (e.g. `jwt`); `connectionLimit` sizes its database pool.
 */
export async function startTestGateway(
  { limits, ...overrides }: TestGatewayOverrides = {},
  options: {
    readonly connectionLimit?: number;
    readonly rateLimit?: RateLimitSettings;
    readonly logger?: Logger;
    /** A database other gateways share (replicas): used as it is, and left for its owner to drop. */
    readonly database?: TestDatabase;
  } = {},
): Promise<TestGateway> {
  const ownsDatabase = options.database === undefined;
  const database = options.database ?? (await createTestDatabase());
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kda-test-'));
  const adminToken = `test-admin-${randomBytes(12).toString('hex')}`;
  const config: GatewayConfig = {
    host: '127.0.0.1',
    port: 0,
    database: { kind: 'mysql', url: database.url, ...(options.connectionLimit !== undefined ? { connectionLimit: options.connectionLimit } : {}) },
    bus: { kind: 'nats', url: NATS_URL },
    adminToken,
    secretKey: randomBytes(32).toString('base64url'),
    dataDir,
    simulator: false,
    embedded: false,
    // The simulated clusters and test registries listen on loopback; the egress tests override this.
    outbound: { allowKubeconfigFiles: false, allowKubeconfigProxy: false, allowInsecureClusters: false, egressAllow: LOOPBACK_ALLOWED },
    ...overrides,
    // Nor does their query cost run out: the cost budget has its own test.
    limits: { ...DEFAULT_LIMITS, rateLimit: options.rateLimit ?? UNLIMITED, costPerSecond: 1e9, ...limits },
  };
  let app: App;
  let dataSource: DataSource | undefined;
  try {
    app = await createApp(config, { logger: options.logger ?? silentLogger, credentialRecheckMs: 200, onDatabaseOpen: (opened) => (dataSource = opened) });
  } catch (error) {
    if (ownsDatabase) await database.drop();
    throw error;
  }
  if (dataSource === undefined) throw new Error('the gateway opened no database');
  const graphqlUrl = `${app.url}${GRAPHQL_PATH}`;
  const clients: Client[] = [];
  return {
    url: app.url,
    graphqlUrl,
    adminToken,
    database,
    dataSource,
    async request<T>(query: string, variables: Record<string, unknown> = {}, token: string | null = adminToken) {
      const headers = token === null ? {} : { authorization: `Bearer ${token}` };
      try {
        const response = await rawRequest<T>({ url: graphqlUrl, query, variables, requestHeaders: headers });
        return { status: response.status, data: response.data };
      } catch (error) {
        if (!(error instanceof ClientError)) throw error;
        const { status, data, errors } = error.response;
        return { status, ...(data ? { data: data as T } : {}), ...(errors ? { errors } : {}) };
      }
    },
    websocket(authorization = `Bearer ${adminToken}`) {
      const client = createClient({
        url: graphqlUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        ...(authorization === null ? {} : { connectionParams: { authorization } }),
      });
      clients.push(client);
      return client;
    },
    async stop() {
      // The gateway first, as in production: its clients see it go away (1001), then let go.
      await app.stop();
      await Promise.all(clients.map(async (client) => client.dispose()));
      if (ownsDatabase) await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
