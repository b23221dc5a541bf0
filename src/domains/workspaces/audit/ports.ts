import type { PageWindow } from '../../../shared/pagination.js';
import type { AuditEntryRecord, AuditFilter, NewAuditEntry } from './records.js';

/** A page of the log, newest first: `after`/`before` are entry ids (see PageRequest in src/shared/pagination.ts). */
export interface AuditPageRequest {
  readonly size: number;
  readonly fromEnd: boolean;
  readonly after?: string | undefined;
  readonly before?: string | undefined;
}

/** The audit log's persistence (implemented in src/infra/db). */
export interface AuditLog {
  append(entry: NewAuditEntry): Promise<void>;
  /** Newest first, paged by entry id. */
  query(filter: AuditFilter, page: AuditPageRequest): Promise<PageWindow<AuditEntryRecord>>;
}
