import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { instantColumn, timestampColumns } from './portable.js';

export class CreateUsersAndApiTokens1764151200000 implements MigrationInterface {
  name = 'CreateUsersAndApiTokens1764151200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'system_role', type: 'varchar', length: '16' },
          ...timestampColumns(queryRunner),
        ],
        uniques: [{ name: 'UQ_users_email', columnNames: ['email'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'prefix', type: 'varchar', length: '16' },
          { name: 'scopes', type: 'varchar', length: '255' },
          instantColumn(queryRunner, 'expires_at', { nullable: true }),
          instantColumn(queryRunner, 'last_used_at', { nullable: true }),
          instantColumn(queryRunner, 'revoked_at', { nullable: true }),
          instantColumn(queryRunner, 'created_at', { defaultNow: true }),
        ],
        uniques: [{ name: 'UQ_api_tokens_token_hash', columnNames: ['token_hash'] }],
        indices: [{ name: 'IDX_api_tokens_user_id', columnNames: ['user_id'] }],
        foreignKeys: [
          { name: 'FK_api_tokens_user_id', columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('api_tokens');
    await queryRunner.dropTable('users');
  }
}
