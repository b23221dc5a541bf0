/**
 * One tenant's small query while another sends the heaviest queries the cost limit lets through,
 * as fast as its turns allow (hardening, part 1: no caller may delay another's small query by more
 * than a few milliseconds). Baseline: the same small query with nobody else busy, in the same run.
 * The gateway runs with the default limits (request rate, cost budget, turns), as deployed.
 */
import { DEFAULT_LIMITS } from '../src/config/config.js';
import { startBenchCluster } from './clusters.js';
import { registerCluster, startBenchGateway, type BenchGateway } from './gateway.js';
import type { HttpLoadCommand, HttpLoadReport } from './http-load-protocol.js';
import { formatMs, formatRatio, progress, type ResultRow } from './support.js';
import { WorkerLink } from './worker-link.js';

const CLUSTER_PODS = 1_500;
const PAGE = 'pods(first: 500) { edges { node { name namespace phase labels containers { name image } } } }';
// Three aliases of a 500-pod page: just under the default cost limit (3 × 6,002 = 18,006 of 20,000).
const HEAVY = `query ($id: ID!) { a: cluster(id: $id) { ${PAGE} } b: cluster(id: $id) { ${PAGE} } c: cluster(id: $id) { ${PAGE} } }`;

export interface TenantIsolationOptions {
  readonly samples: number;
  readonly attackerConcurrency: number;
}

async function createCaller(gateway: BenchGateway, name: string): Promise<string> {
  const user = await gateway.request<{ createUser: { user: { id: string } } }>('mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } } }', {
    input: { name, email: `${name}@bench.example` },
  });
  const userId = user.data?.createUser.user.id;
  const token = await gateway.request<{ createApiToken: { token: string } }>('mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }', {
    input: { name, userId, scopes: ['READ'] },
  });
  if (token.data === undefined) throw new Error(`no token for ${name}: ${JSON.stringify(token.errors)}`);
  return token.data.createApiToken.token;
}

/** A well-behaved dashboard: within the default request rate (50 per second). */
const SMALL_QUERY_INTERVAL_MS = 25;

/** Latencies of `samples` sequential `{ me { id } }` requests, paced, sorted. */
async function smallQueryLatencies(url: string, token: string, samples: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    await new Promise((resolve) => setTimeout(resolve, SMALL_QUERY_INTERVAL_MS));
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ me { id } }"}' });
    await response.text();
    latencies.push(performance.now() - started);
  }
  return latencies.sort((a, b) => a - b);
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

export async function runTenantIsolationScenario(options: TenantIsolationOptions): Promise<ResultRow[]> {
  // The limits a deployment runs with: the attacker's cost budget is part of what is measured.
  const gateway = await startBenchGateway({ kind: 'memory' }, { limits: { costPerSecond: DEFAULT_LIMITS.costPerSecond, rateLimit: DEFAULT_LIMITS.rateLimit } });
  const simulator = await startBenchCluster('tenants', { pods: CLUSTER_PODS });
  try {
    const clusterId = await registerCluster(gateway, simulator, CLUSTER_PODS);
    const neighbour = await createCaller(gateway, 'neighbour');
    const attacker = await createCaller(gateway, 'attacker');
    const body = JSON.stringify({ query: HEAVY, variables: { id: clusterId } });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` };
    const reference = await (await fetch(gateway.graphqlUrl, { method: 'POST', headers, body })).text();
    if (!reference.includes('"cost":{"requested":18006')) throw new Error(`the heavy query did not run as priced: ${reference.slice(0, 200)}`);

    await smallQueryLatencies(gateway.graphqlUrl, neighbour, 50);
    const alone = await smallQueryLatencies(gateway.graphqlUrl, neighbour, options.samples);

    progress(`tenant isolation: ${options.attackerConcurrency} heavy queries at once (${(reference.length / 1024).toFixed(0)} KB each) beside ${options.samples} small ones`);
    const link = new WorkerLink<HttpLoadCommand, HttpLoadReport>(new URL('./http-load-worker.js', import.meta.url), 'failed');
    let busy: number[];
    try {
      // The attacker's token, not the administrator's: its turns are its own.
      link.send({
        url: gateway.graphqlUrl,
        headers: { ...headers, authorization: `Bearer ${attacker}` },
        body,
        expectedBytes: Buffer.byteLength(reference),
        concurrency: options.attackerConcurrency,
        warmupRequests: 0,
        requests: 1_000_000,
      });
      // Wait until the heavy queries are running before measuring.
      await smallQueryLatencies(gateway.graphqlUrl, neighbour, 20);
      busy = await smallQueryLatencies(gateway.graphqlUrl, neighbour, options.samples);
    } finally {
      await link.stop();
    }
    return [50, 99].map((p) => ({
      scenario: `another tenant's { me { id } } while one sends 18,006-cost queries ×${options.attackerConcurrency}: p${p}`,
      measured: formatMs(percentile(busy, p / 100)),
      baseline: formatMs(percentile(alone, p / 100)),
      ratio: formatRatio(percentile(busy, p / 100), percentile(alone, p / 100)),
      note: p === 99 ? 'goal: within a few ms of the baseline (the delay is measured minus baseline)' : 'baseline: the same small query with nobody else busy',
    }));
  } finally {
    await gateway.stop();
    await simulator.close();
  }
}
