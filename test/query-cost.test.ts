import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collect, SubscriptionFailedError } from './support/subscription.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { nodesOf, type Connection } from './support/connections.js';
import { createToken, createUser } from './identity-support.js';
import { waitFor } from './support/wait.js';

/**
 * Hardening, part 1, item 1: a read-only VIEWER's query once returned 144 MB and stalled every
 * other tenant. Operations are priced before they run, over HTTP and websocket alike.
 */

// Twelve levels (the depth limit) of nested lists, under six aliases: under a kilobyte of query.
const NESTED = 'clusters { nodes(first: 500) { edges { node { pods(first: 500) { edges { node { cluster { pods(first: 500) { edges { node { name } } } } } } } } } } }';
const ATTACK = `{ ${[1, 2, 3, 4, 5, 6].map((n) => `a${n}: ${NESTED}`).join(' ')} }`;

interface Cost {
  readonly requested: number;
  readonly maximum: number;
}

function costOf(response: { errors?: GraphqlResponse<unknown>['errors'] }): Cost | undefined {
  return response.errors?.[0]?.extensions?.cost as Cost | undefined;
}

async function viewerOfDemoTeam(gateway: TestGateway, email: string): Promise<string> {
  const { workspaces } = (await gateway.request<{ workspaces: Connection<{ id: string; name: string }> }>('{ workspaces { edges { node { id name } } } }')).data ?? {};
  const sports = nodesOf(workspaces as Connection<{ id: string; name: string }>).find((workspace) => workspace.name === 'Sports Team');
  if (sports === undefined) throw new Error('the demo world has no Sports Team');
  const user = await createUser(gateway, { name: email, email });
  const added = await gateway.request(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, {
    input: { workspaceId: sports.id, userId: user.id, role: 'VIEWER' },
  });
  expect(added.errors).toBeUndefined();
  return (await createToken(gateway, { name: 'dashboards', userId: user.id, scopes: ['READ'] })).token;
}

describe('query cost against the full demo world', () => {
  let gateway: TestGateway;
  let viewer: string;
  let neighbour: string;

  beforeAll(async () => {
    gateway = await startTestGateway({ simulator: true });
    viewer = await viewerOfDemoTeam(gateway, 'viewer@sports.example');
    neighbour = await viewerOfDemoTeam(gateway, 'neighbour@sports.example');
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  test('the nested, aliased attack is refused over HTTP before it runs, naming its cost', async () => {
    expect(Buffer.byteLength(ATTACK)).toBeLessThan(1024);
    const refused = await gateway.request(ATTACK, {}, viewer);
    expect(refused.status).toBe(400);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['COST_LIMIT_EXCEEDED']);
    const cost = costOf(refused);
    expect(cost?.maximum).toBe(20_000);
    expect(cost?.requested).toBeGreaterThan(1_000_000);
  });

  test('the same over a websocket, as a query and inside a subscription', async () => {
    const client = gateway.websocket(`Bearer ${viewer}`);
    const query = collect(client, ATTACK);
    const queryFailure = await query.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(queryFailure).toBeInstanceOf(SubscriptionFailedError);
    expect((queryFailure as SubscriptionFailedError).errors?.map((error) => error.extensions?.code)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(query.results).toEqual([]);

    const { clusters } = (await gateway.request<{ clusters: Array<{ id: string }> }>('{ clusters { id } }', {}, viewer)).data ?? { clusters: [] };
    const nestedPods = 'pods(first: 500) { edges { node { cluster { pods(first: 500) { edges { node { name } } } } } } }';
    const live = collect(client, `subscription ($c: ID!) { podEvents(clusterId: $c) { pod { cluster { ${nestedPods} } } } }`, { c: clusters[0]?.id });
    const liveFailure = await live.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((liveFailure as SubscriptionFailedError).errors?.map((error) => error.extensions?.code)).toEqual(['COST_LIMIT_EXCEEDED']);
  });

  test('an operation within the limit reports its cost in extensions, over HTTP and websocket', async () => {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer}` },
      body: JSON.stringify({ query: '{ me { id } clusters { name pods(first: 10) { edges { node { name } } } } }' }),
    });
    const body = (await response.json()) as { data?: { clusters: unknown[] }; extensions?: { cost?: Cost } };
    expect(body.data?.clusters.length).toBeGreaterThan(0);
    // Priced on every cluster the gateway knows (the caller sees fewer): me 1 + each cluster 1 + its connection 1 + 10 edges and pods.
    const clusterCount = (await gateway.request<{ clusters: unknown[] }>('{ clusters { id } }')).data?.clusters.length ?? 0;
    expect(body.extensions?.cost).toEqual({ requested: 1 + clusterCount * (1 + 1 + 10 * 2), maximum: 20_000 });

    const results: unknown[] = [];
    await new Promise<void>((resolve, reject) =>
      gateway.websocket(`Bearer ${viewer}`).subscribe({ query: '{ me { id } }' }, { next: (result) => results.push(result), error: reject, complete: resolve }),
    );
    expect(results).toEqual([{ data: { me: { id: expect.any(String) } }, extensions: { cost: { requested: 1, maximum: 20_000 } } }]);
  });

  test("another tenant's small queries are answered while the attacker keeps trying", async () => {
    const attacks = Array.from({ length: 20 }, () => gateway.request(ATTACK, {}, viewer));
    const small = await Promise.all(Array.from({ length: 5 }, () => gateway.request<{ me: { id: string } }>('{ me { id } }', {}, neighbour)));
    for (const answer of small) expect(answer.data?.me.id).toEqual(expect.any(String));
    for (const refused of await Promise.all(attacks)) expect(refused.errors?.[0]?.extensions?.code).toBe('COST_LIMIT_EXCEEDED');
  });
});

/** A registry that answers its ping and, while holding, keeps every other request waiting: work that does not end by itself. */
async function startHangingRegistry(): Promise<{ url: string; held: () => number; hold(): void; release(): void; close(): Promise<void> }> {
  const waiting: ServerResponse[] = [];
  let holding = false;
  const answer = (response: ServerResponse) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"repositories":[]}');
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.url === '/v2/') response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    else if (holding) waiting.push(response);
    else answer(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const release = () => {
    holding = false;
    for (const response of waiting.splice(0)) answer(response);
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => waiting.length,
    hold: () => (holding = true),
    release,
    close: async () => {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('turns, deadline and answer size per operation', () => {
  let gateway: TestGateway;
  let registry: Awaited<ReturnType<typeof startHangingRegistry>>;
  const SLOW = '{ registries { edges { node { repositories(first: 5) { totalCount } } } } }';

  beforeAll(async () => {
    registry = await startHangingRegistry();
    gateway = await startTestGateway({ limits: { maxConcurrentOperations: 1, operationTimeoutSeconds: 1, maxResponseBytes: 4096 } });
    const created = await gateway.request(`mutation ($input: CreateRegistryInput!) { createRegistry(input: $input) { registry { id } } }`, {
      input: { name: 'hanging', url: registry.url, kind: 'PUBLIC' },
    });
    expect(created.errors).toBeUndefined();
  });

  afterAll(async () => {
    await gateway?.stop();
    await registry?.close();
  });

  test('an operation past its deadline is answered OPERATION_TIMEOUT over HTTP and websocket', async () => {
    registry.hold();
    const timedOut = await gateway.request(SLOW);
    expect({ status: timedOut.status, codes: timedOut.errors?.map((error) => error.extensions?.code) }).toEqual({ status: 503, codes: ['OPERATION_TIMEOUT'] });
    // Its turn is given back only once its work has stopped.
    registry.release();

    registry.hold();
    const overSocket = collect(gateway.websocket(), SLOW);
    await overSocket.done;
    expect(overSocket.results.flatMap((result) => result.errors ?? []).map((error) => error.extensions?.code)).toEqual(['OPERATION_TIMEOUT']);
    registry.release();
  });

  test("a caller's operations beyond its turns wait, then are refused; another caller is not held up", async () => {
    const viewerUser = await createUser(gateway, { name: 'Other', email: 'other@example.com' });
    const other = (await createToken(gateway, { name: 'other', userId: viewerUser.id, scopes: ['READ'] })).token;
    // One runs (held by the registry), eight wait for that one turn; the tenth is refused at once.
    registry.hold();
    const slow = Array.from({ length: 10 }, () => gateway.request(SLOW));
    const refused = await Promise.race(slow);
    expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['RATE_LIMITED']);
    expect(refused.status).toBe(429);
    await waitFor('the running operation to reach the registry', () => registry.held() === 1 || undefined);
    expect((await gateway.request<{ me: { id: string } }>('{ me { id } }', {}, other)).data?.me.id).toBe(viewerUser.id);
    registry.release();
    const codes = (await Promise.all(slow)).map((answer) => answer.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(1);
  });

  test('an answer larger than the limit is replaced by RESPONSE_TOO_LARGE; smaller ones pass', async () => {
    const names = Array.from({ length: 60 }, (_, n) => `u${n}@example.com`);
    for (const email of names) await createUser(gateway, { name: email, email });
    const large = await gateway.request('{ users(first: 100) { edges { node { id name email } } } }');
    expect(large.data).toBeUndefined();
    expect(large.errors?.map((error) => error.extensions?.code)).toEqual(['RESPONSE_TOO_LARGE']);
    expect((await gateway.request<{ users: { totalCount: number } }>('{ users(first: 1) { totalCount } }')).data?.users.totalCount).toBeGreaterThan(60);

    const overSocket = collect(gateway.websocket(), '{ users(first: 100) { edges { node { id name email } } } }');
    await overSocket.done;
    expect(overSocket.results.flatMap((result) => result.errors ?? []).map((error) => error.extensions?.code)).toEqual(['RESPONSE_TOO_LARGE']);
  });
});

describe('cost budget per caller', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    // Bursts of 500 (the largest operation), refilled at 10 per second.
    gateway = await startTestGateway({ limits: { maxQueryCost: 500, costPerSecond: 10 } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  test('a caller who has spent its cost is refused RATE_LIMITED (429) before anything runs; another caller is not', async () => {
    const other = await createUser(gateway, { name: 'Other', email: 'budget@example.com' });
    const otherToken = (await createToken(gateway, { name: 'other', userId: other.id, scopes: ['READ'] })).token;
    const PAGE = '{ workspaces(first: 100) { edges { node { id } } } }';
    const answers = [];
    for (let attempt = 0; attempt < 3; attempt += 1) answers.push(await gateway.request(PAGE));
    expect(answers.map((answer) => answer.errors?.[0]?.extensions?.code ?? 'OK')).toEqual(['OK', 'OK', 'RATE_LIMITED']);
    expect(answers[2]?.status).toBe(429);
    expect(answers[2]?.errors?.[0]?.message).toMatch(/cost budget/);
    // Small operations of the same caller still fit; another caller has a budget of its own.
    expect((await gateway.request<{ me: { id: string } }>('{ me { id } }')).data?.me.id).toEqual(expect.any(String));
    expect((await gateway.request(PAGE, {}, otherToken)).errors).toBeUndefined();
  });
});
