/**
 * Gateway replicas as separate processes, as production runs them: the built main on one MariaDB
 * database and one NATS, each on a random loopback port, each answering the benchmark's heap and
 * CPU questions over IPC (bench/replica-main.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { SimulatedCluster } from '../src/simulator/index.js';
import type { GraphqlResult } from './gateway.js';
import type { ReplicaReport, ReplicaRequest } from './replica-protocol.js';
import { waitUntil, withTimeout } from './support.js';

export interface ReplicaSample {
  readonly heapUsed: number;
  readonly cpuSeconds: number;
}

export interface Replica {
  readonly url: string;
  readonly websocketUrl: string;
  request<T>(query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>>;
  /** Settled heap (after full collections) and CPU time so far, read inside the replica. */
  sample(): Promise<ReplicaSample>;
  /** CPU seconds so far, without a collection. */
  cpuSeconds(): Promise<number>;
}

export interface ReplicaFleet {
  readonly replicas: readonly Replica[];
  readonly adminToken: string;
  /** Registers the simulator through the first replica; resolves with its id once every replica serves its `pods` pods. */
  register(simulator: SimulatedCluster, pods: number, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface FleetOptions {
  readonly count: number;
  readonly databaseUrl: string;
  readonly natsUrl: string;
  /** Extra environment (e.g. KDA_MAX_PAGE_SIZE). */
  readonly env?: NodeJS.ProcessEnv;
}

interface Started {
  readonly child: ChildProcess;
  readonly replica: Replica;
  readonly exited: Promise<void>;
}

async function startReplica(env: NodeJS.ProcessEnv, adminToken: string): Promise<Started> {
  const main = fileURLToPath(new URL('./replica-main.js', import.meta.url));
  const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const graphqlUrl = await withTimeout(
    'a gateway replica to start',
    new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const url = /open (http:\/\/\S+\/graphql)/.exec(stdout)?.[1];
        if (url !== undefined) resolve(url);
      });
      void exited.then(() => reject(new Error(`a gateway replica exited before it was up: ${stderr}`)));
    }),
    120_000,
  );
  let nextId = 0;
  const waiting = new Map<number, (report: ReplicaReport) => void>();
  child.on('message', (report: ReplicaReport) => waiting.get(report.id)?.(report));
  const ask = (heap: boolean) => {
    const id = nextId++;
    const answered = new Promise<ReplicaSample>((resolve) => waiting.set(id, (report) => resolve({ heapUsed: report.heapUsed, cpuSeconds: report.cpuSeconds })));
    const request: ReplicaRequest = { type: 'sample', id, heap };
    child.send(request);
    return withTimeout('a replica to report its heap and CPU', answered, 60_000).finally(() => waiting.delete(id));
  };
  const replica: Replica = {
    url: graphqlUrl.replace(/\/graphql$/, ''),
    websocketUrl: graphqlUrl.replace(/^http/, 'ws'),
    async request<T>(query: string, variables: Record<string, unknown> = {}) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphqlResult<T>;
    },
    sample: () => ask(true),
    cpuSeconds: async () => (await ask(false)).cpuSeconds,
  };
  return { child, replica, exited };
}

export async function startReplicaFleet(options: FleetOptions): Promise<ReplicaFleet> {
  const adminToken = `bench-admin-${randomBytes(12).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: options.databaseUrl,
    NATS_URL: options.natsUrl,
    KDA_SECRET_KEY: randomBytes(32).toString('base64url'),
    KDA_ADMIN_TOKEN: adminToken,
    KDA_EGRESS_ALLOW: '127.0.0.0/8',
    KDA_LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    // Thousands of subscriptions with one token: measure the watches, not the limits.
    KDA_RATE_LIMIT_PER_SECOND: '1000000000',
    KDA_RATE_LIMIT_BURST: '1000000000',
    KDA_COST_PER_SECOND: '1000000000',
    KDA_MAX_SUBSCRIPTIONS_PER_USER: '1000000000',
    // Registering dozens of clusters while the replicas list thousands of pods can take longer than 15 s.
    KDA_OPERATION_TIMEOUT_SECONDS: '300',
    ...options.env,
  };
  const started: Started[] = [];
  const stop = async () => {
    for (const { child } of started) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      started.map(({ child, exited }) =>
        withTimeout('a replica to stop', exited, 20_000).catch(() => {
          child.kill('SIGKILL');
          return exited;
        }),
      ),
    );
  };
  try {
    // The first creates the tables; the others start on them.
    started.push(await startReplica(env, adminToken));
    started.push(...(await Promise.all(Array.from({ length: options.count - 1 }, () => startReplica(env, adminToken)))));
  } catch (error) {
    await stop();
    throw error;
  }
  const replicas = started.map(({ replica }) => replica);
  return {
    replicas,
    adminToken,
    async register(simulator, pods, timeoutMs = 120_000) {
      const [first] = replicas;
      if (first === undefined) throw new Error('no replica');
      const registered = await first.request<{ registerCluster: { cluster: { id: string } } }>(
        `mutation Register($input: RegisterClusterInput!) { registerCluster(input: $input) { cluster { id } } }`,
        { input: { kubeconfig: simulator.kubeconfig(), name: simulator.name, provider: 'ON_PREMISE', region: 'Seoul' } },
      );
      if (!registered.data) throw new Error(`registerCluster failed: ${JSON.stringify(registered.errors)}`);
      const id = registered.data.registerCluster.cluster.id;
      for (const replica of replicas) {
        await waitUntil(
          `every replica to serve cluster ${simulator.name} with ${pods} pods`,
          async () => {
            const response = await replica.request<{ cluster: { status: string; podCount: number } | null }>(`query ($id: ID!) { cluster(id: $id) { status podCount } }`, { id });
            return response.data?.cluster?.status === 'RUNNING' && response.data.cluster.podCount === pods;
          },
          timeoutMs,
        );
      }
      return id;
    },
    stop,
  };
}
