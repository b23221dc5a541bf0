import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Build arguments of a build definition, as JSON (`[{ "name": …, "value": … }]`); NULL: none. */
export class AddBuildArguments1764238000000 implements MigrationInterface {
  name = 'AddBuildArguments1764238000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('builds', new TableColumn({ name: 'build_args', type: 'text', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('builds', 'build_args');
  }
}
