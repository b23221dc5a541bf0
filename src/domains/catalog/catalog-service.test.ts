import { DomainError } from '../../shared/errors.js';
import { CatalogService } from './catalog-service.js';
import { memoryCatalogStores, tableCatalogGate } from './memory-stores.test-support.js';
import type { CatalogPermission, PrincipalLike } from './ports.js';
import { compileParameters } from './rendering/parameters.js';

const READ: CatalogPermission[] = ['catalog:read'];
const WRITE: CatalogPermission[] = ['catalog:read', 'catalog:write'];
/** What each workspace role holds (the workspaces domain's matrix, see permissions.test.ts), by a user named after it. */
const GATE = tableCatalogGate({
  workspaces: ['w1', 'w2'],
  admins: ['root'],
  grants: { manager: { w1: WRITE }, devops: { w1: WRITE }, operator: { w1: READ }, viewer: { w1: READ }, outsider: { w2: WRITE } },
});
const as = (userId: string): PrincipalLike => ({ userId, systemRole: 'USER' });
const ADMIN = as('root');

const MANIFESTS = `apiVersion: v1
kind: Service
metadata:
  name: \${{ params.name }}
spec:
  selector:
    app: \${{ params.name }}
  ports:
    - port: \${{ params.port }}
`;
const SCHEMA = { type: 'object', properties: { name: { type: 'string', maxLength: 40, default: 'web' }, port: { type: 'integer', default: 80 } } };

function setup() {
  const stores = memoryCatalogStores();
  const service = new CatalogService({ ...stores, gate: GATE, compile: compileParameters, now: () => new Date(0) });
  return { service, rows: stores.rows };
}

async function failure(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('succeeded');
}

describe('the catalog service', () => {
  test('packages and versions: create, import, render, export, delete', async () => {
    const { service, rows } = setup();
    const created = await service.create(as('devops'), { workspaceId: 'w1', name: ' Shop ', tags: ['Web', 'web', 'demo'], icon: 'https://example.com/shop.png' });
    expect(created).toMatchObject({ workspaceId: 'w1', name: 'Shop', tags: ['Web', 'demo'] });
    const { version, warnings } = await service.importVersion(as('devops'), { packageId: created.id, version: '1.0.0', manifests: MANIFESTS, parametersSchema: SCHEMA });
    expect(warnings).toEqual([]);
    expect(service.render(version, { port: 8080 }).objects[0]?.manifest).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 8080 }] },
    });
    const again = await service.importVersion(as('devops'), {
      packageId: created.id,
      version: '1.0.1',
      manifests: service.exportYaml(version),
      parametersSchema: version.parametersSchema,
    });
    expect(again.version.templates).toEqual(version.templates);
    await service.deleteVersion(as('manager'), version.id);
    expect(rows.versions.map((row) => row.version)).toEqual(['1.0.1']);
    await service.delete(as('manager'), created.id);
    expect(rows.packages).toEqual([]);
    expect(rows.versions).toEqual([]);
  });

  test('global packages: everyone sees them, only administrators write them', async () => {
    const { service } = setup();
    expect((await failure(service.create(as('manager'), { name: 'nginx' }))).code).toBe('FORBIDDEN');
    const global = await service.create(ADMIN, { name: 'nginx' });
    expect((await service.getPackage(as('outsider'), global.id)).name).toBe('nginx');
    expect((await failure(service.importVersion(as('manager'), { packageId: global.id, version: '1.0.0', manifests: MANIFESTS, parametersSchema: SCHEMA }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await failure(service.update(as('devops'), { id: global.id, name: 'x' }))).code).toBe('FORBIDDEN');
  });

  test("another workspace's package looks exactly like a missing one; readers may not write", async () => {
    const { service } = setup();
    const own = await service.create(as('manager'), { workspaceId: 'w1', name: 'Shop' });
    const hidden = await failure(service.getPackage(as('outsider'), own.id));
    const missing = await failure(service.getPackage(as('outsider'), 'nope'));
    expect([hidden.code, hidden.details]).toEqual(['NOT_FOUND', { id: own.id, field: 'id' }]);
    expect([missing.code, missing.details]).toEqual(['NOT_FOUND', { id: 'nope', field: 'id' }]);
    expect((await failure(service.update(as('outsider'), { id: own.id, name: 'x' }))).code).toBe('NOT_FOUND');
    const hiddenWorkspace = await failure(service.create(as('outsider'), { workspaceId: 'w1', name: 'x' }));
    const missingWorkspace = await failure(service.create(as('outsider'), { workspaceId: 'w9', name: 'x' }));
    expect([hiddenWorkspace.code, { ...hiddenWorkspace.details, id: '?' }]).toEqual(['NOT_FOUND', { ...missingWorkspace.details, id: '?' }]);
    expect((await failure(service.list(as('outsider'), { workspaceId: 'w1' }))).code).toBe('NOT_FOUND');
    // Members who only read.
    expect((await service.getPackage(as('viewer'), own.id)).name).toBe('Shop');
    expect((await failure(service.update(as('viewer'), { id: own.id, name: 'x' }))).code).toBe('FORBIDDEN');
    expect((await failure(service.importVersion(as('operator'), { packageId: own.id, version: '1.0.0', manifests: MANIFESTS }))).code).toBe('FORBIDDEN');
  });

  test('lists: global ones plus the caller’s workspaces; by workspace, scope, tag and search', async () => {
    const { service } = setup();
    await service.create(ADMIN, { name: 'nginx', tags: ['web', 'template'] });
    await service.create(as('manager'), { workspaceId: 'w1', name: 'Shop', description: 'An electronics shop', tags: ['demo'] });
    await service.create(as('outsider'), { workspaceId: 'w2', name: 'Secret plans' });
    const names = async (principal: PrincipalLike, filter = {}) => (await service.list(principal, filter)).map((record) => record.name);
    expect(await names(as('viewer'))).toEqual(['nginx', 'Shop']);
    expect(await names(as('outsider'))).toEqual(['nginx', 'Secret plans']);
    expect(await names(ADMIN)).toEqual(['nginx', 'Secret plans', 'Shop']);
    expect(await names(as('viewer'), { scope: 'GLOBAL' })).toEqual(['nginx']);
    expect(await names(as('viewer'), { scope: 'WORKSPACE' })).toEqual(['Shop']);
    expect(await names(as('viewer'), { workspaceId: 'w1', scope: 'WORKSPACE' })).toEqual(['Shop']);
    expect(await names(as('viewer'), { tag: 'WEB' })).toEqual(['nginx']);
    expect(await names(as('viewer'), { search: 'electronics' })).toEqual(['Shop']);
    expect((await failure(service.list(as('viewer'), { search: 'x'.repeat(101) }))).details).toEqual({ field: 'search' });
  });

  test('names are unique per owner whatever their case; the same name may exist in two owners', async () => {
    const { service } = setup();
    await service.create(as('manager'), { workspaceId: 'w1', name: 'Shop' });
    const clash = await failure(service.create(as('devops'), { workspaceId: 'w1', name: 'SHOP' }));
    expect([clash.code, clash.details]).toEqual(['CONFLICT', { field: 'name' }]);
    await service.create(ADMIN, { name: 'Shop' });
    await service.create(as('outsider'), { workspaceId: 'w2', name: 'shop' });
  });

  test.each([
    ['name', { name: '' }],
    ['name', { name: 'a\nb' }],
    ['name', { name: 'x'.repeat(101) }],
    ['icon', { name: 'ok', icon: 'ftp://example.com/icon.png' }],
    ['icon', { name: 'ok', icon: 'javascript:alert(1)' }],
    ['icon', { name: 'ok', icon: 'data:text/html;base64,PHNjcmlwdD4=' }],
    ['icon', { name: 'ok', icon: `data:image/png;base64,${'A'.repeat(40_000)}` }],
    ['icon', { name: 'ok', icon: 'https://user:pw@example.com/x.png' }],
    ['tags', { name: 'ok', tags: ['<script>'] }],
    ['tags', { name: 'ok', tags: Array.from({ length: 11 }, (_, index) => `t${index}`) }],
    ['description', { name: 'ok', description: 'x'.repeat(2001) }],
  ])('refuses a package with a bad %s (case %#)', async (field, input) => {
    const { service, rows } = setup();
    const error = await failure(service.create(ADMIN, input));
    expect([error.code, error.details.field]).toEqual(['BAD_USER_INPUT', field]);
    expect(rows.packages).toEqual([]);
  });

  test('bad imports name the field, the document and the path, and write nothing', async () => {
    const { service, rows } = setup();
    const { id } = await service.create(as('manager'), { workspaceId: 'w1', name: 'Shop' });
    const importing = (input: Record<string, unknown>) =>
      failure(service.importVersion(as('manager'), { packageId: id, version: '1.0.0', manifests: MANIFESTS, parametersSchema: SCHEMA, ...input }));
    expect((await importing({ version: 'v1' })).details).toEqual({ field: 'version' });
    expect((await importing({ manifests: 'a: [1' })).details).toMatchObject({ field: 'manifests', document: 1 });
    expect((await importing({ manifests: 'apiVersion: v1\nkind: Namespace\nmetadata: { name: x }\n' })).message).toMatch(/manifests: document 1 at kind: Namespace is not allowed/);
    expect((await importing({ manifests: MANIFESTS.replace('params.port', 'params.prot') })).details).toEqual({ field: 'manifests', document: 1, path: 'spec.ports[0].port' });
    expect((await importing({ parametersSchema: { type: 'object', properties: { port: { type: 'integer', default: 'eighty' } } } })).details).toMatchObject({
      field: 'parametersSchema',
      path: 'port',
    });
    // The defaults render a name Kubernetes refuses: caught at import, not at the first deploy.
    const badName = await importing({ parametersSchema: { ...SCHEMA, properties: { ...SCHEMA.properties, name: { type: 'string', maxLength: 40, default: 'Web_1' } } } });
    expect(badName.details).toEqual({ field: 'manifests', document: 1, path: 'metadata.name' });
    expect(badName.message).toMatch(/rendered with the default values/);
    expect(rows.versions).toEqual([]);
    await service.importVersion(as('manager'), { packageId: id, version: '1.0.0', manifests: MANIFESTS, parametersSchema: SCHEMA });
    const duplicate = await importing({});
    expect([duplicate.code, duplicate.details]).toEqual(['CONFLICT', { field: 'version' }]);
    expect(rows.versions).toHaveLength(1);
  });

  test('render: values are checked against the schema, naming values.<parameter>', async () => {
    const { service } = setup();
    const { id } = await service.create(ADMIN, { name: 'web' });
    const required = { ...SCHEMA, properties: { ...SCHEMA.properties, name: { type: 'string', maxLength: 40 } }, required: ['name'] };
    const { version } = await service.importVersion(ADMIN, { packageId: id, version: '1.0.0', manifests: MANIFESTS, parametersSchema: required });
    const missing = await failure(Promise.resolve().then(() => service.render(version, {})));
    expect([missing.code, missing.details, missing.message]).toEqual(['BAD_USER_INPUT', { field: 'values.name', path: 'name' }, 'values.name: missing required parameter name']);
    expect((await failure(Promise.resolve().then(() => service.render(version, { name: 'x', port: 'eighty' })))).details).toEqual({ field: 'values.port', path: 'port' });
    expect(service.defaultsOf(version)).toEqual({ port: 80 });
  });

  test('a value the schema lets through but Kubernetes would refuse is blamed on that value, with where it lands', async () => {
    const { service } = setup();
    const { id } = await service.create(ADMIN, { name: 'job' });
    const manifests =
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: "${{ params.name }}-run"\nspec:\n  template:\n    spec:\n      containers:\n        - name: main\n          image: busybox\n          env: ${{ params.env }}\n';
    const schema = { type: 'object', properties: { name: { type: 'string', maxLength: 40, default: 'job' }, env: { type: 'array', maxItems: 10, default: [] } } };
    const { version } = await service.importVersion(ADMIN, { packageId: id, version: '1.0.0', manifests, parametersSchema: schema });
    const fromObject = await failure(Promise.resolve().then(() => service.render(version, { env: [{ name: 'N', value: 1 }] })));
    expect(fromObject.details).toEqual({ field: 'values.env', document: 1, path: 'spec.template.spec.containers[0].env[0].value' });
    const fromText = await failure(Promise.resolve().then(() => service.render(version, { name: 'Job' })));
    expect(fromText.details).toEqual({ field: 'values.name', document: 1, path: 'metadata.name' });
  });
});
