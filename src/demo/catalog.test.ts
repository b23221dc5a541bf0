import { CatalogService } from '../domains/catalog/catalog-service.js';
import { memoryCatalogStores, tableCatalogGate } from '../domains/catalog/memory-stores.test-support.js';
import { compileParameters } from '../domains/catalog/rendering/parameters.js';
import type { Principal } from '../domains/identity/index.js';
import { silentLogger } from '../shared/logger.js';
import { seedDemoCatalog } from './catalog.js';
import { DEMO_PACKAGES } from './catalog/index.js';

const ADMIN = { userId: 'root', systemRole: 'ADMIN' } as unknown as Principal;

function setup() {
  const stores = memoryCatalogStores();
  const catalog = new CatalogService({ ...stores, gate: tableCatalogGate({ workspaces: [], admins: ['root'], grants: {} }), compile: compileParameters, now: () => new Date(0) });
  return { catalog, rows: stores.rows };
}

/** A value for each required parameter without a default, as a person deploying would give. */
function requiredValues(schema: Record<string, unknown>): Record<string, string> {
  const required = (schema.required as string[] | undefined) ?? [];
  return Object.fromEntries(required.map((name) => [name, 'demo-secret-value']));
}

describe('the demo catalog', () => {
  test('holds the product’s demo cards and the templates', () => {
    expect(DEMO_PACKAGES.map((demo) => demo.name)).toEqual([
      'DB 데모 애플리케이션',
      'Elasticsearch 6.4.2',
      'jupyter-spark-demo',
      'spark',
      'electro-shop-demo',
      'benchmark-sock-shop',
      '[Demo]tensorflow-jupyterlab',
      'notebook',
      'nginx',
      'redis',
      'MySQL',
      'PostgreSQL',
      'JupyterLab',
      'Web service',
    ]);
  });

  test('every version imports through the catalog service (checked and rendered as any import) and renders valid manifests', async () => {
    const { catalog, rows } = setup();
    await seedDemoCatalog({ catalog, admin: ADMIN, logger: silentLogger });
    expect(rows.packages.map((row) => row.name).sort()).toEqual(DEMO_PACKAGES.map((demo) => demo.name).sort());
    expect(rows.versions).toHaveLength(DEMO_PACKAGES.reduce((sum, demo) => sum + demo.versions.length, 0));
    const kinds = new Set<string>();
    for (const version of rows.versions) {
      const rendering = catalog.render(version, requiredValues(version.parametersSchema));
      expect(rendering.objects.length).toBeGreaterThan(0);
      for (const object of rendering.objects) kinds.add(object.kind);
    }
    // Between them, the demo packages use every kind a package may hold.
    expect([...kinds].sort()).toEqual(['ConfigMap', 'CronJob', 'DaemonSet', 'Deployment', 'Ingress', 'Job', 'PersistentVolumeClaim', 'Secret', 'Service', 'StatefulSet']);
  });

  test('a restart on the same database seeds nothing again', async () => {
    const { catalog, rows } = setup();
    await seedDemoCatalog({ catalog, admin: ADMIN, logger: silentLogger });
    const count = rows.versions.length;
    await catalog.delete(ADMIN, rows.packages[0]!.id);
    await seedDemoCatalog({ catalog, admin: ADMIN, logger: silentLogger });
    expect(rows.packages).toHaveLength(DEMO_PACKAGES.length - 1);
    expect(rows.versions.length).toBeLessThan(count);
  });
});
