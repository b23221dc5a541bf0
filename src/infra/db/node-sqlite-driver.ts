import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';

/**
 * typeorm's `better-sqlite3` driver, fed with Node's built-in SQLite (`node:sqlite`) instead of the
 * native better-sqlite3 addon: the same SQLite engine with its journal (WAL), so a committed
 * transaction survives a crash and a write costs the same whatever the size of the file — and no
 * native addon to build for the pinned Node. Only what typeorm's driver calls is provided.
 */
interface OpenOptions {
  readonly readonly?: boolean;
  readonly fileMustExist?: boolean;
  readonly timeout?: number;
}

class CompatibleStatement {
  /** better-sqlite3's flag: true when the statement returns rows (typeorm then calls `all`). */
  readonly reader: boolean;

  constructor(private readonly statement: StatementSync) {
    this.reader = statement.columns().length > 0;
  }

  all(...parameters: SQLInputValue[]): unknown[] {
    return this.statement.all(...parameters);
  }

  get(...parameters: SQLInputValue[]): unknown {
    return this.statement.get(...parameters);
  }

  run(...parameters: SQLInputValue[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.statement.run(...parameters);
  }
}

export class NodeSqliteDatabase {
  private readonly database: DatabaseSync;

  constructor(file: string, options: OpenOptions = {}) {
    this.database = new DatabaseSync(file, { readOnly: options.readonly ?? false, timeout: options.timeout ?? 5_000, enableForeignKeyConstraints: true });
  }

  prepare(sql: string): CompatibleStatement {
    return new CompatibleStatement(this.database.prepare(sql));
  }

  exec(sql: string): this {
    this.database.exec(sql);
    return this;
  }

  /** `pragma("journal_mode = WAL")`: runs `PRAGMA …` and returns its rows, as better-sqlite3 does. */
  pragma(source: string, options: { readonly simple?: boolean } = {}): unknown {
    const rows = this.database.prepare(`PRAGMA ${source}`).all();
    if (options.simple !== true) return rows;
    const first = rows[0];
    return first === undefined ? undefined : Object.values(first)[0];
  }

  get open(): boolean {
    return this.database.isOpen;
  }

  get inTransaction(): boolean {
    return this.database.isTransaction;
  }

  close(): this {
    if (this.database.isOpen) this.database.close();
    return this;
  }
}
