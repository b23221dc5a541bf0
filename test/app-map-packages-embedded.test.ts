/**
 * "Save as package" on the embedded default: every demo map saves as a version that renders, and the
 * Cloud Team's Elasticsearch, saved on the on-premise cluster, runs on the GKE one with the same images.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClientError, rawRequest } from 'graphql-request';
import { createApp, GRAPHQL_PATH, type App } from '../src/app.js';
import { silentLogger } from '../src/shared/logger.js';
import { nodesOf, type Connection } from './support/connections.js';
import { waitFor } from './support/wait.js';
import { embeddedConfig } from './support/embedded.js';

interface DemoMap {
  id: string;
  name: string;
  namespace: string;
  selector: string;
  workspaceId: string;
  clusterName: string;
  health: string;
  images: Array<{ image: string }>;
}

const MAPS = `query ($name: String) { appMaps(name: $name, first: 50) { edges { node { id name namespace selector workspaceId clusterName health images { image } } } } }`;
const SAVE = `mutation ($input: SaveAppMapAsPackageInput!) { saveAppMapAsPackage(input: $input) { packageVersion { id } warnings } }`;

describe('save as package on the embedded default', () => {
  const adminToken = `save-admin-${randomBytes(8).toString('hex')}`;
  let folder: string;
  let app: App | undefined;

  async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    try {
      return (await rawRequest<T>({ url: `${app!.url}${GRAPHQL_PATH}`, query, variables, requestHeaders: { authorization: `Bearer ${adminToken}` } })).data;
    } catch (error) {
      if (error instanceof ClientError) throw new Error(JSON.stringify(error.response.errors), { cause: error });
      throw error;
    }
  }

  const maps = async (name?: string) => nodesOf((await request<{ appMaps: Connection<DemoMap> }>(MAPS, name === undefined ? {} : { name })).appMaps);

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'kda-save-'));
    app = await createApp(embeddedConfig(folder, adminToken), { logger: silentLogger });
  });

  afterAll(async () => {
    await app?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('every demo map saves as a version that renders with its defaults', async () => {
    const seeded = await waitFor('the demo maps healthy', async () => {
      const found = await maps();
      return found.length > 0 && found.every((map) => map.health === 'HEALTHY') ? found : undefined;
    });
    for (const map of seeded) {
      const saved = (
        await request<{ saveAppMapAsPackage: { packageVersion: { id: string }; warnings: string[] } }>(SAVE, {
          input: { appMapId: map.id, newPackage: { name: `${map.name} (${map.clusterName})` }, version: '1.0.0' },
        })
      ).saveAppMapAsPackage;
      expect(saved.warnings).toEqual([]);
      const version = (
        await request<{
          catalogPackageVersion: { render: { objects: Array<{ kind: string; manifest: { spec: { template: { spec: { containers: Array<{ image: string }> } } } } }> } };
        }>(`query ($id: ID!) { catalogPackageVersion(id: $id) { render { objects { kind manifest } } } }`, { id: saved.packageVersion.id })
      ).catalogPackageVersion;
      const images = version.render.objects
        .filter((object) => object.kind === 'Deployment' || object.kind === 'StatefulSet')
        .flatMap((object) => object.manifest.spec.template.spec.containers.map((container) => container.image));
      expect([...new Set(images)].sort()).toEqual(map.images.map((image) => image.image).sort());
    }
  });

  test('Elasticsearch saved on the on-premise cluster runs on GKE with the same images', async () => {
    const [source] = (await maps('elasticsearch')).filter((map) => map.clusterName === 'acorn-demo-cluster');
    if (source === undefined) throw new Error('no elasticsearch map');
    const saved = (
      await request<{ saveAppMapAsPackage: { packageVersion: { id: string } } }>(SAVE, {
        input: { appMapId: source.id, newPackage: { name: 'Elasticsearch (saved)', tags: ['saved'] }, version: '8.15.2' },
      })
    ).saveAppMapAsPackage;
    const gke = (await request<{ clusters: Array<{ id: string; name: string }> }>(`{ clusters { id name } }`)).clusters.find(
      (cluster) => cluster.name === 'gke-acornsoft-demo-cluster',
    )!;
    await request(`mutation ($input: DeployPackageInput!) { deployPackage(input: $input) { release { id } } }`, {
      input: { workspaceId: source.workspaceId, packageVersionId: saved.packageVersion.id, clusterId: gke.id, namespace: 'elastic', appMapName: 'elasticsearch', stage: 'STAGING' },
    });
    const copy = (
      await request<{ createAppMap: { appMap: { id: string } } }>(`mutation ($input: CreateAppMapInput!) { createAppMap(input: $input) { appMap { id } } }`, {
        input: { workspaceId: source.workspaceId, clusterId: gke.id, namespace: 'elastic', name: 'elasticsearch-copy', stage: 'STAGING', selector: source.selector },
      })
    ).createAppMap.appMap.id;
    const images = await waitFor('the copy on GKE to run', async () => {
      const map = (
        await request<{ appMap: { health: string; images: Array<{ image: string }> } }>(`query ($id: ID!) { appMap(id: $id) { health images { image } } }`, { id: copy })
      ).appMap;
      return map.health === 'HEALTHY' ? map.images : undefined;
    });
    expect(images).toEqual(source.images);
  });
});
