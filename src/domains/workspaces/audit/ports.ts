import type { AuditFilter, AuditPage, NewAuditEntry } from './records.js';

/** The audit log's persistence (implemented in src/infra/db). */
export interface AuditLog {
  append(entry: NewAuditEntry): Promise<void>;
  /** Newest first; `beforeId` continues after the last entry of the previous page. */
  query(filter: AuditFilter, page: { readonly first: number; readonly beforeId: string | null }): Promise<AuditPage>;
}
