/**
 * Times round-trip exactly in UTC whatever the zones around them: the gateway process runs with
 * TZ=America/Los_Angeles (a zone with daylight saving), its MariaDB — this file's own — with
 * `--default-time-zone=+05:30`. Times the gateway sends and times the database's own clock sets
 * (`updated_at` on an update) read back as the same instants, to the millisecond, over GraphQL.
 */
import { randomBytes } from 'node:crypto';
import type { TestDatabase } from './support/database.js';
import { buildGateway, startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';
import { PrivateMariaDb } from './support/private-mariadb.js';
import { NATS_URL } from './support/services.js';

const ADMIN_TOKEN = `test-admin-${randomBytes(12).toString('hex')}`;

const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id createdAt updatedAt } } }`;
const UPDATE_WORKSPACE = `mutation ($input: UpdateWorkspaceInput!) { updateWorkspace(input: $input) { workspace { id createdAt updatedAt } } }`;
const WORKSPACE = `query ($id: ID!) { workspace(id: $id) { id createdAt updatedAt } }`;
const CREATE_USER = `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`;
const CREATE_TOKEN = `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { id expiresAt createdAt } } }`;
const TOKENS = `query ($id: ID!) { node(id: $id) { ... on User { apiTokens(first: 10) { edges { node { id expiresAt createdAt } } } } } }`;

interface Answer<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

let build: Awaited<ReturnType<typeof buildGateway>> | undefined;
let server: PrivateMariaDb | undefined;
let database: TestDatabase;
let gateway: GatewayProcess | undefined;

async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const response = await fetch(gateway!.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer<T>;
}

async function data<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await request<T>(query, variables);
  if (answer.data === undefined || answer.errors !== undefined) throw new Error(`request failed: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

beforeAll(async () => {
  [build, server] = await Promise.all([buildGateway(), PrivateMariaDb.start({ defaultTimeZone: '+05:30' })]);
  database = await server.createDatabase();
  gateway = await startGatewayProcess(build.mainUrl, {
    TZ: 'America/Los_Angeles',
    DATABASE_URL: database.url,
    NATS_URL,
    KDA_SECRET_KEY: randomBytes(32).toString('base64url'),
    KDA_ADMIN_TOKEN: ADMIN_TOKEN,
    KDA_LOG_LEVEL: 'warn',
  });
}, 300_000);

afterAll(async () => {
  gateway?.kill('SIGKILL');
  await gateway?.exited;
  await server?.destroy();
  await build?.remove();
});

it('the zones really differ: the server says +05:30', async () => {
  const [rows] = await server!.withConnection((connection) => connection.query('SELECT @@global.time_zone AS zone'));
  expect(rows).toEqual([{ zone: '+05:30' }]);
});

it('times the gateway writes read back exactly, to the millisecond, across daylight-saving changes of its own zone', async () => {
  const user = (await data<{ createUser: { user: { id: string } } }>(CREATE_USER, { input: { name: 'Zone Tester', email: `zones-${randomBytes(3).toString('hex')}@example.com` } }))
    .createUser.user;
  // 02:30 on 9 March 2031 does not exist in Los Angeles (clocks jump to 03:00); 01:30 on 2 November happens twice.
  const instants = ['2031-03-09T10:30:00.123Z', '2031-11-02T08:30:00.456Z', '2031-11-02T09:30:00.789Z', '2031-06-30T23:59:59.999Z'];
  const created: Array<{ id: string; expiresAt: string; createdAt: string }> = [];
  for (const [index, expiresAt] of instants.entries()) {
    const before = Date.now();
    const { apiToken } = (
      await data<{ createApiToken: { apiToken: { id: string; expiresAt: string; createdAt: string } } }>(CREATE_TOKEN, {
        input: { userId: user.id, name: `zone-${index}`, scopes: ['READ'], expiresAt },
      })
    ).createApiToken;
    expect(apiToken.expiresAt).toBe(expiresAt);
    expect(Date.parse(apiToken.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    created.push(apiToken);
  }
  const read = await data<{ node: { apiTokens: { edges: Array<{ node: { id: string; expiresAt: string; createdAt: string } }> } } }>(TOKENS, { id: user.id });
  const byId = new Map(read.node.apiTokens.edges.map(({ node }) => [node.id, node]));
  for (const token of created) expect(byId.get(token.id)).toEqual(token);
});

it("times the database's own clock sets (updated_at on an update) are UTC instants too, and read back unchanged", async () => {
  const before = Date.now();
  const { workspace } = (
    await data<{ createWorkspace: { workspace: { id: string; createdAt: string; updatedAt: string } } }>(CREATE_WORKSPACE, {
      input: { name: `Zones ${randomBytes(3).toString('hex')}` },
    })
  ).createWorkspace;
  const { workspace: updated } = (
    await data<{ updateWorkspace: { workspace: { id: string; createdAt: string; updatedAt: string } } }>(UPDATE_WORKSPACE, {
      input: { id: workspace.id, description: 'renamed across zones' },
    })
  ).updateWorkspace;
  const after = Date.now();
  // The same machine's clock: the stored instant lies between the two readings (a zone error is hours off).
  for (const instant of [workspace.createdAt, updated.updatedAt]) {
    expect(Date.parse(instant)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(instant)).toBeLessThanOrEqual(after + 1000);
  }
  expect(updated.createdAt).toBe(workspace.createdAt);
  expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(workspace.createdAt));
  expect((await data<{ workspace: unknown }>(WORKSPACE, { id: workspace.id })).workspace).toEqual(updated);
});
