/**
 * Rows for the statement-count scenario, written straight into the tables (as
 * test/statement-count.test.ts does): workspaces with members, cluster allotments and a registry;
 * builds with runs; releases, each with a package, a version and two revisions of its own, so no
 * loader can answer one item from another's rows.
 */
import { randomUUID } from 'node:crypto';
import type { BenchDatabase } from './mariadb.js';

const USERS = 30;
const CLUSTERS = 12;
const RUNS_PER_BUILD = 3;

export interface StatementSeed {
  /** The workspace holding every build and release (the first one). */
  readonly workspaceId: string;
  /** Adds rows until there are `count` workspaces, `count` builds and `count` releases. */
  growTo(count: number): Promise<void>;
}

async function insert(database: BenchDatabase, table: string, columns: string, rows: unknown[][]): Promise<void> {
  // In slices: one statement per thousand rows keeps each packet small.
  for (let start = 0; start < rows.length; start += 1_000) await database.query(`INSERT INTO ${table} (${columns}) VALUES ?`, [rows.slice(start, start + 1_000)]);
}

export async function startStatementSeed(database: BenchDatabase): Promise<StatementSeed> {
  const registryId = randomUUID();
  await database.query(`INSERT INTO registries (id, name, url, kind, created_at) VALUES (?, 'platform', 'http://127.0.0.1:5000', 'BUILTIN', NOW(6))`, [registryId]);
  const userIds = Array.from({ length: USERS }, () => randomUUID());
  await insert(
    database,
    'users',
    'id, name, email, system_role',
    userIds.map((id, index) => [id, `User ${index}`, `user${index}@example.com`, 'USER']),
  );
  const clusterIds = Array.from({ length: CLUSTERS }, () => randomUUID());
  await insert(
    database,
    'clusters',
    'id, name, provider, region, kubeconfig_encrypted, status',
    clusterIds.map((id, index) => [id, `cluster-${index}`, 'GKE', 'Tokyo', 'x', 'UNREACHABLE']),
  );
  const workspaceId = randomUUID();
  let count = 0;

  async function growTo(target: number): Promise<void> {
    const rows: Record<'workspaces' | 'members' | 'allotments' | 'registries' | 'builds' | 'runs' | 'packages' | 'versions' | 'releases' | 'revisions', unknown[][]> = {
      workspaces: [],
      members: [],
      allotments: [],
      registries: [],
      builds: [],
      runs: [],
      packages: [],
      versions: [],
      releases: [],
      revisions: [],
    };
    for (; count < target; count += 1) {
      const now = new Date();
      const id = count === 0 ? workspaceId : randomUUID();
      const name = `workspace-${String(count).padStart(4, '0')}`;
      rows.workspaces.push([id, name, name, 'seeded']);
      for (const [index, role] of ['MANAGER', 'DEVOPS', 'VIEWER'].entries()) rows.members.push([id, userIds[(count + index) % USERS], role]);
      for (let index = 0; index < 2; index += 1) rows.allotments.push([id, clusterIds[(count + index) % CLUSTERS], index === 0 ? null : JSON.stringify(['shop'])]);
      rows.registries.push([id, registryId, name, now]);

      const clusterId = clusterIds[count % CLUSTERS];
      const buildId = randomUUID();
      const app = `app-${String(count).padStart(4, '0')}`;
      rows.builds.push([buildId, workspaceId, app, 'git://git.example.com/app.git', 'main', 'NODEJS', `bench/${app}`, registryId, clusterId, now]);
      for (let number = 1; number <= RUNS_PER_BUILD; number += 1) {
        const failed = number === RUNS_PER_BUILD;
        rows.runs.push([
          randomUUID(),
          buildId,
          workspaceId,
          number,
          failed ? 'FAILED' : 'SUCCEEDED',
          6,
          failed ? 3 : 6,
          failed ? 4 : null,
          `127.0.0.1:5000/bench/${app}:run-${number}`,
          clusterId,
          'kda-builds-bench',
          `build-${app}-${number}`,
          now,
        ]);
      }

      const [packageId, versionId, releaseId] = [randomUUID(), randomUUID(), randomUUID()];
      rows.packages.push([packageId, workspaceId, workspaceId, app, app, '', '[]', now, now]);
      rows.versions.push([versionId, packageId, '1.0.0', '[]', '{"type":"object"}', now]);
      rows.releases.push([releaseId, workspaceId, clusterId, 'shop', app, 'PROD', packageId, app, versionId, '1.0.0', 2, 'DEPLOYED', false, 'admin', 'Admin', now, now]);
      for (const [revision, action] of [
        [1, 'INSTALL'],
        [2, 'UPGRADE'],
      ] as const) {
        const inventory = JSON.stringify([{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: app, uid: randomUUID() }]);
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
    await insert(database, 'workspaces', 'id, name, slug, description', rows.workspaces);
    await insert(database, 'workspace_members', 'workspace_id, user_id, role', rows.members);
    await insert(database, 'workspace_clusters', 'workspace_id, cluster_id, namespaces', rows.allotments);
    await insert(database, 'workspace_registries', 'workspace_id, registry_id, project, created_at', rows.registries);
    await insert(database, 'builds', 'id, workspace_id, name, source_url, ref, preset, image_repository, registry_id, cluster_id, created_at', rows.builds);
    await insert(
      database,
      'build_runs',
      'id, build_id, workspace_id, number, status, steps_total, steps_done, failed_step, image, cluster_id, namespace, job_name, created_at',
      rows.runs,
    );
    await insert(database, 'catalog_packages', 'id, workspace_id, owner_key, name, name_key, description, tags, created_at, updated_at', rows.packages);
    await insert(database, 'catalog_package_versions', 'id, package_id, version, templates, parameters_schema, created_at', rows.versions);
    await insert(
      database,
      'releases',
      'id, workspace_id, cluster_id, namespace, app_map_name, stage, package_id, package_name, package_version_id, version, revision, status, created_namespace, created_by_id, created_by_name, created_at, updated_at',
      rows.releases,
    );
    await insert(
      database,
      'release_revisions',
      'release_id, revision, action, package_version_id, version, values_json, hidden_value_paths, manifests, inventory, diff, status, created_by_id, created_by_name, created_at',
      rows.revisions,
    );
  }

  return { workspaceId, growTo };
}
