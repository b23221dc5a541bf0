import { loadConfig } from '../src/config/config.js';
import { createUser } from './identity-support.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

interface Page {
  readonly totalCount: number;
  readonly edges: ReadonlyArray<{ readonly cursor: string; readonly node: { readonly key: string } }>;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly hasPreviousPage: boolean; readonly startCursor: string | null; readonly endCursor: string | null };
}

const PAGE = `totalCount edges { cursor node { key: name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
const MEMBER_PAGE = `totalCount edges { cursor node { key: addedAt user { email } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

const CLUSTER_PODS = `query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  cluster(id: $id) { pods(namespace: "paging", first: $first, after: $after, last: $last, before: $before) { ${PAGE} } }
}`;
const CLUSTER_WORKLOADS = `query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  cluster(id: $id) { workloads(namespace: "paging", first: $first, after: $after, last: $last, before: $before) { ${PAGE} } }
}`;
const MEMBERS = `query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  workspace(id: $id) { members(first: $first, after: $after, last: $last, before: $before) { ${MEMBER_PAGE} } }
}`;

type Fetch = (variables: Record<string, unknown>) => Promise<GraphqlResponse<unknown>>;

function pageOf(response: GraphqlResponse<unknown>): Page {
  if (response.errors !== undefined) throw new Error(JSON.stringify(response.errors));
  // Every query here asks for exactly one connection, one object deep.
  const root = Object.values(response.data as Record<string, Record<string, Page>>)[0]!;
  return Object.values(root)[0]!;
}

/** Pages through the whole list with first/after, checking each page's pageInfo; returns the cursors in order. */
async function forwards(fetch: Fetch, size: number): Promise<string[]> {
  const cursors: string[] = [];
  let after: string | null = null;
  for (let pageNumber = 0; ; pageNumber += 1) {
    const page = pageOf(await fetch({ first: size, after }));
    expect(page.pageInfo.hasPreviousPage).toBe(pageNumber > 0);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    cursors.push(...page.edges.map((edge) => edge.cursor));
    if (!page.pageInfo.hasNextPage) {
      expect(cursors).toHaveLength(page.totalCount);
      return cursors;
    }
    expect(page.edges).toHaveLength(size);
    after = page.pageInfo.endCursor;
  }
}

/** The same backwards, with last/before, from the end of the list. */
async function backwards(fetch: Fetch, size: number): Promise<string[]> {
  const cursors: string[] = [];
  let before: string | null = null;
  for (let pageNumber = 0; ; pageNumber += 1) {
    const page = pageOf(await fetch({ last: size, before }));
    expect(page.pageInfo.hasNextPage).toBe(pageNumber > 0);
    cursors.unshift(...page.edges.map((edge) => edge.cursor));
    if (!page.pageInfo.hasPreviousPage) {
      expect(cursors).toHaveLength(page.totalCount);
      return cursors;
    }
    expect(page.edges).toHaveLength(size);
    before = page.pageInfo.startCursor;
  }
}

/** Forwards and backwards, in pages of 2 and 3, give the whole list once each, in its order. */
async function expectPagesJoinUp(fetch: Fetch, expectedCount: number): Promise<string[]> {
  const whole = pageOf(await fetch({ first: 500 }));
  expect(whole.totalCount).toBe(expectedCount);
  expect(whole.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  const all = whole.edges.map((edge) => edge.cursor);
  expect(new Set(all).size).toBe(expectedCount);
  for (const size of [2, 3]) {
    expect(await forwards(fetch, size)).toEqual(all);
    expect(await backwards(fetch, size)).toEqual(all);
  }
  return whole.edges.map((edge) => edge.node.key);
}

function expectBadInput(response: GraphqlResponse<unknown>, field: string): void {
  expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
}

describe('connections: paging forwards and backwards, page sizes and cursors', () => {
  let gateway: TestGateway;
  let cluster: RegisteredCluster;
  let workspaceId: string;
  const pods = (variables: Record<string, unknown>) => gateway.request(CLUSTER_PODS, { id: cluster.id, ...variables });
  const workloads = (variables: Record<string, unknown>) => gateway.request(CLUSTER_WORKLOADS, { id: cluster.id, ...variables });
  const members = (variables: Record<string, unknown>) => gateway.request(MEMBERS, { id: workspaceId, ...variables });

  beforeAll(async () => {
    gateway = await startTestGateway();
    const simulator = await startSmallCluster();
    simulator.addNamespace('paging');
    for (const name of ['p-3', 'p-0', 'p-5', 'p-1', 'p-6', 'p-2', 'p-4']) {
      simulator.createPod({ namespace: 'paging', name, nodeName: 'worker-1', labels: { app: 'paging' }, containers: [{ name: 'main', image: 'example/paging:1' }] });
    }
    // CronJobs run only when triggered: the list stays as made.
    for (const name of ['nightly-c', 'nightly-a', 'nightly-e', 'nightly-b', 'nightly-d']) {
      simulator.addCronJob({ namespace: 'paging', name, schedule: '0 3 * * *', labels: { app: name }, containers: [{ name: 'report', image: 'report:1' }] });
    }
    cluster = await registerCluster(gateway, simulator);
    await waitFor('the paging objects in the caches', async () => pageOf(await pods({ first: 0 })).totalCount === 7 && pageOf(await workloads({ first: 0 })).totalCount === 5);

    const created = await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(`mutation { createWorkspace(input: { name: "Paging Team" }) { workspace { id } } }`);
    workspaceId = created.data!.createWorkspace.workspace.id;
    for (let index = 0; index < 6; index += 1) {
      const user = await createUser(gateway, { name: `Member ${index}`, email: `member${index}@example.com`, systemRole: 'USER' });
      const added = await gateway.request(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, {
        input: { workspaceId, userId: user.id, role: 'VIEWER' },
      });
      expect(added.errors).toBeUndefined();
    }
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  test("a cluster's pods page forwards and backwards with no gap or duplicate, by namespace and name", async () => {
    expect(await expectPagesJoinUp(pods, 7)).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6']);
  });

  test("a cluster's workloads page forwards and backwards", async () => {
    expect(await expectPagesJoinUp(workloads, 5)).toEqual(['nightly-a', 'nightly-b', 'nightly-c', 'nightly-d', 'nightly-e']);
  });

  test("a workspace's members page forwards and backwards, in the order they joined", async () => {
    const joined = await expectPagesJoinUp(members, 6);
    expect(joined).toEqual([...joined].sort());
  });

  test('a page boundary stays put while pods come and go', async () => {
    const first = pageOf(await pods({ first: 3 }));
    expect(first.edges.map((edge) => edge.node.key)).toEqual(['p-0', 'p-1', 'p-2']);
    // The last pod of the page goes and one sorts in before the boundary: the next page still starts right after p-2.
    cluster.simulator.deletePod('paging', 'p-2');
    cluster.simulator.createPod({ namespace: 'paging', name: 'p-00', nodeName: 'worker-1', labels: { app: 'paging' }, containers: [{ name: 'main', image: 'example/paging:1' }] });
    await waitFor('the change in the cache', async () => {
      const names = pageOf(await pods({ first: 500 })).edges.map((edge) => edge.node.key);
      return names.includes('p-00') && !names.includes('p-2');
    });
    const next = pageOf(await pods({ first: 3, after: first.pageInfo.endCursor }));
    expect(next.edges.map((edge) => edge.node.key)).toEqual(['p-3', 'p-4', 'p-5']);
    expect(next.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const back = pageOf(await pods({ last: 10, before: next.pageInfo.startCursor }));
    expect(back.edges.map((edge) => edge.node.key)).toEqual(['p-0', 'p-00', 'p-1']);
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  test('page sizes: 0 gives only the count; negative or above the maximum is BAD_USER_INPUT naming the argument', async () => {
    const empty = pageOf(await workloads({ first: 0 }));
    expect(empty).toEqual({ totalCount: 5, edges: [], pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null } });
    expectBadInput(await workloads({ first: 501 }), 'first');
    expectBadInput(await workloads({ last: 501 }), 'last');
    expectBadInput(await workloads({ first: -1 }), 'first');
    expectBadInput(await members({ last: -1 }), 'last');
  });

  test('first with last, and after with before, are refused', async () => {
    expectBadInput(await pods({ first: 2, last: 2 }), 'last');
    const cursor = pageOf(await pods({ first: 1 })).pageInfo.endCursor;
    expectBadInput(await pods({ after: cursor, before: cursor }), 'before');
  });

  test('malformed cursors, and cursors of another list, are BAD_USER_INPUT naming the argument', async () => {
    expectBadInput(await pods({ after: 'not a cursor!' }), 'after');
    expectBadInput(await pods({ last: 2, before: 'bm90LWEtY3Vyc29y' }), 'before');
    const workloadCursor = pageOf(await workloads({ first: 1 })).pageInfo.endCursor;
    const memberCursor = pageOf(await members({ first: 1 })).pageInfo.endCursor;
    expectBadInput(await pods({ after: workloadCursor }), 'after');
    expectBadInput(await members({ last: 1, before: workloadCursor }), 'before');
    expectBadInput(await workloads({ after: memberCursor }), 'after');
    const audit = await gateway.request(`query ($after: String) { auditLog(after: $after) { totalCount } }`, { after: memberCursor });
    expectBadInput(audit, 'after');
  });
});

describe('connections: KDA_MAX_PAGE_SIZE', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ maxPageSize: loadConfig({ KDA_MAX_PAGE_SIZE: '3' }).maxPageSize });
    for (let index = 0; index < 5; index += 1) await createUser(gateway, { name: `User ${index}`, email: `user${index}@example.com`, systemRole: 'USER' });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  test('the configured maximum is the limit, and the default page never exceeds it', async () => {
    const USERS = `query ($first: Int, $last: Int) { users(first: $first, last: $last) { totalCount edges { node { email } } pageInfo { hasNextPage } } }`;
    const full = await gateway.request<{ users: { totalCount: number; edges: unknown[]; pageInfo: { hasNextPage: boolean } } }>(USERS, { first: 3 });
    expect(full.errors).toBeUndefined();
    expect(full.data?.users).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
    expect(full.data?.users.edges).toHaveLength(3);
    expectBadInput(await gateway.request(USERS, { first: 4 }), 'first');
    expectBadInput(await gateway.request(USERS, { last: 4 }), 'last');
    const byDefault = await gateway.request<{ users: { edges: unknown[] } }>(USERS, {});
    expect(byDefault.data?.users.edges).toHaveLength(3);
  });
});
