import type { QueryRunner, TableColumnOptions } from 'typeorm';

/** MySQL/MariaDB keep microseconds and update the column themselves; SQLite (embedded) has neither. */
export function timestampColumns(queryRunner: QueryRunner): TableColumnOptions[] {
  const isSqlite = queryRunner.connection.driver.options.type === 'sqljs';
  const now = isSqlite ? 'CURRENT_TIMESTAMP' : 'CURRENT_TIMESTAMP(6)';
  return [
    { name: 'created_at', type: 'datetime', ...(isSqlite ? {} : { precision: 6 }), default: now },
    { name: 'updated_at', type: 'datetime', ...(isSqlite ? {} : { precision: 6, onUpdate: now }), default: now },
  ];
}
