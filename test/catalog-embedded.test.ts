import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../src/app.js';
import type { GatewayConfig } from '../src/config/config.js';
import { silentLogger } from '../src/shared/logger.js';
import { nodesOf, type Connection } from './support/connections.js';
import { embeddedConfig, graphqlAnswer } from './support/embedded.js';

const LIST = `query ($search: String) { catalogPackages(scope: GLOBAL, search: $search, first: 100) { totalCount edges { node { id name tags icon latestVersion { id version } } } } }`;
const RENDER = `query ($id: ID!, $values: JSONObject) { catalogPackageVersion(id: $id) { manifestYaml render(values: $values) { objects { kind name } } } }`;
const IMPORT = `mutation ($input: ImportPackageVersionInput!) { importPackageVersion(input: $input) { packageVersion { id version } } }`;

interface Card {
  readonly id: string;
  readonly name: string;
  readonly tags: string[];
  readonly icon: string | null;
  readonly latestVersion: { id: string; version: string } | null;
}

/** The embedded default as `npm start` runs it (SQLite, simulated clusters): the catalog holds the product's demo cards. */
describe('the catalog on the embedded default', () => {
  const adminToken = `catalog-admin-${randomBytes(8).toString('hex')}`;
  let folder: string;
  let config: GatewayConfig;
  let app: App | undefined;

  const request = <T>(query: string, variables: Record<string, unknown> = {}) => graphqlAnswer<T>(app, adminToken, query, variables);

  async function cards(search?: string): Promise<Card[]> {
    const response = await request<{ catalogPackages: Connection<Card> }>(LIST, search === undefined ? {} : { search });
    return nodesOf(response.data?.catalogPackages);
  }

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'kda-catalog-'));
    config = embeddedConfig(folder, adminToken);
    app = await createApp(config, { logger: silentLogger });
  });

  afterAll(async () => {
    await app?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('the demo cards and templates, each with a version that renders; a restart adds none twice', async () => {
    const seeded = await cards();
    expect(seeded.map((card) => card.name)).toEqual(
      expect.arrayContaining([
        'DB 데모 애플리케이션',
        'Elasticsearch 6.4.2',
        'jupyter-spark-demo',
        'electro-shop-demo',
        'benchmark-sock-shop',
        '[Demo]tensorflow-jupyterlab',
        'notebook',
        'spark',
        'nginx',
        'redis',
        'MySQL',
        'PostgreSQL',
        'JupyterLab',
        'Web service',
      ]),
    );
    expect(seeded.every((card) => card.latestVersion !== null && card.icon?.startsWith('data:image/svg+xml;base64,') === true)).toBe(true);
    const [dbDemo] = await cards('데모');
    expect(dbDemo?.name).toBe('DB 데모 애플리케이션');
    const rendered = await request<{ catalogPackageVersion: { manifestYaml: string; render: { objects: Array<{ kind: string; name: string }> } } }>(RENDER, {
      id: dbDemo!.latestVersion!.id,
      values: { mysqlPassword: 'mysql-secret', postgresPassword: 'postgres-secret' },
    });
    expect(rendered.data?.catalogPackageVersion.render.objects.map((object) => `${object.kind}/${object.name}`)).toEqual([
      'Secret/demo-db-credentials',
      'Service/demo-mysql',
      'Service/demo-postgresql',
      'StatefulSet/demo-mysql',
      'StatefulSet/demo-postgresql',
    ]);
    // A demo version's export imports again on SQLite, and a duplicate version is a conflict there too.
    const exported = rendered.data!.catalogPackageVersion.manifestYaml;
    const schema = {
      type: 'object',
      properties: {
        mysqlPassword: { type: 'string', maxLength: 100, default: 'x' },
        postgresPassword: { type: 'string', maxLength: 100, default: 'y' },
        storage: { type: 'string', maxLength: 20, default: '1Gi' },
      },
    };
    const again = await request<{ importPackageVersion: { packageVersion: { version: string } } }>(IMPORT, {
      input: { packageId: dbDemo!.id, version: '1.0.1', manifests: exported, parametersSchema: schema },
    });
    expect(again.errors).toBeUndefined();
    const duplicate = await request(IMPORT, { input: { packageId: dbDemo!.id, version: '1.0.1', manifests: exported, parametersSchema: schema } });
    expect(duplicate.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT', field: 'version' });

    await app?.stop();
    app = undefined;
    app = await createApp(config, { logger: silentLogger });
    const afterRestart = await cards();
    expect(afterRestart.map((card) => card.name).sort()).toEqual(seeded.map((card) => card.name).sort());
    expect(afterRestart.find((card) => card.id === dbDemo!.id)?.latestVersion?.version).toBe('1.0.1');
  });
});
