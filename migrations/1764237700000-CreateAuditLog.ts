import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { instantColumn, isEmbedded } from './portable.js';

/**
 * No foreign keys on purpose: the history outlives the users, workspaces and clusters it names.
 */
export class CreateAuditLog1764237700000 implements MigrationInterface {
  name = 'CreateAuditLog1764237700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          // SQLite autoincrements only an INTEGER PRIMARY KEY; MySQL's INTEGER would run out.
          { name: 'id', type: isEmbedded(queryRunner) ? 'integer' : 'bigint', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          instantColumn(queryRunner, 'at'),
          { name: 'actor_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'actor_name', type: 'varchar', length: '200' },
          { name: 'action', type: 'varchar', length: '100' },
          { name: 'target_type', type: 'varchar', length: '64', isNullable: true },
          { name: 'target_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'workspace_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '64' },
          { name: 'message', type: 'varchar', length: '1024', isNullable: true },
          { name: 'variables', type: 'text' },
        ],
        indices: [
          { name: 'IDX_audit_log_at', columnNames: ['at'] },
          { name: 'IDX_audit_log_actor_id', columnNames: ['actor_id'] },
          { name: 'IDX_audit_log_target_id', columnNames: ['target_id'] },
          { name: 'IDX_audit_log_workspace_id', columnNames: ['workspace_id'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_log');
  }
}
