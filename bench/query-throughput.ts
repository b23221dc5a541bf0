/**
 * Scenario 2, query throughput, over HTTP from keep-alive clients, each query against two
 * baselines measured in the same run:
 * - bare graphql-js: a plain node:http server executing the same query with graphql-js on the
 *   gateway's own SDL over the same data, documents cached (bare-graphql-server.ts) — what any
 *   GraphQL server must spend; the goal is to match it;
 * - static body: a node:http server answering the same JSON body, pre-serialized.
 *
 * Queries: the dashboard's (`clusters` with a page of ~90 pods × 5 fields, 8 clients) and one
 * 500-pod page with labels and containers (4 clients).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bareClustersOf, SOURCE_QUERY, startBareGraphqlServer, type SourceAnswer } from './bare-graphql-server.js';
import { startBenchCluster } from './clusters.js';
import { registerCluster, startBenchGateway, type BenchGateway } from './gateway.js';
import type { HttpLoadCommand, HttpLoadReport } from './http-load-protocol.js';
import { formatMs, formatRate, formatRatio, progress, type ResultRow } from './support.js';
import { WorkerLink } from './worker-link.js';

const DASHBOARD_QUERY = `query Dashboard {
  clusters { id name status podCount pods(first: 100) { totalCount edges { node { id name namespace phase ready } } } }
}`;
const DASHBOARD_PODS = 90;

const PAGE_QUERY = `query Pods($id: ID!) {
  cluster(id: $id) { pods(first: 500) { edges { node { name namespace phase labels containers { name image } } } } }
}`;
const CLUSTER_PODS = 600;
const PAGE_SIZE = 500;

/** Goals of issue 12: throughput at least the bare handler's, p99 at most 1.5 × its p99. */
const RATE_GOAL = 1.0;
const P99_GOAL = 1.5;

export interface QueryScenarioOptions {
  /** Requests per measurement of the dashboard query (8 clients); each server is measured twice. */
  readonly dashboardRequests: number;
  readonly concurrency: number;
  readonly gatewayRequests: number;
  readonly baselineRequests: number;
}

type LoadResult = Extract<HttpLoadReport, { type: 'done' }>;

async function load(command: HttpLoadCommand, timeoutMs: number): Promise<LoadResult> {
  const link = new WorkerLink<HttpLoadCommand, HttpLoadReport>(new URL('./http-load-worker.js', import.meta.url), 'failed');
  try {
    link.send(command);
    const report = await link.expect('done', timeoutMs);
    if (report.failures > 0) throw new Error(`${report.failures} of ${report.requests} requests to ${command.url} failed; first: ${report.firstFailure ?? 'unknown'}`);
    return report;
  } finally {
    await link.stop();
  }
}

/** Answers every POST with `body` once the request body has been read, as any server must. */
async function startStaticServer(body: string): Promise<{ url: string; stop(): Promise<void> }> {
  const payload = Buffer.from(body);
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': payload.length });
      response.end(payload);
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

interface Target {
  readonly url: string;
  readonly headers: Record<string, string>;
}

/** One answer, checked: HTTP 200, no errors; returns its text and its `data` as JSON. */
async function answerOf(target: Target, body: string): Promise<{ text: string; data: string }> {
  const response = await fetch(target.url, { method: 'POST', headers: target.headers, body });
  const text = await response.text();
  const parsed = JSON.parse(text) as { data?: unknown; errors?: unknown };
  if (response.status !== 200 || parsed.errors !== undefined) throw new Error(`${target.url} answered HTTP ${response.status}, errors ${JSON.stringify(parsed.errors)}`);
  return { text, data: JSON.stringify(parsed.data) };
}

async function measure(target: Target, body: string, expectedBytes: number, concurrency: number, requests: number): Promise<LoadResult> {
  return load({ url: target.url, headers: target.headers, body, expectedBytes, concurrency, warmupRequests: Math.ceil(requests / 10), requests }, 180_000);
}

const rateOf = (result: LoadResult) => result.requests / (result.elapsedMs / 1000);

function verdict(ratio: number, goal: number, higherIsBetter: boolean): string {
  return (higherIsBetter ? ratio >= goal : ratio <= goal) ? 'PASS' : 'MISS';
}

/** The gateway and the bare handler alternately, twice each (the machine is shared: both runs shown). */
async function dashboardRows(gateway: BenchGateway, options: QueryScenarioOptions): Promise<ResultRow[]> {
  const gatewayTarget: Target = { url: gateway.graphqlUrl, headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` } };
  const body = JSON.stringify({ query: DASHBOARD_QUERY });
  const source = await gateway.request<SourceAnswer>(SOURCE_QUERY);
  if (source.data === undefined) throw new Error(`cannot read the clusters for the baseline: ${JSON.stringify(source.errors)}`);
  const bare = await startBareGraphqlServer(bareClustersOf(source.data));
  const bareTarget: Target = { url: bare.url, headers: { 'content-type': 'application/json' } };
  try {
    const gatewayAnswer = await answerOf(gatewayTarget, body);
    const bareAnswer = await answerOf(bareTarget, body);
    if (gatewayAnswer.data !== bareAnswer.data) throw new Error('the bare graphql-js server does not give the gateway’s answer to the dashboard query');
    const gatewayBytes = Buffer.byteLength(gatewayAnswer.text);
    const bareBytes = Buffer.byteLength(bareAnswer.text);
    const concurrency = 8;
    const runs: Array<{ gateway: LoadResult; bare: LoadResult; staticBody: LoadResult }> = [];
    const staticServer = await startStaticServer(gatewayAnswer.text);
    try {
      for (let run = 1; run <= 2; run++) {
        progress(
          `query throughput: dashboard (${DASHBOARD_PODS} pods × 5 fields, ${(gatewayBytes / 1024).toFixed(0)} KB), run ${run}: gateway, ${options.dashboardRequests} requests`,
        );
        const measuredGateway = await measure(gatewayTarget, body, gatewayBytes, concurrency, options.dashboardRequests);
        progress(`query throughput: dashboard, run ${run}: bare graphql-js`);
        const measuredBare = await measure(bareTarget, body, bareBytes, concurrency, options.dashboardRequests);
        progress(`query throughput: dashboard, run ${run}: static body`);
        const measuredStatic = await measure({ url: staticServer.url, headers: bareTarget.headers }, body, gatewayBytes, concurrency, options.dashboardRequests * 2);
        runs.push({ gateway: measuredGateway, bare: measuredBare, staticBody: measuredStatic });
      }
    } finally {
      await staticServer.stop();
    }
    return runs.flatMap(({ gateway: measured, bare: baseline, staticBody }, index) => {
      const run = `run ${index + 1}/${runs.length}`;
      const rateRatio = rateOf(measured) / rateOf(baseline);
      const p99Ratio = measured.p99Ms / baseline.p99Ms;
      return [
        {
          scenario: `dashboard query, ${concurrency} clients vs bare graphql-js (${run}): requests/s`,
          measured: formatRate(rateOf(measured), 'req'),
          baseline: formatRate(rateOf(baseline), 'req'),
          ratio: formatRatio(rateOf(measured), rateOf(baseline)),
          note: `goal ≥ ${RATE_GOAL.toFixed(1)}×: ${verdict(rateRatio, RATE_GOAL, true)}; baseline: node:http + graphql-js execute on schema/schema.graphql over the same data, documents cached`,
        },
        {
          scenario: `dashboard query, ${concurrency} clients vs bare graphql-js (${run}): p99 latency`,
          measured: formatMs(measured.p99Ms),
          baseline: formatMs(baseline.p99Ms),
          ratio: formatRatio(measured.p99Ms, baseline.p99Ms),
          note: `goal ≤ ${P99_GOAL.toFixed(1)}×: ${verdict(p99Ratio, P99_GOAL, false)}; p50 ${formatMs(measured.p50Ms)} vs ${formatMs(baseline.p50Ms)}`,
        },
        {
          scenario: `dashboard query, ${concurrency} clients vs static body (${run}): requests/s`,
          measured: formatRate(rateOf(measured), 'req'),
          baseline: formatRate(rateOf(staticBody), 'req'),
          ratio: formatRatio(rateOf(measured), rateOf(staticBody)),
          note: 'higher is better; baseline sends the same answer pre-serialized: the gap is all of GraphQL',
        },
      ];
    });
  } finally {
    await bare.stop();
  }
}

async function pageRows(gateway: BenchGateway, clusterId: string, options: QueryScenarioOptions): Promise<ResultRow[]> {
  const requestBody = JSON.stringify({ query: PAGE_QUERY, variables: { id: clusterId } });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` };

  // The reference answer: checked once here, then every response must have its exact size.
  const first = await fetch(gateway.graphqlUrl, { method: 'POST', headers, body: requestBody });
  const answer = await first.text();
  const parsed = JSON.parse(answer) as { data?: { cluster?: { pods?: { edges?: unknown[] } } }; errors?: unknown };
  const edges = parsed.data?.cluster?.pods?.edges?.length;
  if (first.status !== 200 || parsed.errors !== undefined || edges !== PAGE_SIZE) {
    throw new Error(`the 500-pod query did not answer ${PAGE_SIZE} pods: HTTP ${first.status}, ${edges ?? 0} edges, errors ${JSON.stringify(parsed.errors)}`);
  }
  const expectedBytes = Buffer.byteLength(answer);

  progress(`query throughput: gateway, ${options.gatewayRequests} requests × ${PAGE_SIZE} pods (${(expectedBytes / 1024).toFixed(0)} KB each)`);
  const measured = await measure({ url: gateway.graphqlUrl, headers }, requestBody, expectedBytes, options.concurrency, options.gatewayRequests);

  progress(`query throughput: bare graphql-js, ${options.gatewayRequests} requests`);
  const source = await gateway.request<SourceAnswer>(SOURCE_QUERY);
  if (source.data === undefined) throw new Error(`cannot read the clusters for the baseline: ${JSON.stringify(source.errors)}`);
  const bare = await startBareGraphqlServer(bareClustersOf(source.data));
  let bareResult;
  try {
    const bareTarget = { url: bare.url, headers: { 'content-type': 'application/json' } };
    const bareAnswer = await answerOf(bareTarget, requestBody);
    if (bareAnswer.data !== JSON.stringify(parsed.data)) throw new Error('the bare graphql-js server does not give the gateway’s answer to the 500-pod page');
    bareResult = await measure(bareTarget, requestBody, Buffer.byteLength(bareAnswer.text), options.concurrency, options.gatewayRequests);
  } finally {
    await bare.stop();
  }

  progress(`query throughput: node:http baseline, ${options.baselineRequests} requests`);
  const server = await startStaticServer(answer);
  let baseline;
  try {
    baseline = await measure({ url: server.url, headers }, requestBody, expectedBytes, options.concurrency, options.baselineRequests);
  } finally {
    await server.stop();
  }
  const measuredLatency = (measured.elapsedMs * options.concurrency) / measured.requests;
  const baselineLatency = (baseline.elapsedMs * options.concurrency) / baseline.requests;
  return [
    {
      scenario: `query pods(first: ${PAGE_SIZE}), ${options.concurrency} clients vs bare graphql-js: requests/s`,
      measured: formatRate(rateOf(measured), 'req'),
      baseline: formatRate(rateOf(bareResult), 'req'),
      ratio: formatRatio(rateOf(measured), rateOf(bareResult)),
      note: `higher is better; p99 ${formatMs(measured.p99Ms)} vs ${formatMs(bareResult.p99Ms)}`,
    },
    {
      scenario: `query pods(first: ${PAGE_SIZE}), ${options.concurrency} clients: requests/s`,
      measured: formatRate(rateOf(measured), 'req'),
      baseline: formatRate(rateOf(baseline), 'req'),
      ratio: formatRatio(rateOf(measured), rateOf(baseline)),
      note: `higher is better; baseline sends the same ${(expectedBytes / 1024).toFixed(0)} KB body pre-serialized, so the gap is parse + validate + resolve + serialize`,
    },
    {
      scenario: `query pods(first: ${PAGE_SIZE}), ${options.concurrency} clients: mean latency`,
      measured: formatMs(measuredLatency),
      baseline: formatMs(baselineLatency),
      ratio: formatRatio(measuredLatency, baselineLatency),
      note: 'lower is better; elapsed × clients / requests',
    },
  ];
}

export async function runQueryScenario(options: QueryScenarioOptions): Promise<ResultRow[]> {
  const gateway = await startBenchGateway({ kind: 'memory' });
  const dashboardCluster = await startBenchCluster('dashboard', { pods: DASHBOARD_PODS });
  let pageCluster;
  try {
    // The dashboard first, while it is the only cluster: `clusters` answers one cluster of ~90 pods.
    await registerCluster(gateway, dashboardCluster, DASHBOARD_PODS);
    const rows = await dashboardRows(gateway, options);
    pageCluster = await startBenchCluster('query', { pods: CLUSTER_PODS });
    const clusterId = await registerCluster(gateway, pageCluster, CLUSTER_PODS);
    rows.push(...(await pageRows(gateway, clusterId, options)));
    return rows;
  } finally {
    await gateway.stop();
    await dashboardCluster.close();
    await pageCluster?.close();
  }
}
