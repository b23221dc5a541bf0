/**
 * The gateway's own telemetry on a real gateway: /metrics through prom-client (HTTP operations,
 * subscriptions, watches, NATS, database) and one log line per request and per subscription.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { loadConfig } from '../src/config/config.js';
import { localKeyOf } from '../src/shared/global-id.js';
import { createJsonLogger, type Logger } from '../src/shared/logger.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { collect } from './support/subscription.js';
import { waitFor } from './support/wait.js';

type LogLine = Record<string, unknown> & { level: string; message: string };

/** A logger whose lines the test reads, built the way main.ts builds it from the configuration. */
function capturingLogger(env: NodeJS.ProcessEnv = {}): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const config = loadConfig(env, '/srv/kda');
  const logger = createJsonLogger({ minLevel: config.logLevel ?? 'info', stream: { write: (line: string) => lines.push(JSON.parse(line) as LogLine) } });
  return { logger, lines };
}

async function post(gateway: TestGateway, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}`, ...headers },
    body: JSON.stringify(body),
  });
}

/** The value of one sample line, labels given in the order the gateway writes them. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const prefix = `${name}${labels === '' ? '' : `{${labels}}`} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

describe('the gateway’s own telemetry', () => {
  let gateway: TestGateway;
  let cluster: RegisteredCluster;
  let lines: LogLine[];
  const metrics = async () => (await fetch(`${gateway.url}/metrics`)).text();
  const requestLines = () => lines.filter((line) => line.message === 'graphql request');

  beforeAll(async () => {
    const captured = capturingLogger();
    lines = captured.lines;
    gateway = await startTestGateway({}, { logger: captured.logger });
    cluster = await registerCluster(gateway, await startSmallCluster());
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  test('a query and a failing mutation are counted by type and outcome, with latency buckets, named ones by name', async () => {
    const query = await post(gateway, { query: 'query WhoAmI { me { id } }' });
    expect(query.status).toBe(200);
    const mutation = await post(gateway, { query: 'mutation Gone($id: ID!) { removeCluster(input: { id: $id }) { removedClusterId } }', variables: { id: 'no-such-cluster' } });
    const failed = (await mutation.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    const code = failed.errors?.[0]?.extensions?.code;
    expect(code).toMatch(/^[A-Z_]+$/);
    expect(code).not.toBe('ok');

    const text = await metrics();
    expect(sample(text, 'kda_http_requests_total', 'operation_type="query",outcome="ok"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'kda_http_requests_total', `operation_type="mutation",outcome="${code}"`)).toBe(1);
    expect(text).toMatch(/^# TYPE kda_http_request_duration_seconds histogram$/m);
    expect(sample(text, 'kda_http_request_duration_seconds_bucket', `le="+Inf",operation_type="mutation",outcome="${code}"`)).toBe(1);
    expect(sample(text, 'kda_http_request_duration_seconds_bucket', `le="0.005",operation_type="mutation",outcome="${code}"`)).toBeDefined();
    expect(sample(text, 'kda_http_request_duration_seconds_count', `operation_type="mutation",outcome="${code}"`)).toBe(1);
    expect(sample(text, 'kda_http_named_operations_total', 'operation_name="WhoAmI",operation_type="query",outcome="ok"')).toBe(1);
    expect(sample(text, 'kda_http_named_operations_total', `operation_name="Gone",operation_type="mutation",outcome="${code}"`)).toBe(1);
    // The process's and Node.js's own, on this gateway's registry.
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    // Database and NATS: statements were timed, publishes too (the registration's events), NATS is up.
    expect(sample(text, 'kda_db_query_duration_seconds_count', 'outcome="ok"')).toBeGreaterThan(0);
    expect(sample(text, 'kda_db_pool_connections', 'state="free"')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'kda_db_pool_max_connections')).toBeGreaterThan(0);
    expect(sample(text, 'kda_db_pool_queued_requests')).toBe(0);
    expect(sample(text, 'kda_nats_connected')).toBe(1);
    expect(sample(text, 'kda_nats_publish_duration_seconds_count', 'outcome="ok"')).toBeGreaterThan(0);
  });

  test('each request logs one line with its id, echoed from x-request-id or traceparent, or made and returned', async () => {
    const given = await post(gateway, { query: 'query Mine { me { id } }' }, { 'x-request-id': 'req-telemetry-1' });
    expect(given.headers.get('x-request-id')).toBe('req-telemetry-1');
    const traced = await post(gateway, { query: '{ me { id } }' }, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    expect(traced.headers.get('x-request-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const made = await post(gateway, { query: '{ me { id } }' });
    const madeId = made.headers.get('x-request-id');
    expect(madeId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // Something that could break a log line is not taken as an id.
    const hostile = await post(gateway, { query: '{ me { id } }' }, { 'x-request-id': 'a"b c' });
    expect(hostile.headers.get('x-request-id')).not.toBe('a"b c');

    const line = await waitFor('the request line', () => requestLines().find((entry) => entry.requestId === 'req-telemetry-1'));
    expect(line).toMatchObject({ level: 'info', operationType: 'query', operationName: 'Mine', callerId: 'bootstrap-admin', outcome: 'ok' });
    expect(typeof line.durationMs).toBe('number');
    expect(typeof line.time).toBe('string');
    expect(requestLines().filter((entry) => entry.requestId === 'req-telemetry-1')).toHaveLength(1);
    expect(requestLines().find((entry) => entry.requestId === '4bf92f3577b34da6a3ce929d0e0e4736')).toMatchObject({ operationName: null });
    expect(requestLines().find((entry) => entry.requestId === madeId)).toBeDefined();

    const anonymous = await post(gateway, { query: '{ me { id } }' }, { authorization: 'Bearer not-a-token', 'x-request-id': 'req-telemetry-refused' });
    expect(anonymous.status).toBe(401);
    expect(await waitFor('the refused request line', () => requestLines().find((entry) => entry.requestId === 'req-telemetry-refused'))).toMatchObject({
      callerId: null,
      outcome: 'UNAUTHENTICATED',
    });
    expect(sample(await metrics(), 'kda_http_requests_total', 'operation_type="unknown",outcome="UNAUTHENTICATED"')).toBe(1);
  });

  test('a websocket subscription: gauge by field, events delivered, their lag since the watch saw them, start and end lines', async () => {
    const subscription = collect<{ podEvents: { pod: { name: string } } }>(
      gateway.websocket(),
      `subscription PodWatch($clusterId: ID!) { podEvents(clusterId: $clusterId, namespace: "team-a") { type pod { name } } }`,
      { clusterId: cluster.id },
    );
    await waitFor('the subscription gauge', async () => sample(await metrics(), 'kda_websocket_subscriptions', 'field="podEvents"') === 1);
    const started = lines.find((line) => line.message === 'subscription started' && line.field === 'podEvents');
    expect(started).toMatchObject({ operationName: 'PodWatch', operationType: 'subscription', callerId: expect.any(String), requestId: expect.any(String) });

    cluster.simulator.createPod({ namespace: 'team-a', name: 'telemetry-0', nodeName: 'worker-1', containers: [{ name: 'main', image: 'example/t:1' }] });
    await waitFor('the event', () => subscription.results.some((result) => result.data?.podEvents.pod.name === 'telemetry-0'));
    const afterEvent = await metrics();
    expect(sample(afterEvent, 'kda_subscription_events_delivered_total', 'field="podEvents"')).toBeGreaterThanOrEqual(1);
    // Every delivered pod event was timed from its watch; the lag is a real duration (finite, not negative).
    expect(sample(afterEvent, 'kda_subscription_event_lag_seconds_count', 'field="podEvents"')).toBe(
      sample(afterEvent, 'kda_subscription_events_delivered_total', 'field="podEvents"'),
    );
    const lagSum = sample(afterEvent, 'kda_subscription_event_lag_seconds_sum', 'field="podEvents"')!;
    expect(Number.isFinite(lagSum) && lagSum >= 0).toBe(true);

    subscription.unsubscribe();
    const ended = await waitFor('the end line', () => lines.find((line) => line.message === 'subscription ended' && line.subscriptionId === started?.subscriptionId));
    expect(ended).toMatchObject({ field: 'podEvents', outcome: 'ok', requestId: started?.requestId });
    expect(ended.delivered).toBeGreaterThanOrEqual(1);
    expect(sample(await metrics(), 'kda_websocket_subscriptions', 'field="podEvents"')).toBe(0);
    const text = await metrics();
    expect(text).toMatch(/^# TYPE kda_subscription_events_dropped_total counter$/m);
    expect(text).toMatch(/^# TYPE kda_rate_limit_rejections_total counter$/m);
  });

  test('a websocket’s upgrade answer carries its request id', async () => {
    const socket = new WebSocket(gateway.graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers: { 'x-request-id': 'req-socket-1' } });
    try {
      const upgrade = await new Promise<IncomingMessage>((resolve, reject) => {
        socket.once('upgrade', resolve);
        socket.once('error', reject);
      });
      expect(upgrade.headers['x-request-id']).toBe('req-socket-1');
    } finally {
      socket.close();
    }
  });

  test('watches per cluster (by name) and kind: state, relists and 410 Gone', async () => {
    const clusterKey = localKeyOf(cluster.id, 'Cluster');
    const labels = `cluster_id="${clusterKey}",cluster="${cluster.name}",kind="pods"`;
    let text = await metrics();
    expect(sample(text, 'kda_watch_state', `${labels},state="synced"`)).toBe(1);
    expect(sample(text, 'kda_watch_state', `${labels},state="failed"`)).toBe(0);
    expect(sample(text, 'kda_cluster_up', `cluster_id="${clusterKey}",cluster="${cluster.name}"`)).toBe(1);
    const goneBefore = sample(text, 'kda_watch_gone_total', labels) ?? 0;
    const relistsBefore = sample(text, 'kda_watch_relists_total', labels) ?? 0;

    // Changes while the gateway cannot see them, then history forgotten: its watch resumes into a 410.
    cluster.simulator.setReachable(false);
    await waitFor('the pods watch to fail', async () => sample(await metrics(), 'kda_watch_state', `${labels},state="failed"`) === 1);
    cluster.simulator.createPod({ namespace: 'team-a', name: 'telemetry-1', nodeName: 'worker-1', containers: [{ name: 'main', image: 'example/t:1' }] });
    cluster.simulator.compact();
    cluster.simulator.setReachable(true);
    await waitFor('the pods watch synced again', async () => sample(await metrics(), 'kda_watch_state', `${labels},state="synced"`) === 1);
    text = await waitFor('the 410 counted', async () => {
      const current = await metrics();
      return (sample(current, 'kda_watch_gone_total', labels) ?? 0) > goneBefore && current;
    });
    expect(sample(text, 'kda_watch_relists_total', labels)).toBeGreaterThan(relistsBefore);
  });
});

describe('KDA_LOG_LEVEL', () => {
  test('warn hides the request lines', async () => {
    const { logger, lines } = capturingLogger({ KDA_LOG_LEVEL: 'warn' });
    const gateway = await startTestGateway({}, { logger });
    try {
      const response = await post(gateway, { query: '{ me { id } }' }, { 'x-request-id': 'req-quiet' });
      expect(response.headers.get('x-request-id')).toBe('req-quiet');
      expect(await response.json()).toMatchObject({ data: { me: { id: expect.any(String) } } });
      logger.warn('still heard');
      expect(lines.map((line) => line.message)).toContain('still heard');
      expect(lines.filter((line) => line.message === 'graphql request' || line.level === 'info')).toEqual([]);
    } finally {
      await gateway.stop();
    }
  });
});

interface ExportedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: ReadonlyArray<{ key: string; value: { stringValue?: string } }>;
}

/** OTLP/HTTP JSON ids are hex; base64 is accepted too, in case the encoding changes. */
function hexId(id: string | undefined): string | undefined {
  if (id === undefined || id === '') return undefined;
  return /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex');
}

/** A stand-in OpenTelemetry collector: keeps every span POSTed to /v1/traces. */
async function startCollector(): Promise<{ url: string; spans: ExportedSpan[]; server: Server }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: ExportedSpan[] }> }> };
      for (const resource of body.resourceSpans)
        for (const scope of resource.scopeSpans)
          for (const span of scope.spans) spans.push({ ...span, traceId: hexId(span.traceId) ?? '', spanId: hexId(span.spanId) ?? '', parentSpanId: hexId(span.parentSpanId) });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, spans, server };
}

describe('OpenTelemetry tracing', () => {
  test('off unless an OTEL_ variable asks; on, a span per operation continues the caller’s trace, with the database spans under it', async () => {
    expect(loadConfig({}, '/srv/kda').tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, '/srv/kda').tracing).toEqual({ exporter: 'otlp' });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'console' }, '/srv/kda').tracing).toEqual({ exporter: 'console' });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, '/srv/kda').tracing).toBeUndefined();
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'zipkin' }, '/srv/kda')).toThrow(/OTEL_TRACES_EXPORTER/);

    const collector = await startCollector();
    const gateway = await startTestGateway({ tracing: { exporter: 'otlp', endpoint: collector.url } });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    try {
      const response = await post(gateway, { query: 'query Clusters { clusters { id } }' }, { traceparent: `00-${traceId}-b7ad6b7169203331-01`, 'x-request-id': 'req-traced' });
      expect(response.status).toBe(200);
    } finally {
      // Stopping flushes the spans still buffered.
      await gateway.stop();
      await new Promise((resolve) => collector.server.close(resolve));
    }
    const operation = collector.spans.find((span) => span.traceId === traceId && span.name === 'graphql query Clusters');
    expect(operation).toBeDefined();
    expect(operation?.parentSpanId).toBe('b7ad6b7169203331');
    expect(operation?.kind).toBe(2);
    const attributes = Object.fromEntries(operation?.attributes.map((attribute) => [attribute.key, attribute.value.stringValue]) ?? []);
    expect(attributes).toMatchObject({ 'kda.request_id': 'req-traced', 'graphql.operation.type': 'query', 'graphql.operation.name': 'Clusters', 'kda.outcome': 'ok' });
    const queries = collector.spans.filter((span) => span.traceId === traceId && span.name === 'db.query');
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((span) => span.parentSpanId === operation?.spanId)).toBe(true);
  });

  test('a websocket operation gets its span too: a query’s whole execution, a subscription’s setup, with the socket’s request id', async () => {
    const collector = await startCollector();
    const gateway = await startTestGateway({ tracing: { exporter: 'otlp', endpoint: collector.url } });
    try {
      const client = gateway.websocket();
      const query = collect<{ clusters: unknown[] }>(client, 'query SocketClusters { clusters { id } }', {});
      await waitFor('the query answer', () => query.results.length > 0 || undefined);
      const subscription = collect(client, 'subscription SocketStatus { clusterStatus { id } }', {});
      await waitFor(
        'the subscription to open',
        async () => (await (await fetch(`${gateway.url}/metrics`)).text()).includes('kda_websocket_subscriptions{field="clusterStatus"} 1') || undefined,
      );
      subscription.unsubscribe();
    } finally {
      await gateway.stop();
      await new Promise((resolve) => collector.server.close(resolve));
    }
    const attributesOf = (span: ExportedSpan | undefined) => Object.fromEntries(span?.attributes.map((attribute) => [attribute.key, attribute.value.stringValue]) ?? []);
    const query = collector.spans.find((span) => span.name === 'graphql query SocketClusters');
    expect(query?.kind).toBe(2);
    expect(attributesOf(query)).toMatchObject({ 'kda.transport': 'websocket', 'graphql.operation.type': 'query', 'kda.outcome': 'ok', 'kda.request_id': expect.any(String) });
    expect(collector.spans.some((span) => span.name === 'db.query' && span.traceId === query?.traceId && span.parentSpanId === query?.spanId)).toBe(true);
    const subscription = collector.spans.find((span) => span.name === 'graphql subscription SocketStatus');
    expect(attributesOf(subscription)).toMatchObject({ 'kda.transport': 'websocket', 'graphql.operation.type': 'subscription', 'kda.outcome': 'ok' });
    // Each socket's own request id (the client opened a socket per operation here).
    expect(attributesOf(subscription)['kda.request_id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
