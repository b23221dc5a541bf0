import { BadInputError } from '../../../shared/errors.js';
import type { AuditLog } from './ports.js';
import type { AuditEntryRecord, AuditFilter, AuditPage } from './records.js';

export const DEFAULT_AUDIT_PAGE = 50;
export const MAX_AUDIT_PAGE = 500;
const MAX_FILTER_LENGTH = 200;
const CURSOR_PREFIX = 'audit:';

export interface RawAuditFilter {
  readonly actorId?: string | null;
  readonly action?: string | null;
  readonly targetId?: string | null;
  readonly workspaceId?: string | null;
  readonly outcome?: string | null;
  /** A Date from the GraphQL DateTime scalar; text from other callers. */
  readonly from?: Date | string | null;
  readonly to?: Date | string | null;
}

/** Opaque to clients; the id underneath may change shape without breaking them. */
export function auditCursor(entry: Pick<AuditEntryRecord, 'id'>): string {
  return Buffer.from(`${CURSOR_PREFIX}${entry.id}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith(CURSOR_PREFIX) ? decoded.slice(CURSOR_PREFIX.length) : '';
  if (!/^\d{1,20}$/.test(id)) throw new BadInputError('after', 'is not a cursor of the audit log');
  return id;
}

function text(field: string, raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (raw.length > MAX_FILTER_LENGTH) throw new BadInputError(field, `must be at most ${MAX_FILTER_LENGTH} characters`);
  return raw;
}

function instant(field: string, raw: Date | string | null | undefined): Date | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (raw instanceof Date) return raw;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(raw)) {
    throw new BadInputError(field, 'must be an ISO 8601 date or date-time with a time zone, e.g. 2030-01-31T00:00:00Z');
  }
  const at = new Date(raw);
  if (Number.isNaN(at.getTime())) throw new BadInputError(field, 'is not a valid date-time');
  return at;
}

export function validAuditFilter(raw: RawAuditFilter | null | undefined): AuditFilter {
  const filter: AuditFilter = {
    actorId: text('filter.actorId', raw?.actorId),
    action: text('filter.action', raw?.action),
    targetId: text('filter.targetId', raw?.targetId),
    workspaceId: text('filter.workspaceId', raw?.workspaceId),
    outcome: text('filter.outcome', raw?.outcome),
    from: instant('filter.from', raw?.from),
    to: instant('filter.to', raw?.to),
  };
  if (filter.from !== undefined && filter.to !== undefined && filter.from.getTime() > filter.to.getTime()) throw new BadInputError('filter.to', 'must not be before filter.from');
  return filter;
}

export async function queryAuditLog(log: AuditLog, rawFilter: RawAuditFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<AuditPage> {
  const size = first ?? DEFAULT_AUDIT_PAGE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_AUDIT_PAGE) throw new BadInputError('first', `must be between 1 and ${MAX_AUDIT_PAGE}`);
  const beforeId = after === null || after === undefined ? null : decodeCursor(after);
  return log.query(validAuditFilter(rawFilter), { first: size, beforeId });
}
