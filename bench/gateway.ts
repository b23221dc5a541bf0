/**
 * The real gateway (createApp) in embedded-like mode for the benchmark: SQLite in a temporary
 * file, in-process or NATS bus, no built-in simulated clusters. Each scenario starts its own.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, GRAPHQL_PATH } from '../src/app.js';
import type { DataSource } from 'typeorm';
import { DEFAULT_LIMITS, type BusConfig, type DatabaseConfig, type GatewayConfig, type GatewayLimits } from '../src/config/config.js';
import { silentLogger } from '../src/shared/logger.js';
import type { SimulatedCluster } from '../src/simulator/index.js';
import { waitUntil } from './support.js';

export const NATS_URL = 'nats://127.0.0.1:4222';

export interface GraphqlResult<T> {
  readonly data?: T;
  readonly errors?: ReadonlyArray<{ message: string }>;
}

export interface BenchGateway {
  readonly graphqlUrl: string;
  readonly websocketUrl: string;
  readonly adminToken: string;
  readonly busKind: BusConfig['kind'];
  request<T>(query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>>;
  /** Sum of a gauge on /metrics over its label sets (0 when absent). */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

export interface BenchGatewayOptions {
  /** An embedded database prepared beforehand (removed with the gateway, as a fresh one is). */
  readonly dataDir?: string;
  readonly limits?: Partial<GatewayLimits>;
  /** Another database than the embedded file (e.g. MariaDB for statement counts). */
  readonly database?: DatabaseConfig;
  readonly onDatabaseOpen?: (dataSource: DataSource) => void;
  readonly maxPageSize?: number;
}

export async function startBenchGateway(bus: BusConfig, options: BenchGatewayOptions = {}): Promise<BenchGateway> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'kda-bench-')));
  const adminToken = `bench-admin-${randomBytes(12).toString('hex')}`;
  const config: GatewayConfig = {
    host: '127.0.0.1',
    port: 0,
    database: options.database ?? { kind: 'embedded', file: path.join(dataDir, 'kda.sqlite') },
    bus,
    adminToken,
    secretKey: randomBytes(32).toString('base64url'),
    dataDir,
    simulator: false,
    embedded: false,
    ...(options.maxPageSize === undefined ? {} : { maxPageSize: options.maxPageSize }),
    // The benchmark's simulated clusters listen on loopback.
    outbound: { allowKubeconfigFiles: false, allowKubeconfigProxy: false, allowInsecureClusters: false, egressAllow: ['127.0.0.0/8'] },
    // The benchmark opens thousands of subscriptions with one token: measure throughput, not the limits.
    limits: { ...DEFAULT_LIMITS, rateLimit: { burst: 1e9, perSecond: 1e9 }, maxSubscriptionsPerSocket: 1e9, maxSubscriptionsPerUser: 1e9, costPerSecond: 1e9, ...options.limits },
  };
  let app;
  try {
    app = await createApp(config, { logger: silentLogger, ...(options.onDatabaseOpen === undefined ? {} : { onDatabaseOpen: options.onDatabaseOpen }) });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const graphqlUrl = `${app.url}${GRAPHQL_PATH}`;
  const started = app;
  return {
    graphqlUrl,
    websocketUrl: graphqlUrl.replace(/^http/, 'ws'),
    adminToken,
    busKind: bus.kind,
    async request<T>(query: string, variables: Record<string, unknown> = {}) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphqlResult<T>;
    },
    async metric(name: string) {
      const text = await (await fetch(`${started.url}/metrics`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
        if (match?.[1] === name) total += Number(match[3]);
      }
      return total;
    },
    async stop() {
      await started.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers the simulator through the public mutation, as a user would, and waits until the
 * gateway's cache holds `expectedPods` pods (synced).
 */
export async function registerCluster(gateway: BenchGateway, simulator: SimulatedCluster, expectedPods: number, timeoutMs = 60_000): Promise<string> {
  const registered = await gateway.request<{ registerCluster: { cluster: { id: string } } }>(
    `mutation Register($input: RegisterClusterInput!) { registerCluster(input: $input) { cluster { id } } }`,
    { input: { kubeconfig: simulator.kubeconfig(), name: simulator.name, provider: 'ON_PREMISE', region: 'Seoul' } },
  );
  if (!registered.data) throw new Error(`registerCluster failed: ${JSON.stringify(registered.errors)}`);
  const id = registered.data.registerCluster.cluster.id;
  await waitUntil(
    `cluster ${simulator.name} to be RUNNING with ${expectedPods} pods`,
    async () => {
      const response = await gateway.request<{ cluster: { status: string; podCount: number } }>(`query ($id: ID!) { cluster(id: $id) { status podCount } }`, { id });
      return response.data?.cluster.status === 'RUNNING' && response.data.cluster.podCount === expectedPods;
    },
    timeoutMs,
  );
  return id;
}

/** True when something accepts TCP connections on the NATS port (the optional second row). */
export async function natsReachable(timeoutMs = 500): Promise<boolean> {
  const { hostname, port } = new URL(NATS_URL.replace(/^nats:/, 'http:'));
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const finish = (reachable: boolean) => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
