import { DomainError } from '../../../shared/errors.js';
import { CatalogService } from '../catalog-service.js';
import { memoryCatalogStores, tableCatalogGate } from '../memory-stores.test-support.js';
import type { PrincipalLike } from '../ports.js';
import type { JsonObject } from '../rendering/json.js';
import { compileParameters } from '../rendering/parameters.js';
import { ClusterRequestError } from '../releases/ports.js';
import { MapPackageService } from './map-package-service.js';
import type { ClusterObjects, MapFacts } from './ports.js';

const GATE = tableCatalogGate({ workspaces: ['w1'], admins: [], grants: { devops: { w1: ['catalog:read', 'catalog:write'] } } });
const DEVOPS: PrincipalLike = { userId: 'devops', systemRole: 'USER' };

const MAP: MapFacts = {
  id: 'm1',
  name: 'shop',
  workspaceId: 'w1',
  clusterId: 'c1',
  namespace: 'shop',
  state: 'READY',
  reason: null,
  workloads: [
    { kind: 'Deployment', name: 'web', ownerKind: null },
    // The caches lost track of its owner: the full object still says so.
    { kind: 'Job', name: 'nightly-1', ownerKind: null },
  ],
  services: ['web'],
};

function deployment(selector: JsonObject = { matchLabels: { app: 'web' } }): JsonObject {
  return {
    metadata: { name: 'web', namespace: 'shop', uid: 'u1' },
    spec: {
      replicas: 1,
      selector,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              envFrom: [{ configMapRef: { name: 'gone-optional', optional: true } }, { configMapRef: { name: 'gone-required' } }, { secretRef: { name: 'settings' } }],
            },
          ],
        },
      },
    },
  };
}

/** A namespace as an apiserver would answer for it; `ingresses: null`: the kind is not served. */
function cluster(objects: Record<string, JsonObject>, ingresses: JsonObject[] | null): ClusterObjects & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: async (_clusterId, ref) => {
      reads.push(`${ref.kind}/${ref.name}`);
      return objects[`${ref.kind}/${ref.name}`] ?? null;
    },
    list: async () => {
      if (ingresses === null) throw new ClusterRequestError('NOT_FOUND', 'Unrecognized API version and kind: networking.k8s.io/v1 Ingress');
      return ingresses;
    },
  };
}

const INGRESS = (name: string, service: string): JsonObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name },
  spec: { defaultBackend: { service: { name: service, port: { number: 80 } } } },
});

function setup(objects: Record<string, JsonObject>, ingresses: JsonObject[] | null = [], failInsert = false) {
  const stores = memoryCatalogStores();
  const versions = failInsert
    ? {
        ...stores.versions,
        insert: async () => {
          throw new Error('the database went away');
        },
      }
    : stores.versions;
  const catalog = new CatalogService({ packages: stores.packages, versions, gate: GATE, compile: compileParameters, now: () => new Date(0) });
  const apiserver = cluster(objects, ingresses);
  const service = new MapPackageService({ catalog, maps: { read: async (_principal, id) => (id === MAP.id ? MAP : null) }, objects: apiserver });
  return { service, catalog, rows: stores.rows, apiserver };
}

const NAMESPACE: Record<string, JsonObject> = {
  'Deployment/web': deployment(),
  'Job/nightly-1': {
    metadata: { name: 'nightly-1', ownerReferences: [{ kind: 'CronJob', name: 'nightly' }] },
    spec: { template: { spec: { containers: [{ name: 'n', image: 'x' }] } } },
  },
  'Service/web': { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
  'Secret/settings': { metadata: { name: 'settings' }, data: { token: Buffer.from('t0ken-value').toString('base64') } },
};

async function failure(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('succeeded');
}

describe('saving an application map as a package', () => {
  test('reads what the pods use, leaves out what is gone (saying so when the pods need it), the Ingresses in front of its Services only', async () => {
    const { service, rows, apiserver } = setup(NAMESPACE, [INGRESS('web', 'web'), INGRESS('elsewhere', 'other')]);
    const saved = await service.save(DEVOPS, { appMapId: 'm1', newPackage: { name: 'Shop' }, version: '1.0.0' });
    expect(saved.version.templates.map((template) => `${template.kind as string}/${(template.metadata as JsonObject).name as string}`)).toEqual([
      'Secret/settings',
      'Service/web',
      'Deployment/web',
      'Ingress/web',
    ]);
    expect(saved.warnings).toEqual(["ConfigMap gone-required: not in the cluster (the map's pods name it); left out"]);
    expect(apiserver.reads.sort()).toEqual(['ConfigMap/gone-optional', 'ConfigMap/gone-required', 'Deployment/web', 'Job/nightly-1', 'Secret/settings', 'Service/web']);
    expect(rows.packages.map((row) => row.name)).toEqual(['Shop']);
    expect(JSON.stringify(rows.versions)).not.toContain(Buffer.from('t0ken-value').toString('base64'));
  });

  test('a cluster that serves no Ingress: none', async () => {
    const { service } = setup(NAMESPACE, null);
    const saved = await service.save(DEVOPS, { appMapId: 'm1', newPackage: { name: 'Shop' }, version: '1.0.0' });
    expect(saved.version.templates.some((template) => template.kind === 'Ingress')).toBe(false);
  });

  test('nothing is written when the objects cannot be packaged, or the version cannot be stored', async () => {
    const byRelease = setup({ ...NAMESPACE, 'Deployment/web': deployment({ matchLabels: { 'kda.io/release': 'r1' } }) });
    const refused = await failure(byRelease.service.save(DEVOPS, { appMapId: 'm1', newPackage: { name: 'Shop' }, version: '1.0.0' }));
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'appMapId' } });
    expect(refused.message).toMatch(/Deployment web: spec.selector selects only by kda.io\/release/);
    expect(byRelease.rows.packages).toEqual([]);

    const broken = setup(NAMESPACE, [], true);
    await expect(broken.service.save(DEVOPS, { appMapId: 'm1', newPackage: { name: 'Shop' }, version: '1.0.0' })).rejects.toThrow('the database went away');
    // The package created for the version went with it.
    expect(broken.rows.packages).toEqual([]);
  });

  test('an apiserver that cannot answer is UNAVAILABLE, a map whose cluster is gone BAD_USER_INPUT', async () => {
    const { catalog } = setup(NAMESPACE);
    const down: ClusterObjects = {
      read: async () => {
        throw new ClusterRequestError('UNAVAILABLE', 'connect ECONNREFUSED');
      },
      list: async () => [],
    };
    const unreachable = new MapPackageService({ catalog: catalog, maps: { read: async () => MAP }, objects: down });
    expect(await failure(unreachable.save(DEVOPS, { appMapId: 'm1', newPackage: { name: 'Shop' }, version: '1.0.0' }))).toMatchObject({ code: 'UNAVAILABLE' });
    const gone = new MapPackageService({
      catalog: catalog,
      maps: { read: async () => ({ ...MAP, state: 'UNREADABLE', reason: 'its cluster is not registered any more', workloads: [], services: [] }) },
      objects: down,
    });
    expect(await failure(gone.save(DEVOPS, { appMapId: 'm1', newPackage: { name: 'Shop' }, version: '1.0.0' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'appMapId: application map shop cannot be read: its cluster is not registered any more',
    });
  });
});
