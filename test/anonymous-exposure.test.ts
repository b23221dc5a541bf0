import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { createToken, createUser } from './identity-support.js';

/** Hardening, part 1, item 7: `/readyz` tells anonymous callers whether, administrators why. */
describe('/readyz detail', () => {
  let gateway: TestGateway;
  let cluster: RegisteredCluster;

  beforeAll(async () => {
    gateway = await startTestGateway();
    cluster = await registerCluster(gateway, await startSmallCluster());
    cluster.simulator.setReachable(false);
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  const readyz = async (authorization?: string) =>
    (await fetch(`${gateway.url}/readyz`, { headers: authorization === undefined ? {} : { authorization } })).json() as Promise<{
      ready: boolean;
      checks: Record<string, { ok: boolean; detail?: string }>;
    }>;

  test('anonymous callers and non-administrators see the verdict only: no cluster names, no errors', async () => {
    const user = await createUser(gateway, { name: 'Viewer', email: 'viewer@example.com' });
    const { token } = await createToken(gateway, { name: 'probe', userId: user.id, scopes: ['READ'] });
    for (const authorization of [undefined, `Bearer ${token}`, 'Bearer not-a-token-at-all-xxxxxxxx']) {
      const report = await readyz(authorization);
      expect(report).toEqual({ ready: true, checks: { database: { ok: true }, bus: { ok: true } } });
      expect(JSON.stringify(report)).not.toContain(cluster.name);
    }
  });

  test('a system administrator sees each cluster and why it is not running', async () => {
    const report = await readyz(`Bearer ${gateway.adminToken}`);
    expect(report.checks).toMatchObject({ database: { ok: true }, bus: { ok: true } });
    expect(Object.keys(report.checks)).toContain(`cluster:${cluster.name}`);
  });
});

/** Hardening, part 1, item 7: the schema is read by callers with credentials only (outside the embedded default). */
describe('introspection', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  test('anonymous introspection is refused with 401; with a token it answers; __typename stays free', async () => {
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Cluster") { name } }', 'query { ...F } fragment F on Query { __schema { types { name } } }']) {
      const anonymous = await gateway.request(query, {}, null);
      expect({ status: anonymous.status, code: anonymous.errors?.[0]?.extensions?.code, data: anonymous.data ?? null }).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
        data: null,
      });
    }
    expect((await gateway.request('{ __typename }', {}, null)).data).toEqual({ __typename: 'Query' });
    expect((await gateway.request<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }')).data?.__schema.queryType.name).toBe('Query');
  });
});
