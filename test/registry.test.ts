import { RegistryAccessError } from '../src/domains/builds/ports.js';
import { createRegistryClient } from '../src/infra/registry/registry-client.js';
import { loopbackEgress } from './support/egress.js';
import { pushImage } from '../src/simulator/builds/image-push.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { startTestRegistry, type TestRegistry } from './support/registry.js';

const CREATE_REGISTRY = `mutation ($input: CreateRegistryInput!) { createRegistry(input: $input) { registry { id name url kind username } } }`;
const REGISTRY_TREE = `query { registries(first: 10) { edges { node { name kind repositories(first: 10) { edges { node { name tags(first: 10) { edges { node { name digest sizeBytes } } } } } } } } } }`;

describe('registries: the HTTP API v2 against a real docker-registry', () => {
  let open: TestRegistry;
  let locked: TestRegistry;
  let gateway: TestGateway;
  const client = createRegistryClient({ egress: loopbackEgress(), timeoutMs: 5_000 });

  beforeAll(async () => {
    [open, locked, gateway] = await Promise.all([startTestRegistry(), startTestRegistry({ auth: true }), startTestGateway()]);
  });

  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop(), gateway?.stop()]);
  });

  it('reads repositories, tags, digests and sizes of pushed images', async () => {
    const anonymous = { username: null, password: null };
    const first = await pushImage({ registryUrl: open.url, repository: 'team/web', tag: 'v1', basicAuth: undefined }, 'first');
    const second = await pushImage({ registryUrl: open.url, repository: 'team/web', tag: 'v2', basicAuth: undefined }, 'second, a little longer');
    await pushImage({ registryUrl: open.url, repository: 'tools', tag: 'latest', basicAuth: undefined }, 'tools');

    await client.check(open.url, anonymous);
    expect(await client.repositories(open.url, anonymous)).toEqual(['team/web', 'tools']);
    expect(await client.tags(open.url, anonymous, 'team/web')).toEqual(['v1', 'v2']);
    expect(await client.manifest(open.url, anonymous, 'team/web', 'v1')).toEqual({ digest: first.digest, sizeBytes: first.sizeBytes });
    expect(await client.manifest(open.url, anonymous, 'team/web', 'v2')).toEqual({ digest: second.digest, sizeBytes: second.sizeBytes });
    expect(first.digest).not.toBe(second.digest);
    expect(await client.manifest(open.url, anonymous, 'team/web', 'missing')).toBeNull();
    expect(await client.tags(open.url, anonymous, 'nothing-here')).toEqual([]);
  });

  it('tells wrong credentials from an unreachable registry', async () => {
    await expect(client.check(locked.url, { username: locked.username ?? '', password: locked.password ?? '' })).resolves.toBeUndefined();
    await expect(client.check(locked.url, { username: locked.username ?? '', password: 'wrong' })).rejects.toMatchObject({ problem: 'unauthorized' });
    await expect(client.check(locked.url, { username: null, password: null })).rejects.toBeInstanceOf(RegistryAccessError);
    // A port nothing listens on (the registry that was there is gone).
    const gone = await startTestRegistry();
    await gone.stop();
    await expect(client.check(gone.url, { username: null, password: null })).rejects.toMatchObject({ problem: 'unreachable' });
  });

  it('createRegistry checks the credentials first, seals the password, and never shows it', async () => {
    const wrong = await gateway.request(CREATE_REGISTRY, { input: { name: 'locked', url: locked.url, kind: 'PRIVATE', username: locked.username, password: 'not-it' } });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });

    const unreachable = await gateway.request(CREATE_REGISTRY, { input: { name: 'nowhere', url: 'http://127.0.0.1:1', kind: 'PUBLIC' } });
    expect(unreachable.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });

    const created = await gateway.request<{ createRegistry: { registry: Record<string, unknown> } }>(CREATE_REGISTRY, {
      input: { name: 'locked', url: `${locked.url}/`, kind: 'PRIVATE', username: locked.username, password: locked.password },
    });
    expect(created.data?.createRegistry.registry).toMatchObject({ name: 'locked', url: locked.url, kind: 'PRIVATE', username: locked.username });
    const rows = await gateway.dataSource.query<Array<{ sealed_password: string }>>('SELECT sealed_password FROM registries');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.sealed_password).not.toContain(locked.password);

    const auth = Buffer.from(`${locked.username}:${locked.password}`).toString('base64');
    const pushed = await pushImage({ registryUrl: locked.url, repository: 'private/app', tag: '1.0', basicAuth: auth }, 'private app');
    const tree = await gateway.request<{ registries: unknown }>(REGISTRY_TREE);
    expect(tree.errors).toBeUndefined();
    const page = <N>(...nodes: N[]) => ({ edges: nodes.map((node) => ({ node })) });
    expect(tree.data?.registries).toEqual(
      page({ name: 'locked', kind: 'PRIVATE', repositories: page({ name: 'private/app', tags: page({ name: '1.0', digest: pushed.digest, sizeBytes: pushed.sizeBytes }) }) }),
    );
  });

  it('refuses a second registry of the same name and bad kinds or URLs', async () => {
    const duplicate = await gateway.request(CREATE_REGISTRY, { input: { name: 'locked', url: open.url, kind: 'PUBLIC' } });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });
    const badUrl = await gateway.request(CREATE_REGISTRY, { input: { name: 'ftp', url: 'ftp://example.com', kind: 'PUBLIC' } });
    expect(badUrl.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
  });
});
