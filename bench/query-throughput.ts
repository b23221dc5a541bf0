/**
 * Scenario 2, query throughput: one 500-pod page over HTTP from a few concurrent keep-alive
 * clients, against a plain node:http server answering the same JSON body, pre-serialized.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBenchCluster } from './clusters.js';
import { registerCluster, startBenchGateway } from './gateway.js';
import type { HttpLoadCommand, HttpLoadReport } from './http-load-protocol.js';
import { formatMs, formatRate, formatRatio, progress, type ResultRow } from './support.js';
import { WorkerLink } from './worker-link.js';

const QUERY = `query Pods($id: ID!) {
  cluster(id: $id) { pods(first: 500) { edges { node { name namespace phase labels containers { name image } } } } }
}`;
const CLUSTER_PODS = 600;
const PAGE_SIZE = 500;

export interface QueryScenarioOptions {
  readonly concurrency: number;
  readonly gatewayRequests: number;
  readonly baselineRequests: number;
}

async function load(command: HttpLoadCommand, timeoutMs: number): Promise<Extract<HttpLoadReport, { type: 'done' }>> {
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

export async function runQueryScenario(options: QueryScenarioOptions): Promise<ResultRow[]> {
  const gateway = await startBenchGateway({ kind: 'memory' });
  const simulator = await startBenchCluster('query', { pods: CLUSTER_PODS });
  try {
    const clusterId = await registerCluster(gateway, simulator, CLUSTER_PODS);
    const requestBody = JSON.stringify({ query: QUERY, variables: { id: clusterId } });
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
    const measured = await load(
      {
        url: gateway.graphqlUrl,
        headers,
        body: requestBody,
        expectedBytes,
        concurrency: options.concurrency,
        warmupRequests: Math.ceil(options.gatewayRequests / 10),
        requests: options.gatewayRequests,
      },
      120_000,
    );
    progress(`query throughput: node:http baseline, ${options.baselineRequests} requests`);
    const server = await startStaticServer(answer);
    let baseline;
    try {
      baseline = await load(
        {
          url: server.url,
          headers,
          body: requestBody,
          expectedBytes,
          concurrency: options.concurrency,
          warmupRequests: Math.ceil(options.baselineRequests / 10),
          requests: options.baselineRequests,
        },
        120_000,
      );
    } finally {
      await server.stop();
    }
    const measuredRate = measured.requests / (measured.elapsedMs / 1000);
    const baselineRate = baseline.requests / (baseline.elapsedMs / 1000);
    const measuredLatency = (measured.elapsedMs * options.concurrency) / measured.requests;
    const baselineLatency = (baseline.elapsedMs * options.concurrency) / baseline.requests;
    return [
      {
        scenario: `query pods(first: ${PAGE_SIZE}), ${options.concurrency} clients: requests/s`,
        measured: formatRate(measuredRate, 'req'),
        baseline: formatRate(baselineRate, 'req'),
        ratio: formatRatio(measuredRate, baselineRate),
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
  } finally {
    await gateway.stop();
    await simulator.close();
  }
}
