import type { QueryRunner, TableColumnOptions } from 'typeorm';

/** The embedded default runs the same migrations on SQLite (node:sqlite). */
export function isEmbedded(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.driver.options.type === 'better-sqlite3';
}

export interface InstantOptions {
  readonly nullable?: boolean;
  /** Filled in by the database when a row is inserted. */
  readonly defaultNow?: boolean;
  /** Refreshed by the database when a row is updated (MySQL/MariaDB only; SQLite has no such clause). */
  readonly updateNow?: boolean;
}

/** A point in time: microseconds on MySQL/MariaDB, SQLite's plain datetime in the embedded default. */
export function instantColumn(queryRunner: QueryRunner, name: string, options: InstantOptions = {}): TableColumnOptions {
  const embedded = isEmbedded(queryRunner);
  const now = embedded ? 'CURRENT_TIMESTAMP' : 'CURRENT_TIMESTAMP(6)';
  return {
    name,
    type: 'datetime',
    ...(embedded ? {} : { precision: 6 }),
    ...(options.nullable ? { isNullable: true } : {}),
    ...(options.defaultNow ? { default: now } : {}),
    ...(options.updateNow && !embedded ? { onUpdate: now } : {}),
  };
}

/** created_at and updated_at, kept by the database. */
export function timestampColumns(queryRunner: QueryRunner): TableColumnOptions[] {
  return [instantColumn(queryRunner, 'created_at', { defaultNow: true }), instantColumn(queryRunner, 'updated_at', { defaultNow: true, updateNow: true })];
}
