import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A release and the application map it made: maps find their release by `release_id` (indexed);
 * a release moved to another cluster remembers where it came from and whether the source is still
 * to be removed once it turns healthy (so a restart finishes the move); a map may roll forward on
 * every successful build of an image it runs (continuous deployment, off unless asked).
 */
export class LinkReleasesToAppMaps1764238400000 implements MigrationInterface {
  name = 'LinkReleasesToAppMaps1764238400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('releases', [
      new TableColumn({ name: 'redeployed_from', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'source_removal', type: 'varchar', length: '16', isNullable: true }),
    ]);
    await queryRunner.addColumn('app_maps', new TableColumn({ name: 'continuous_deployment', type: 'boolean', default: false }));
    await queryRunner.createIndex('app_maps', new TableIndex({ name: 'IDX_app_maps_release_id', columnNames: ['release_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('app_maps', 'IDX_app_maps_release_id');
    await queryRunner.dropColumn('app_maps', 'continuous_deployment');
    await queryRunner.dropColumn('releases', 'source_removal');
    await queryRunner.dropColumn('releases', 'redeployed_from');
  }
}
