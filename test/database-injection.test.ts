/**
 * Hostile values in every argument that filters a list read from the database (the schema has no
 * sort argument: every list has one fixed order). Each is matched literally or refused with a
 * GraphQL error carrying `extensions.code`; none reaches SQL as code, and none shows another
 * workspace's rows. And at the store level, a workspace-scoped query without its scope is an
 * error, never "every row".
 */
import { randomBytes } from 'node:crypto';
import { createAlertStore } from '../src/infra/db/alert-store.js';
import { createAppMapStore } from '../src/infra/db/app-map-store.js';
import { createBuildStores } from '../src/infra/db/build-stores.js';
import { createCatalogStores } from '../src/infra/db/catalog-stores.js';
import { createReleaseStore } from '../src/infra/db/release-stores.js';
import { MissingTenantScopeError } from '../src/infra/db/tenant-scope.js';
import { localKeyOf } from '../src/shared/global-id.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';

const HOSTILE = [
  "' OR '1'='1",
  "x'; DROP TABLE workspaces; --",
  '`workspaces`',
  '%',
  '_',
  '\\',
  '" OR ""="',
  '1) UNION SELECT id, name, slug, description, created_at, updated_at FROM workspaces -- ',
  '\u0000',
];

const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const CREATE_USER = `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`;
const ADD_MEMBER = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
const CREATE_TOKEN = `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }`;
const CREATE_PACKAGE = `mutation ($input: CreateCatalogPackageInput!) { createCatalogPackage(input: $input) { catalogPackage { id } } }`;
const PACKAGES = `query ($workspaceId: ID, $search: String, $tag: String, $scope: CatalogScope) {
  catalogPackages(workspaceId: $workspaceId, search: $search, tag: $tag, scope: $scope, first: 100) { totalCount edges { node { name workspaceId } } } }`;
const AUDIT = `query ($filter: AuditLogFilter) { auditLog(filter: $filter, first: 100) { totalCount edges { node { action } } } }`;
const APP_MAPS = `query ($workspaceId: ID, $clusterId: ID, $name: String) { appMaps(workspaceId: $workspaceId, clusterId: $clusterId, name: $name, first: 100) { totalCount } }`;
const RELEASES = `query ($workspaceId: ID, $clusterId: ID, $namespace: String, $appMapName: String) {
  releases(workspaceId: $workspaceId, clusterId: $clusterId, namespace: $namespace, appMapName: $appMapName, first: 100) { totalCount } }`;
const BUILDS = `query ($workspaceId: ID!) { builds(workspaceId: $workspaceId, first: 100) { totalCount } }`;
const ALERTS = `query ($workspaceId: ID!, $state: AlertState!) { alerts(workspaceId: $workspaceId, state: $state, first: 100) { totalCount } }`;
const WORKSPACES = `query { workspaces(first: 100) { totalCount edges { node { id name } } } }`;

interface Answer<T> {
  readonly data?: T;
  readonly errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
}

let gateway: TestGateway;
let ours: string;
let theirs: string;
let aliceToken: string;

function mustSucceed<T>(answer: Answer<T>, what: string): T {
  if (answer.data === undefined || answer.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

/** An answer that either refuses the value with a code, or answers: never a generic internal error. */
function refusedWithCode(answer: Answer<unknown>): boolean {
  if (answer.errors === undefined) return false;
  for (const error of answer.errors) expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'NOT_FOUND', 'FORBIDDEN']).toContain(error.extensions?.code);
  return true;
}

beforeAll(async () => {
  gateway = await startTestGateway();
  const create = async (name: string) =>
    mustSucceed(await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE_WORKSPACE, { input: { name } }), name).createWorkspace.workspace.id;
  ours = await create('Injection Ours');
  theirs = await create('Injection Theirs');
  const alice = mustSucceed(
    await gateway.request<{ createUser: { user: { id: string } } }>(CREATE_USER, { input: { name: 'Alice', email: `alice-${randomBytes(3).toString('hex')}@example.com` } }),
    'user',
  ).createUser.user.id;
  mustSucceed(await gateway.request(ADD_MEMBER, { input: { workspaceId: ours, userId: alice, role: 'MANAGER' } }), 'member');
  aliceToken = mustSucceed(
    await gateway.request<{ createApiToken: { token: string } }>(CREATE_TOKEN, { input: { userId: alice, name: 'alice', scopes: ['READ', 'WRITE'] } }),
    'token',
  ).createApiToken.token;
  // Names, descriptions and tags carrying the characters a LIKE pattern or a quote would give meaning to.
  for (const [workspaceId, name, description, tags] of [
    [ours, 'ours-percent', 'a 100% literal match', ['ours']],
    [ours, 'ours-plain', 'nothing special', ['ours']],
    [theirs, 'theirs-underscore', 'their_secret and 100% theirs', ['theirs', 'their_tag']],
  ] as const) {
    mustSucceed(await gateway.request(CREATE_PACKAGE, { input: { workspaceId, name, description, tags } }), name);
  }
});

afterAll(async () => {
  await gateway?.stop();
});

it('catalog search and tag match literally (%, _, quotes), and never show another workspace', async () => {
  const names = async (variables: Record<string, unknown>) =>
    mustSucceed(await gateway.request<{ catalogPackages: { edges: Array<{ node: { name: string } }> } }>(PACKAGES, { scope: 'WORKSPACE', ...variables }, aliceToken), 'list')
      .catalogPackages.edges.map(({ node }) => node.name)
      .sort();
  expect(await names({ search: '%' })).toEqual(['ours-percent']);
  expect(await names({ search: '_' })).toEqual([]);
  expect(await names({ search: '100%' })).toEqual(['ours-percent']);
  expect(await names({})).toEqual(['ours-percent', 'ours-plain']);
  for (const hostile of HOSTILE) {
    for (const variables of [{ search: hostile }, { tag: hostile }]) {
      const answer = await gateway.request<{ catalogPackages: { edges: Array<{ node: { name: string } }> } }>(PACKAGES, { scope: 'WORKSPACE', ...variables }, aliceToken);
      if (refusedWithCode(answer)) continue;
      expect(answer.data?.catalogPackages.edges.map(({ node }) => node.name).filter((name) => name.startsWith('theirs'))).toEqual([]);
    }
  }
  expect(await names({ tag: 'their_tag' })).toEqual([]);
  expect(await names({ tag: 'ours' })).toEqual(['ours-percent', 'ours-plain']);
  // A huge value is refused by name before anything runs.
  const huge = await gateway.request(PACKAGES, { search: 'x'.repeat(200_000) }, aliceToken);
  expect(huge.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
});

it('enum arguments accept only their values, inline or through variables', async () => {
  for (const scope of ["ALL' OR '1'='1", 'ALL; DROP TABLE workspaces', 'all', 'WORKSPACE OR 1=1']) {
    const answer = await gateway.request(PACKAGES, { scope }, aliceToken);
    expect(answer.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(answer.data ?? null).toBeNull();
  }
  const alerts = await gateway.request(ALERTS, { workspaceId: ours, state: "OPEN' OR '1'='1" }, aliceToken);
  expect(alerts.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  const inline = await gateway.request(`query { catalogPackages(scope: ALL_OF_THEM) { totalCount } }`, {}, aliceToken);
  expect(inline.errors?.[0]?.extensions?.['code']).toMatch(/^(GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT)$/);
  // No list takes a sort argument: an order (or a column) cannot be injected.
  const sorted = await gateway.request(`query { workspaces(first: 10, orderBy: "name; DROP TABLE workspaces") { totalCount } }`, {}, aliceToken);
  expect(sorted.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
});

it('audit log filters match literally: hostile values find nothing and change nothing', async () => {
  const everything = mustSucceed(await gateway.request<{ auditLog: { totalCount: number } }>(AUDIT, {}), 'audit').auditLog.totalCount;
  expect(everything).toBeGreaterThan(0);
  for (const hostile of HOSTILE) {
    for (const field of ['action', 'outcome', 'actorId', 'targetId', 'workspaceId']) {
      const answer = await gateway.request<{ auditLog: { totalCount: number } }>(AUDIT, { filter: { [field]: hostile } });
      if (refusedWithCode(answer)) continue;
      expect(answer.data?.auditLog.totalCount).toBe(0);
    }
  }
  for (const from of ["2020-01-01' OR '1'='1", '2020-01-01T00:00:00', 'now()']) {
    const answer = await gateway.request(AUDIT, { filter: { from } });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  }
  // Every table is still there, every row too.
  expect(mustSucceed(await gateway.request<{ workspaces: { totalCount: number } }>(WORKSPACES), 'workspaces').workspaces.totalCount).toBe(2);
});

it("filters of maps, releases, builds and alerts: hostile values and another workspace's id show nothing of it", async () => {
  for (const hostile of HOSTILE) {
    for (const [query, variables] of [
      [APP_MAPS, { workspaceId: ours, name: hostile }],
      [APP_MAPS, { workspaceId: hostile }],
      [APP_MAPS, { clusterId: hostile }],
      [RELEASES, { workspaceId: ours, namespace: hostile }],
      [RELEASES, { workspaceId: ours, appMapName: hostile }],
      [RELEASES, { workspaceId: hostile }],
      [BUILDS, { workspaceId: hostile }],
      [ALERTS, { workspaceId: hostile, state: 'ALL' }],
      [PACKAGES, { workspaceId: hostile }],
    ] as const) {
      const answer = await gateway.request<Record<string, { totalCount: number }>>(query, variables, aliceToken);
      if (refusedWithCode(answer)) continue;
      for (const list of Object.values(answer.data ?? {})) expect(list.totalCount).toBe(0);
    }
  }
  // Another workspace's real id looks missing, whatever the list.
  for (const [query, variables] of [
    [BUILDS, { workspaceId: theirs }],
    [ALERTS, { workspaceId: theirs, state: 'ALL' }],
    [PACKAGES, { workspaceId: theirs }],
    [APP_MAPS, { workspaceId: theirs }],
    [RELEASES, { workspaceId: theirs }],
  ] as const) {
    const answer = await gateway.request(query, variables, aliceToken);
    expect(answer.errors?.[0]?.extensions?.['code']).toMatch(/^(NOT_FOUND|FORBIDDEN)$/);
  }
});

it('a workspace-scoped store query without its scope throws instead of matching every row', async () => {
  const dataSource = gateway.dataSource;
  const theirKey = localKeyOf(theirs, 'Workspace');
  // A node alert (no namespace, no workspace) on a cluster no workspace here is allotted: what a scope-less query would show.
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SET FOREIGN_KEY_CHECKS = 0');
    await runner.query(
      "INSERT INTO alerts (id, fingerprint, open_key, kind, severity, cluster_id, workspace_id, namespace, object_kind, object_name, message, opened_at) VALUES (?, 'node/injection', 'node/injection', 'NODE_NOT_READY', 'CRITICAL', 'injection-cluster', NULL, NULL, 'Node', 'n1', 'down', ?)",
      [randomBytes(16).toString('hex').slice(0, 36), new Date()],
    );
  } finally {
    await runner.query('SET FOREIGN_KEY_CHECKS = 1');
    await runner.release();
  }
  const alerts = createAlertStore(dataSource);
  const missing = [undefined, null, ''] as unknown as string[];
  await expect(alerts.list(theirKey, new Map(), 'ALL', 100)).rejects.toThrow(MissingTenantScopeError);
  for (const workspaceId of missing) await expect(alerts.list(workspaceId, new Map([['injection-cluster', null]]), 'ALL', 100)).rejects.toThrow(MissingTenantScopeError);
  for (const workspaceIds of [undefined, null, [undefined], ['']] as unknown as string[][]) {
    await expect(createAppMapStore(dataSource).list({ workspaceIds })).rejects.toThrow(MissingTenantScopeError);
    await expect(createReleaseStore(dataSource).list({ workspaceIds })).rejects.toThrow(MissingTenantScopeError);
    await expect(createCatalogStores(dataSource).packages.list({ global: true, workspaceIds })).rejects.toThrow(MissingTenantScopeError);
    await expect(createBuildStores(dataSource).builds.listByWorkspaces(workspaceIds)).rejects.toThrow(MissingTenantScopeError);
  }
  for (const workspaceId of missing) await expect(createBuildStores(dataSource).builds.listByWorkspace(workspaceId)).rejects.toThrow(MissingTenantScopeError);
  // An empty list of workspaces is a scope: it matches nothing.
  expect(await createCatalogStores(dataSource).packages.list({ global: false, workspaceIds: [] })).toEqual([]);
});
