import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const SLUG_LENGTH = 40;

/**
 * The slug a workspace created before slugs existed gets: as `createWorkspace` makes one from a
 * name today (kept here as it was, so this migration does the same whatever the code does later).
 */
function slugFromName(name: string, id: string): string {
  const fromName = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
  return fromName === '' ? `ws-${id.replace(/[^a-z0-9]/g, '').slice(0, 8)}` : fromName;
}

/**
 * Tenancy in shared places. A workspace's slug names its build namespace (`kda-builds-<slug>`) and
 * its default project in a registry; each registry allotment records the project (first path
 * component of repository names) the workspace owns there, one workspace per project.
 */
export class AddWorkspaceSlugsAndRegistryProjects1764238200000 implements MigrationInterface {
  name = 'AddWorkspaceSlugsAndRegistryProjects1764238200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('workspaces', new TableColumn({ name: 'slug', type: 'varchar', length: String(SLUG_LENGTH), isNullable: true }));
    const workspaces = (await queryRunner.query('SELECT id, name FROM workspaces ORDER BY created_at, id')) as Array<{ id: string; name: string }>;
    const taken = new Set<string>();
    for (const { id, name } of workspaces) {
      const base = slugFromName(name, id);
      let slug = base;
      // "Cloud Team" and "cloud team" both make cloud-team: the later one gets a piece of its id.
      for (let length = 8; taken.has(slug); length += 4) {
        const suffix = id.replace(/[^a-z0-9]/g, '').slice(0, length);
        slug = `${base.slice(0, SLUG_LENGTH - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
      }
      taken.add(slug);
      await queryRunner.query('UPDATE workspaces SET slug = ? WHERE id = ?', [slug, id]);
    }
    await queryRunner.changeColumn('workspaces', 'slug', new TableColumn({ name: 'slug', type: 'varchar', length: String(SLUG_LENGTH) }));
    await queryRunner.createIndex('workspaces', new TableIndex({ name: 'UQ_workspaces_slug', columnNames: ['slug'], isUnique: true }));

    await queryRunner.addColumn('workspace_registries', new TableColumn({ name: 'project', type: 'varchar', length: '63', isNullable: true }));
    await queryRunner.query('UPDATE workspace_registries SET project = (SELECT slug FROM workspaces WHERE workspaces.id = workspace_registries.workspace_id)');
    await queryRunner.changeColumn('workspace_registries', 'project', new TableColumn({ name: 'project', type: 'varchar', length: '63' }));
    await queryRunner.createIndex(
      'workspace_registries',
      new TableIndex({ name: 'UQ_workspace_registries_registry_id_project', columnNames: ['registry_id', 'project'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('workspace_registries', 'UQ_workspace_registries_registry_id_project');
    await queryRunner.dropColumn('workspace_registries', 'project');
    await queryRunner.dropIndex('workspaces', 'UQ_workspaces_slug');
    await queryRunner.dropColumn('workspaces', 'slug');
  }
}
