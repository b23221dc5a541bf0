import { BadInputError } from '../../../shared/errors.js';
import { pageRequest, type CursorKey, type PageArgs, type PageLimits, type PageRequest, type PageWindow } from '../../../shared/pagination.js';
import type { AuditLog } from './ports.js';
import type { AuditEntryRecord, AuditFilter } from './records.js';

const MAX_FILTER_LENGTH = 200;
export const AUDIT_LIST = 'Query.auditLog';

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

/** The entry's sort key: ids grow with the time of writing, and the log is newest first. */
export function auditKey(entry: Pick<AuditEntryRecord, 'id'>): CursorKey {
  return [entry.id];
}

const isAuditKey = (key: CursorKey) => key.length === 1 && typeof key[0] === 'string' && /^\d{1,20}$/.test(key[0]);

export async function queryAuditLog(
  log: AuditLog,
  rawFilter: RawAuditFilter | null | undefined,
  page: PageArgs,
  limits: PageLimits,
): Promise<{ request: PageRequest; window: PageWindow<AuditEntryRecord> }> {
  const request = pageRequest(AUDIT_LIST, page, limits, isAuditKey);
  const filter = validAuditFilter(rawFilter);
  const window = await log.query(filter, {
    size: request.size,
    fromEnd: request.fromEnd,
    after: request.after?.[0] as string | undefined,
    before: request.before?.[0] as string | undefined,
  });
  return { request, window };
}
