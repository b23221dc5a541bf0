import { randomUUID } from 'node:crypto';
import { openTables } from './identity-support.js';
import { nodesOf, type Connection } from './support/connections.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';

type Tables = Awaited<ReturnType<typeof openTables>>;

const USERS = 30;
const CLUSTERS = 12;
const MEMBERS_PER_WORKSPACE = 3;
const CLUSTERS_PER_WORKSPACE = 2;

// Nested connections under a list: each page is cut per parent in memory after one batched load.
const LIST = `{ workspaces(first: 500) { edges { node { name memberCount clusterCount members(first: 5) { totalCount edges { node { role user { name email } } } } } } } }`;
const WIDER = `{ workspaces(first: 500) { edges { node { name myRole clusters { name status } allotments { namespaces cluster { name } } members { edges { cursor node { addedAt user { name workspaces(first: 2) { edges { node { name } } } } } } } } } } }`;
const BUILDS = `{ workspaces(first: 500) { edges { node { name members { edges { node { role } } } registries { totalCount edges { node { name } } } builds { edges { node { name status imageSizeBytes registry { name } runs(first: 2) { totalCount edges { node { number statusDisplay } } pageInfo { hasNextPage } } lastRun { number } } } } } } } }`;
const RUNS_PER_BUILD = 3;

/**
 * The statement count of a request does not grow with list sizes (DataLoader on every relation),
 * proven with MariaDB's own per-session counter: the test gateway gets a pool of one connection,
 * so `Questions` of that session counts every statement the request made — and nothing from other
 * test files, which use databases and connections of their own.
 */
describe('SQL statements per request', () => {
  let gateway: TestGateway;
  let tables: Tables;
  const userIds: string[] = [];
  const clusterIds: string[] = [];
  let workspaces = 0;

  const registryId = randomUUID();

  beforeAll(async () => {
    // Deliberately wide queries over hundreds of workspaces: statements are measured here, not the cost limit.
    // Nor may work the gateway does on its own fall inside a measurement: the clusters' periodic
    // comparison with the database, or following the cluster changes other test files announce on
    // the shared NATS (an in-process bus hears none).
    gateway = await startTestGateway({ bus: { kind: 'memory' }, limits: { maxQueryCost: 10_000_000, clusterResyncSeconds: 3600 } }, { connectionLimit: 1 });
    tables = await openTables(gateway);
    await tables.query(`INSERT INTO registries (id, name, url, kind, created_at) VALUES (?, 'platform', 'http://127.0.0.1:5000', 'BUILTIN', NOW(6))`, [registryId]);
    for (let index = 0; index < USERS; index += 1) {
      const id = randomUUID();
      userIds.push(id);
      await tables.query(`INSERT INTO users (id, name, email, system_role) VALUES (?, ?, ?, 'USER')`, [id, `User ${index}`, `user${index}@example.com`]);
    }
    for (let index = 0; index < CLUSTERS; index += 1) {
      const id = randomUUID();
      clusterIds.push(id);
      await tables.query(`INSERT INTO clusters (id, name, provider, region, kubeconfig_encrypted, status) VALUES (?, ?, 'GKE', 'Tokyo', 'x', 'UNREACHABLE')`, [
        id,
        `cluster-${index}`,
      ]);
    }
  });

  afterAll(async () => {
    await tables?.close();
    await gateway?.stop();
  });

  async function seedWorkspaces(upTo: number): Promise<void> {
    const rows: { workspaces: unknown[][]; members: unknown[][]; allotments: unknown[][]; registries: unknown[][]; builds: unknown[][]; runs: unknown[][] } = {
      workspaces: [],
      members: [],
      allotments: [],
      registries: [],
      builds: [],
      runs: [],
    };
    for (; workspaces < upTo; workspaces += 1) {
      const id = randomUUID();
      const name = `workspace-${String(workspaces).padStart(4, '0')}`;
      rows.workspaces.push([id, name, name, 'seeded']);
      for (let index = 0; index < MEMBERS_PER_WORKSPACE; index += 1) {
        rows.members.push([id, userIds[(workspaces + index) % USERS], ['MANAGER', 'DEVOPS', 'VIEWER'][index]]);
      }
      for (let index = 0; index < CLUSTERS_PER_WORKSPACE; index += 1) {
        rows.allotments.push([id, clusterIds[(workspaces + index) % CLUSTERS], index === 0 ? null : JSON.stringify(['shop'])]);
      }
      rows.registries.push([id, registryId, name, new Date()]);
      const buildId = randomUUID();
      const clusterId = clusterIds[workspaces % CLUSTERS];
      rows.builds.push([buildId, id, 'app', 'git://git.example.com/app.git', 'main', 'NODEJS', `${name}/app`, registryId, clusterId, new Date()]);
      for (let number = 1; number <= RUNS_PER_BUILD; number += 1) {
        rows.runs.push([
          randomUUID(),
          buildId,
          id,
          number,
          number === RUNS_PER_BUILD ? 'FAILED' : 'SUCCEEDED',
          6,
          number === RUNS_PER_BUILD ? 3 : 6,
          number === RUNS_PER_BUILD ? 4 : null,
          `127.0.0.1:5000/${name}/app:run-${number}`,
          clusterId,
          `kda-builds-${name}`,
          `build-app-${number}`,
          new Date(),
        ]);
      }
    }
    await tables.query('INSERT INTO workspaces (id, name, slug, description) VALUES ?', [rows.workspaces]);
    await tables.query('INSERT INTO workspace_members (workspace_id, user_id, role) VALUES ?', [rows.members]);
    await tables.query('INSERT INTO workspace_clusters (workspace_id, cluster_id, namespaces) VALUES ?', [rows.allotments]);
    await tables.query('INSERT INTO workspace_registries (workspace_id, registry_id, project, created_at) VALUES ?', [rows.registries]);
    await tables.query('INSERT INTO builds (id, workspace_id, name, source_url, ref, preset, image_repository, registry_id, cluster_id, created_at) VALUES ?', [rows.builds]);
    await tables.query(
      'INSERT INTO build_runs (id, build_id, workspace_id, number, status, steps_total, steps_done, failed_step, image, cluster_id, namespace, job_name, created_at) VALUES ?',
      [rows.runs],
    );
  }

  /** Statements the gateway's one connection ran for `query`. */
  async function statementsFor(query: string, expectedWorkspaces: number): Promise<number> {
    const questions = async () => {
      const [row] = await gateway.dataSource.query<Array<{ Value: string }>>(`SHOW SESSION STATUS LIKE 'Questions'`);
      return Number(row?.Value);
    };
    const before = await questions();
    const response = await gateway.request<{ workspaces: { edges: Array<{ node: { members: { edges: unknown[] } } }> } }>(query);
    const after = await questions();
    expect(response.errors).toBeUndefined();
    expect(response.data?.workspaces.edges).toHaveLength(expectedWorkspaces);
    expect(response.data?.workspaces.edges.every(({ node }) => node.members.edges.length === MEMBERS_PER_WORKSPACE)).toBe(true);
    return after - before;
  }

  test('10 and 200 workspaces with members and clusters cost the same number of statements', async () => {
    await seedWorkspaces(10);
    const small = { list: await statementsFor(LIST, 10), wider: await statementsFor(WIDER, 10), builds: await statementsFor(BUILDS, 10) };
    await seedWorkspaces(200);
    const large = { list: await statementsFor(LIST, 200), wider: await statementsFor(WIDER, 200), builds: await statementsFor(BUILDS, 200) };

    expect(large).toEqual(small);
    // And small in absolute terms: a handful of statements, not one per workspace or member.
    expect(small.list).toBeGreaterThan(0);
    expect(small.list).toBeLessThanOrEqual(8);
    expect(small.wider).toBeLessThanOrEqual(10);
    expect(small.builds).toBeLessThanOrEqual(10);
  });

  test('nodes(ids:) costs the same number of statements for 14 ids as for 98, whatever their types', async () => {
    if (workspaces < 16) await seedWorkspaces(16);
    const IDS = `{ workspaces(first: 16) { edges { node { id members { edges { node { id user { id } } } } allotments { id cluster { id } } builds { edges { node { id lastRun { id } } } } } } } }`;
    type Listed = {
      id: string;
      members: Connection<{ id: string; user: { id: string } }>;
      allotments: Array<{ id: string; cluster: { id: string } }>;
      builds: Connection<{ id: string; lastRun: { id: string } }>;
    };
    const response = await gateway.request<{ workspaces: Connection<Listed> }>(IDS);
    expect(response.errors).toBeUndefined();
    // Seven kinds, each from a different workspace: no loader can answer one from another's row.
    const idsOf = (workspaces: Listed[]) =>
      workspaces.flatMap((workspace) => {
        const [member] = nodesOf(workspace.members);
        const [build] = nodesOf(workspace.builds);
        return [workspace.id, member!.id, member!.user.id, workspace.allotments[0]!.id, workspace.allotments[0]!.cluster.id, build!.id, build!.lastRun.id];
      });
    const all = nodesOf(response.data!.workspaces);
    expect(all).toHaveLength(16);
    const statementsForNodes = async (ids: string[]) => {
      const questions = async () => Number((await gateway.dataSource.query<Array<{ Value: string }>>(`SHOW SESSION STATUS LIKE 'Questions'`))[0]?.Value);
      const before = await questions();
      const answer = await gateway.request<{ nodes: Array<{ id: string } | null> }>(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
      const after = await questions();
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.nodes.map((node) => node?.id)).toEqual(ids);
      return after - before;
    };
    const few = await statementsForNodes(idsOf(all.slice(0, 2)));
    const many = await statementsForNodes(idsOf(all.slice(2, 16)));
    expect(many).toBe(few);
    expect(few).toBeLessThanOrEqual(10);
  });

  test('10 and 200 application maps with their clusters and pictures cost the same number of statements', async () => {
    if (workspaces < 200) await seedWorkspaces(200);
    const ids = await tables.query<{ id: string }>('SELECT id FROM workspaces ORDER BY name');
    let maps = 0;
    const seedMaps = async (upTo: number) => {
      const rows: unknown[][] = [];
      for (; maps < upTo; maps += 1) {
        rows.push([randomUUID(), ids[maps]!.id, clusterIds[maps % CLUSTERS], 'shop', `map-${String(maps).padStart(4, '0')}`, '', 'PROD', 'app=shop', '[]', new Date(), new Date()]);
      }
      await tables.query('INSERT INTO app_maps (id, workspace_id, cluster_id, namespace, name, description, stage, selector, workload_groups, created_at, updated_at) VALUES ?', [
        rows,
      ]);
    };
    const MAPS = `{ appMaps(first: 500) { totalCount edges { node { id name clusterName region provider health healthReason cluster { name status } groups { name } workloads { totalCount } } } } }`;
    const statementsForMaps = async (expected: number) => {
      const questions = async () => Number((await gateway.dataSource.query<Array<{ Value: string }>>(`SHOW SESSION STATUS LIKE 'Questions'`))[0]?.Value);
      const before = await questions();
      const response = await gateway.request<{ appMaps: Connection<{ id: string; health: string }> }>(MAPS);
      const after = await questions();
      expect(response.errors).toBeUndefined();
      expect(response.data?.appMaps.totalCount).toBe(expected);
      // The seeded clusters cannot be reached: every map is MISSING, and says why.
      expect(nodesOf(response.data!.appMaps).every((map) => map.health === 'MISSING')).toBe(true);
      return { statements: after - before, ids: nodesOf(response.data!.appMaps).map((map) => map.id) };
    };
    await seedMaps(10);
    const few = await statementsForMaps(10);
    await seedMaps(200);
    const many = await statementsForMaps(200);
    expect(many.statements).toBe(few.statements);
    expect(few.statements).toBeLessThanOrEqual(8);

    const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on AppMap { name health } } }`;
    const statementsForNodes = async (nodeIds: string[]) => {
      const questions = async () => Number((await gateway.dataSource.query<Array<{ Value: string }>>(`SHOW SESSION STATUS LIKE 'Questions'`))[0]?.Value);
      const before = await questions();
      const answer = await gateway.request<{ nodes: Array<{ id: string } | null> }>(NODES, { ids: nodeIds });
      const after = await questions();
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.nodes.map((node) => node?.id)).toEqual(nodeIds);
      return after - before;
    };
    expect(await statementsForNodes(many.ids.slice(0, 3))).toBe(await statementsForNodes(many.ids.slice(3, 100)));
  });

  test('10 and 200 releases with their packages, versions, revisions and maps cost the same number of statements', async () => {
    if (workspaces < 200) await seedWorkspaces(200);
    const ids = await tables.query<{ id: string }>('SELECT id FROM workspaces ORDER BY name');
    let releases = 0;
    // One workspace package per release, so no loader can answer one release from another's rows.
    const seedReleases = async (upTo: number) => {
      const rows: { packages: unknown[][]; versions: unknown[][]; releases: unknown[][]; revisions: unknown[][] } = { packages: [], versions: [], releases: [], revisions: [] };
      for (; releases < upTo; releases += 1) {
        const workspaceId = ids[releases]!.id;
        const name = `release-${String(releases).padStart(4, '0')}`;
        const [packageId, versionId, releaseId] = [randomUUID(), randomUUID(), randomUUID()];
        const now = new Date();
        rows.packages.push([packageId, workspaceId, workspaceId, name, name, '', '[]', now, now]);
        rows.versions.push([versionId, packageId, '1.0.0', '[]', '{"type":"object"}', now]);
        rows.releases.push([
          releaseId,
          workspaceId,
          clusterIds[releases % CLUSTERS],
          'shop',
          name,
          'PROD',
          packageId,
          name,
          versionId,
          '1.0.0',
          2,
          'DEPLOYED',
          false,
          'admin',
          'Admin',
          now,
          now,
        ]);
        for (const [revision, action] of [
          [1, 'INSTALL'],
          [2, 'UPGRADE'],
        ] as const) {
          const inventory = JSON.stringify([{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name, uid: randomUUID() }]);
          rows.revisions.push([
            releaseId,
            revision,
            action,
            versionId,
            '1.0.0',
            '{"replicas":2}',
            '[]',
            '[]',
            inventory,
            '',
            revision === 2 ? 'DEPLOYED' : 'SUPERSEDED',
            'admin',
            'Admin',
            now,
          ]);
        }
      }
      await tables.query('INSERT INTO catalog_packages (id, workspace_id, owner_key, name, name_key, description, tags, created_at, updated_at) VALUES ?', [rows.packages]);
      await tables.query('INSERT INTO catalog_package_versions (id, package_id, version, templates, parameters_schema, created_at) VALUES ?', [rows.versions]);
      await tables.query(
        'INSERT INTO releases (id, workspace_id, cluster_id, namespace, app_map_name, stage, package_id, package_name, package_version_id, version, revision, status, created_namespace, created_by_id, created_by_name, created_at, updated_at) VALUES ?',
        [rows.releases],
      );
      await tables.query(
        'INSERT INTO release_revisions (release_id, revision, action, package_version_id, version, values_json, hidden_value_paths, manifests, inventory, diff, status, created_by_id, created_by_name, created_at) VALUES ?',
        [rows.revisions],
      );
    };
    const RELEASES = `{ releases(first: 500) { totalCount edges { node { id name: appMapName status version values inventory { kind name } package { name latestVersion { version } } packageVersion { version } history(first: 5) { totalCount edges { node { revision action inventory { name } } } } appMap { name } } } } }`;
    const statementsForReleases = async (expected: number) => {
      const questions = async () => Number((await gateway.dataSource.query<Array<{ Value: string }>>(`SHOW SESSION STATUS LIKE 'Questions'`))[0]?.Value);
      const before = await questions();
      type Listed = { package: { name: string } | null; packageVersion: { version: string } | null; history: { totalCount: number } };
      const response = await gateway.request<{ releases: Connection<Listed> }>(RELEASES);
      const after = await questions();
      expect(response.errors).toBeUndefined();
      expect(response.data?.releases.totalCount).toBe(expected);
      const listed = nodesOf(response.data!.releases);
      expect(listed).toHaveLength(expected);
      // Every relation really was loaded (a null would hide a skipped query).
      expect(listed.every((release) => release.package !== null && release.packageVersion?.version === '1.0.0' && release.history.totalCount === 2)).toBe(true);
      return after - before;
    };
    await seedReleases(10);
    const few = await statementsForReleases(10);
    await seedReleases(200);
    const many = await statementsForReleases(200);
    expect(many).toBe(few);
    expect(few).toBeLessThanOrEqual(12);
  });
});
