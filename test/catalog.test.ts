import { randomBytes } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { toGlobalId } from '../src/shared/global-id.js';
import { createToken, createUser } from './identity-support.js';
import { nodesOf, type Connection } from './support/connections.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';

const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const ADD_MEMBER = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
const CREATE_PACKAGE = `mutation ($input: CreateCatalogPackageInput!) { createCatalogPackage(input: $input) { catalogPackage { id name global workspaceId tags icon } } }`;
const UPDATE_PACKAGE = `mutation ($input: UpdateCatalogPackageInput!) { updateCatalogPackage(input: $input) { catalogPackage { id name description icon tags } } }`;
const DELETE_PACKAGE = `mutation ($id: ID!) { deleteCatalogPackage(input: { id: $id }) { deletedCatalogPackageId } }`;
const IMPORT = `mutation ($input: ImportPackageVersionInput!) {
  importPackageVersion(input: $input) { packageVersion { id version packageId } catalogPackage { id latestVersion { version } } warnings }
}`;
const DELETE_VERSION = `mutation ($id: ID!) { deletePackageVersion(input: { id: $id }) { deletedPackageVersionId catalogPackage { versions { totalCount } } } }`;
const PACKAGE = `query ($id: ID!) {
  catalogPackage(id: $id) {
    id name description global tags icon
    latestVersion { version }
    versions { totalCount edges { node { id version description packageId parametersSchema defaultValues manifestYaml templates { index kind name apiVersion } } } }
  }
}`;
const RENDER = `query ($id: ID!, $values: JSONObject) {
  catalogPackageVersion(id: $id) { render(values: $values) { values yaml objects { kind name templateIndex manifest } } }
}`;
const LIST = `query ($workspaceId: ID, $scope: CatalogScope, $tag: String, $search: String, $first: Int, $after: String) {
  catalogPackages(workspaceId: $workspaceId, scope: $scope, tag: $tag, search: $search, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id name global } }
  }
}`;
const NODE = `query ($id: ID!) { node(id: $id) { id __typename ... on CatalogPackage { name } ... on CatalogPackageVersion { version } } }`;

const MANIFESTS = `# a web application: a Service in front of a Deployment, its settings in a ConfigMap
apiVersion: v1
kind: Service
metadata:
  name: \${{ params.name }}
  namespace: somewhere-else
spec:
  selector:
    app: \${{ params.name }}
  ports:
    - port: \${{ params.port }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: \${{ params.name }}
  uid: 1b6f3c1e-0000-4000-8000-000000000000
spec:
  replicas: \${{ params.replicas }}
  selector:
    matchLabels:
      app: \${{ params.name }}
  template:
    metadata:
      labels:
        app: \${{ params.name }}
    spec:
      containers:
        - name: web
          image: "nginx:\${{ params.tag }}"
          env:
            - name: PORT
              value: "\${{ params.port | string }}"
            - name: API_KEY
              valueFrom: { secretKeyRef: { name: web-secrets, key: api-key } }
---
apiVersion: v1
kind: Secret
metadata:
  name: web-secrets
stringData:
  api-key: \${{ params.apiKey }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  mode: "0644"
  enabled: "yes"
`;
const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 40, default: 'web' },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 8080 },
    replicas: { type: 'integer', minimum: 0, maximum: 10, default: 2 },
    tag: { type: 'string', maxLength: 50, default: '1.27' },
    apiKey: { type: 'string', minLength: 8, maxLength: 100, description: 'Given at deploy: no default.' },
  },
  required: ['apiKey'],
};

interface VersionNode {
  id: string;
  version: string;
  description: string | null;
  packageId: string;
  parametersSchema: Record<string, unknown>;
  defaultValues: Record<string, unknown>;
  manifestYaml: string;
  templates: Array<{ index: number; kind: string; name: string; apiVersion: string }>;
}

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

function errorOf(response: GraphqlResponse<unknown>): { message: string; extensions: Record<string, unknown> } {
  const error = response.errors?.[0];
  if (error === undefined) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
  return { message: error.message, extensions: error.extensions ?? {} };
}

describe('catalog: packages and versions through the gateway, on MariaDB', () => {
  let gateway: TestGateway;
  let teamA: string;
  let teamB: string;
  const tokens: Record<string, string> = {};

  async function count(table: string): Promise<number> {
    const [row] = await gateway.dataSource.query<Array<{ n: number | string }>>(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(row?.n ?? 0);
  }

  async function createPackage(input: Record<string, unknown>, token = gateway.adminToken): Promise<string> {
    return data(await gateway.request<{ createCatalogPackage: { catalogPackage: { id: string } } }>(CREATE_PACKAGE, { input }, token), 'createCatalogPackage').createCatalogPackage
      .catalogPackage.id;
  }

  async function importVersion(input: Record<string, unknown>, token = gateway.adminToken) {
    return gateway.request<{
      importPackageVersion: { packageVersion: { id: string; version: string }; catalogPackage: { latestVersion: { version: string } }; warnings: string[] };
    }>(IMPORT, { input: { manifests: MANIFESTS, parametersSchema: SCHEMA, ...input } }, token);
  }

  beforeAll(async () => {
    // One connection: MariaDB's per-session counter then counts every statement of a request.
    // Answers may be large here: the catalog's own budget on what one operation reads is under test, not the answer cap.
    gateway = await startTestGateway({ limits: { maxResponseBytes: 128 * 1024 * 1024 } }, { connectionLimit: 1 });
    const workspace = async (name: string) =>
      data(await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE_WORKSPACE, { input: { name } }), 'createWorkspace').createWorkspace.workspace.id;
    teamA = await workspace('Sports Team');
    teamB = await workspace('MIS Team');
    const member = async (key: string, workspaceId: string, role: string) => {
      const user = await createUser(gateway, { name: key, email: `${key}-${randomBytes(3).toString('hex')}@example.com`, systemRole: 'USER' });
      data(await gateway.request(ADD_MEMBER, { input: { workspaceId, userId: user.id, role } }), 'addWorkspaceMember');
      tokens[key] = (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token;
    };
    await member('devops', teamA, 'DEVOPS');
    await member('viewer', teamA, 'VIEWER');
    await member('outsider', teamB, 'VIEWER');
    await member('outsiderManager', teamB, 'MANAGER');
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('create, import, read back, render and export: the exported YAML re-imports to the same version', async () => {
    const packageId = await createPackage({ name: 'Web app', description: 'A web application', tags: ['web', 'demo'], icon: 'https://icons.example.com/web.svg' });
    const imported = await importVersion({ packageId, version: '1.0.0', description: 'First release' });
    const { packageVersion, catalogPackage, warnings } = data(imported, 'importPackageVersion').importPackageVersion;
    expect(packageVersion.version).toBe('1.0.0');
    expect(catalogPackage.latestVersion.version).toBe('1.0.0');
    // The namespace and the server-written uid are dropped, and the import says so.
    expect(warnings).toEqual([expect.stringMatching(/document 1: dropped metadata.namespace/), expect.stringMatching(/document 2: dropped metadata.uid/)]);

    const read = data(
      await gateway.request<{ catalogPackage: { global: boolean; tags: string[]; icon: string; versions: Connection<VersionNode> } }>(PACKAGE, { id: packageId }),
      'catalogPackage',
    ).catalogPackage;
    expect(read).toMatchObject({ global: true, tags: ['web', 'demo'], icon: 'https://icons.example.com/web.svg' });
    const [version] = nodesOf(read.versions);
    expect(version).toMatchObject({ version: '1.0.0', description: 'First release', packageId, parametersSchema: SCHEMA });
    expect(version!.defaultValues).toEqual({ name: 'web', port: 8080, replicas: 2, tag: '1.27' });
    expect(version!.templates.map((template) => `${template.kind}/${template.name}`)).toEqual([
      'Service/${{ params.name }}',
      'Deployment/${{ params.name }}',
      'Secret/web-secrets',
      'ConfigMap/web-settings',
    ]);
    // YAML 1.1 strings that would read otherwise stay strings on the way out.
    expect(version!.manifestYaml).toContain('enabled: "yes"');
    expect(version!.manifestYaml).toContain('mode: "0644"');

    const rendered = data(
      await gateway.request<{
        catalogPackageVersion: { render: { values: Record<string, unknown>; yaml: string; objects: Array<{ kind: string; name: string; manifest: Record<string, unknown> }> } };
      }>(RENDER, {
        id: version!.id,
        values: { apiKey: 'k-12345678', replicas: 3 },
      }),
      'render',
    ).catalogPackageVersion.render;
    expect(rendered.values).toEqual({ name: 'web', port: 8080, replicas: 3, tag: '1.27', apiKey: 'k-12345678' });
    // Apply order: the Secret and the ConfigMap, then the Service, then the Deployment.
    expect(rendered.objects.map((object) => `${object.kind}/${object.name}`)).toEqual(['Secret/web-secrets', 'ConfigMap/web-settings', 'Service/web', 'Deployment/web']);
    expect(rendered.objects[3]!.manifest).toMatchObject({
      spec: { replicas: 3, template: { spec: { containers: [{ image: 'nginx:1.27', env: [{ name: 'PORT', value: '8080' }, { name: 'API_KEY' }] }] } } },
    });
    expect(parseAllDocuments(rendered.yaml).map((document) => (document.toJS() as { kind: string }).kind)).toEqual(['Secret', 'ConfigMap', 'Service', 'Deployment']);

    // Export, re-import as 1.0.1: the same templates, the same schema, no warnings this time.
    const again = data(
      await importVersion({ packageId, version: '1.0.1', manifests: version!.manifestYaml, parametersSchema: version!.parametersSchema }),
      'importPackageVersion',
    ).importPackageVersion;
    expect(again.warnings).toEqual([]);
    const versions = nodesOf(
      data(await gateway.request<{ catalogPackage: { versions: Connection<VersionNode> } }>(PACKAGE, { id: packageId }), 'catalogPackage').catalogPackage.versions,
    );
    expect(versions.map((item) => item.version)).toEqual(['1.0.1', '1.0.0']);
    expect(versions[0]!.manifestYaml).toBe(versions[1]!.manifestYaml);
    expect(versions[0]!.templates).toEqual(versions[1]!.templates);
    const stored = await gateway.dataSource.query<Array<{ templates: string }>>('SELECT templates FROM catalog_package_versions ORDER BY version');
    expect(stored[0]!.templates).toBe(stored[1]!.templates);

    // node() finds both, as the same types.
    expect(data(await gateway.request<{ node: { __typename: string; name: string } }>(NODE, { id: packageId }), 'node').node).toMatchObject({
      __typename: 'CatalogPackage',
      name: 'Web app',
    });
    expect(data(await gateway.request<{ node: { __typename: string; version: string } }>(NODE, { id: version!.id }), 'node').node).toMatchObject({
      __typename: 'CatalogPackageVersion',
      version: '1.0.0',
    });
  });

  it('bad input names the field (and the document and path), with extensions.code, and writes nothing', async () => {
    const packageId = await createPackage({ name: 'Strict app' });
    const before = await count('catalog_package_versions');
    const refused = async (input: Record<string, unknown>) => errorOf(await importVersion({ packageId, version: '1.0.0', ...input }));

    const invalidYaml = await refused({ manifests: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: [broken\n' });
    expect(invalidYaml.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'manifests', document: 1 });

    const disallowed = await refused({ manifests: `${MANIFESTS}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: everyone-admin }\n` });
    expect(disallowed.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'manifests', document: 5, path: 'kind' });
    expect(disallowed.message).toMatch(
      /manifests: document 5 at kind: ClusterRoleBinding is not allowed in a package: use Deployment, StatefulSet, DaemonSet, Job, CronJob, Service/,
    );

    const unknownParameter = await refused({ manifests: MANIFESTS.replace('params.tag', 'params.version') });
    expect(unknownParameter.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'manifests', document: 2, path: 'spec.template.spec.containers[0].image' });
    expect(unknownParameter.message).toMatch(/document 2 \(Deployment \$\{\{ params.name \}\}\) at spec.template.spec.containers\[0\].image: unknown parameter params.version/);

    const badDefault = await refused({ parametersSchema: { ...SCHEMA, properties: { ...SCHEMA.properties, replicas: { type: 'integer', default: 'two' } } } });
    expect(badDefault.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parametersSchema', path: 'replicas' });
    const unsafePattern = await refused({ parametersSchema: { ...SCHEMA, properties: { ...SCHEMA.properties, tag: { type: 'string', maxLength: 50, pattern: '^(a+)+$' } } } });
    expect(unsafePattern.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parametersSchema' });

    const badVersion = await refused({ version: 'latest' });
    expect(badVersion.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'version' });
    // A hostile document: an alias bomb is refused, not expanded.
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: { name: bomb }', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level <= 9; level += 1)
      lines.push(
        `l${level}: &l${level} [${Array(10)
          .fill(level === 1 ? '*a' : `*l${level - 1}`)
          .join(', ')}]`,
      );
    expect((await refused({ manifests: lines.join('\n') })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'manifests',
    });
    expect(await count('catalog_package_versions')).toBe(before);

    const first = data(await importVersion({ packageId, version: '1.0.0' }), 'importPackageVersion').importPackageVersion.packageVersion;
    const duplicate = await refused({});
    expect(duplicate.extensions).toEqual({ code: 'CONFLICT', field: 'version' });
    expect(await count('catalog_package_versions')).toBe(before + 1);

    // Values at render: checked against the schema with the defaults filled in.
    const render = async (values: Record<string, unknown>) => errorOf(await gateway.request(RENDER, { id: first.id, values }));
    expect(await render({})).toEqual({
      message: 'values.apiKey: missing required parameter apiKey',
      extensions: { code: 'BAD_USER_INPUT', field: 'values.apiKey', path: 'apiKey' },
    });
    expect((await render({ apiKey: 'k-12345678', replicas: 'three' })).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'values.replicas', path: 'replicas' });
    expect((await render({ apiKey: 'k-12345678', replicas: 11 })).extensions).toMatchObject({ field: 'values.replicas' });
    expect((await render({ apiKey: 'k-12345678', colour: 'red' })).message).toBe('values.colour: unknown parameter colour');
    // A value the schema lets through but Kubernetes would refuse: named as the value at fault, with where it lands.
    const badName = await render({ apiKey: 'k-12345678', name: 'Not A Name' });
    expect(badName.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'values.name', document: 1, path: 'metadata.name' });
    expect(badName.message).toMatch(/^values.name: document 1 \(Service Not A Name\) at metadata.name: "Not A Name" is not a Service name/);
    const polluting = await gateway.request(RENDER, { id: first.id, values: JSON.parse('{"apiKey": "k-12345678", "__proto__": {"admin": true}}') as Record<string, unknown> });
    expect(errorOf(polluting).extensions).toMatchObject({ code: 'BAD_USER_INPUT' });

    // Package fields.
    const badPackage = errorOf(await gateway.request(CREATE_PACKAGE, { input: { name: 'Icon', icon: 'javascript:alert(1)' } }));
    expect(badPackage.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'icon' });
    const clash = errorOf(await gateway.request(CREATE_PACKAGE, { input: { name: 'STRICT APP' } }));
    expect(clash.extensions).toEqual({ code: 'CONFLICT', field: 'name' });
  });

  it("a workspace's packages: its DEVOPS writes, its VIEWER reads; another team's member sees them exactly as missing ones", async () => {
    const packageId = await createPackage({ workspaceId: teamA, name: 'electro-shop', tags: ['shop'] }, tokens.devops);
    const version = data(await importVersion({ packageId, version: '2.1.0' }, tokens.devops), 'importPackageVersion').importPackageVersion.packageVersion;

    // The VIEWER of the team reads it and may not change it.
    expect(data(await gateway.request<{ catalogPackage: { name: string } }>(PACKAGE, { id: packageId }, tokens.viewer), 'catalogPackage').catalogPackage.name).toBe('electro-shop');
    expect(errorOf(await gateway.request(UPDATE_PACKAGE, { input: { id: packageId, description: 'x' } }, tokens.viewer)).extensions.code).toBe('FORBIDDEN');
    expect(errorOf(await importVersion({ packageId, version: '2.2.0' }, tokens.viewer)).extensions.code).toBe('FORBIDDEN');
    expect(errorOf(await gateway.request(CREATE_PACKAGE, { input: { workspaceId: teamA, name: 'x' } }, tokens.viewer)).extensions.code).toBe('FORBIDDEN');
    // Nobody but an administrator writes global packages.
    expect(errorOf(await gateway.request(CREATE_PACKAGE, { input: { name: 'global by devops' } }, tokens.devops)).extensions.code).toBe('FORBIDDEN');

    // Another team: exactly like a package that does not exist.
    const missingId = toGlobalId('CatalogPackage', '00000000-0000-4000-8000-000000000000');
    const missingVersionId = toGlobalId('CatalogPackageVersion', '00000000-0000-4000-8000-000000000000');
    for (const token of [tokens.outsider!, tokens.outsiderManager!]) {
      const hidden = errorOf(await gateway.request(PACKAGE, { id: packageId }, token));
      const missing = errorOf(await gateway.request(PACKAGE, { id: missingId }, token));
      expect(hidden.extensions.code).toBe('NOT_FOUND');
      expect({ ...hidden.extensions, id: 'x' }).toEqual({ ...missing.extensions, id: 'x' });
      expect(hidden.message.replace(/[0-9a-f-]{36}/, 'ID')).toBe(missing.message.replace(/[0-9a-f-]{36}/, 'ID'));
      expect((await gateway.request<{ node: unknown }>(NODE, { id: packageId }, token)).data?.node).toBeNull();
      expect((await gateway.request<{ node: unknown }>(NODE, { id: version.id }, token)).data?.node).toBeNull();
      const hiddenRender = errorOf(await gateway.request(RENDER, { id: version.id, values: {} }, token));
      const missingRender = errorOf(await gateway.request(RENDER, { id: missingVersionId, values: {} }, token));
      expect(hiddenRender.extensions.code).toBe('NOT_FOUND');
      expect({ ...hiddenRender.extensions, id: 'x' }).toEqual({ ...missingRender.extensions, id: 'x' });
      for (const [query, variables] of [
        [UPDATE_PACKAGE, { input: { id: packageId, name: 'mine now' } }],
        [DELETE_PACKAGE, { id: packageId }],
        [DELETE_VERSION, { id: version.id }],
      ] as const) {
        expect(errorOf(await gateway.request(query, variables, token)).extensions.code).toBe('NOT_FOUND');
      }
      expect(errorOf(await importVersion({ packageId, version: '9.9.9' }, token)).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'packageId' });
      const listed = nodesOf(data(await gateway.request<{ catalogPackages: Connection<{ id: string }> }>(LIST, {}, token), 'catalogPackages').catalogPackages);
      expect(listed.map((item) => item.id)).not.toContain(packageId);
      expect(errorOf(await gateway.request(LIST, { workspaceId: teamA }, token)).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'workspaceId' });
    }
    // Still there, untouched.
    expect(data(await gateway.request<{ catalogPackage: { name: string } }>(PACKAGE, { id: packageId }), 'catalogPackage').catalogPackage.name).toBe('electro-shop');
    expect(await count('catalog_package_versions')).toBeGreaterThan(0);

    // The team's catalog: the global packages and its own; tags and search filter it.
    const teamCatalog = nodesOf(
      data(await gateway.request<{ catalogPackages: Connection<{ name: string; global: boolean }> }>(LIST, { workspaceId: teamA }, tokens.viewer), 'list').catalogPackages,
    );
    expect(teamCatalog.filter((item) => !item.global).map((item) => item.name)).toEqual(['electro-shop']);
    expect(teamCatalog.some((item) => item.global)).toBe(true);
    const own = nodesOf(data(await gateway.request<{ catalogPackages: Connection<{ name: string }> }>(LIST, { scope: 'WORKSPACE' }, tokens.viewer), 'list').catalogPackages);
    expect(own.map((item) => item.name)).toEqual(['electro-shop']);
    const tagged = nodesOf(data(await gateway.request<{ catalogPackages: Connection<{ name: string }> }>(LIST, { tag: 'SHOP' }, tokens.devops), 'list').catalogPackages);
    expect(tagged.map((item) => item.name)).toEqual(['electro-shop']);

    // Deleting the package takes its versions with it.
    const versionsBefore = await count('catalog_package_versions');
    expect(
      data(await gateway.request<{ deleteCatalogPackage: { deletedCatalogPackageId: string } }>(DELETE_PACKAGE, { id: packageId }, tokens.devops), 'delete').deleteCatalogPackage,
    ).toEqual({
      deletedCatalogPackageId: packageId,
    });
    expect(await count('catalog_package_versions')).toBe(versionsBefore - 1);
  });

  it('lists are pages: bounded size, by name, cursors that carry on', async () => {
    for (const name of ['alpha', 'Beta', 'gamma', 'delta']) await createPackage({ name: `page-${name}` });
    const tooLarge = errorOf(await gateway.request(LIST, { first: 501 }));
    expect(tooLarge.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { name: string } }> } = data(
        await gateway.request<{ catalogPackages: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { name: string } }> } }>(
          LIST,
          {
            search: 'page-',
            first: 3,
            after,
          },
        ),
        'list',
      ).catalogPackages;
      expect(page.totalCount).toBe(4);
      names.push(...page.edges.map((edge) => edge.node.name));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(names).toEqual(['page-alpha', 'page-Beta', 'page-delta', 'page-gamma']);
  });

  it('a version larger than 64 KiB is stored whole; versions and names compare exactly, whatever the collation', async () => {
    const packageId = await createPackage({ name: 'Big config' });
    const big = 'x'.repeat(100 * 1024);
    const manifests = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: ${big}\n`;
    const first = data(await importVersion({ packageId, version: '1.0.0-Alpha', manifests, parametersSchema: null }), 'import').importPackageVersion.packageVersion;
    // Semver pre-releases compare by ASCII: Alpha and alpha are two versions.
    data(await importVersion({ packageId, version: '1.0.0-alpha', manifests, parametersSchema: null }), 'import');
    const rendered = data(
      await gateway.request<{ catalogPackageVersion: { render: { objects: Array<{ manifest: { data: { blob: string } } }> } } }>(RENDER, { id: first.id }),
      'render',
    ).catalogPackageVersion.render;
    expect(rendered.objects[0]!.manifest.data.blob).toBe(big);
    // Names: 'é' and 'e' are two names (MariaDB's default collation would take them for one).
    await createPackage({ name: 'café' });
    await createPackage({ name: 'cafe' });
  });

  it('a page of packages costs the same statements for 3 packages as for 30 (versions, latest version, icons and templates batched)', async () => {
    const PAGE = `query ($search: String) { catalogPackages(search: $search, first: 100) { edges { node { name icon latestVersion { version templates { kind } } versions(first: 2) { totalCount edges { node { version manifestYaml package { name } } } } } } } }`;
    let seeded = 0;
    const seed = async (upTo: number) => {
      for (; seeded < upTo; seeded += 1) {
        const packageId = await createPackage({ name: `stmt-${String(seeded).padStart(2, '0')}`, icon: 'https://icons.example.com/x.svg' });
        for (const version of ['1.0.0', '1.1.0'])
          data(await importVersion({ packageId, version, manifests: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n', parametersSchema: null }), 'import');
      }
    };
    const statements = async (expected: number) => {
      const questions = async () => Number((await gateway.dataSource.query<Array<{ Value: string }>>(`SHOW SESSION STATUS LIKE 'Questions'`))[0]?.Value);
      const before = await questions();
      const page = data(await gateway.request<{ catalogPackages: Connection<{ latestVersion: { version: string } }> }>(PAGE, { search: 'stmt-' }), 'page').catalogPackages;
      const after = await questions();
      expect(nodesOf(page).map((item) => item.latestVersion.version)).toEqual(Array(expected).fill('1.1.0'));
      return after - before;
    };
    await seed(3);
    const few = await statements(3);
    await seed(30);
    expect(await statements(30)).toBe(few);
    expect(few).toBeLessThanOrEqual(8);
  });

  it('one operation reads at most 32 MiB of package contents, however many aliases ask', async () => {
    const packageId = await createPackage({ name: 'Half a megabyte' });
    const manifests = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: ${'y'.repeat(480 * 1024)}\n`;
    const { id } = data(await importVersion({ packageId, version: '1.0.0', manifests, parametersSchema: null }), 'import').importPackageVersion.packageVersion;
    const fields = (count: number) => Array.from({ length: count }, (_, index) => `v${index}: catalogPackageVersion(id: $id) { manifestYaml templates { kind } }`).join(' ');
    expect((await gateway.request(`query ($id: ID!) { ${fields(10)} }`, { id })).errors).toBeUndefined();
    const tooMuch = await gateway.request(`query ($id: ID!) { ${fields(40)} }`, { id });
    expect(tooMuch.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMuch.errors?.[0]?.message).toMatch(/more than 32 MiB of package contents/);
  });

  it('deleting a version; anonymous callers are refused', async () => {
    const packageId = await createPackage({ name: 'Short-lived' });
    const version = data(await importVersion({ packageId, version: '0.1.0-rc.1' }), 'import').importPackageVersion.packageVersion;
    const deleted = data(
      await gateway.request<{ deletePackageVersion: { deletedPackageVersionId: string; catalogPackage: { versions: { totalCount: number } } } }>(DELETE_VERSION, {
        id: version.id,
      }),
      'delete',
    ).deletePackageVersion;
    expect(deleted).toEqual({ deletedPackageVersionId: version.id, catalogPackage: { versions: { totalCount: 0 } } });
    expect(errorOf(await gateway.request(LIST, {}, null)).extensions.code).toBe('UNAUTHENTICATED');
  });
});
