import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { AuditLog } from './ports.js';
import { auditCursor, DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE, queryAuditLog } from './audit-queries.js';
import { AuditEntry, AuditEntryConnection, AuditLogFilter } from './graphql-types.js';
import type { AuditEntryRecord } from './records.js';

/** The part of the per-request context the audit queries read. */
export interface AuditContext {
  readonly auditLog: AuditLog;
}

function toAuditEntry(record: AuditEntryRecord): AuditEntry {
  let variables: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(record.variables);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) variables = parsed as Record<string, unknown>;
  } catch {
    variables = { unreadable: record.variables.slice(0, 200) };
  }
  return {
    id: record.id,
    at: record.at.toISOString(),
    actorId: record.actorId,
    actorName: record.actorName,
    action: record.action,
    targetType: record.targetType,
    targetId: record.targetId,
    workspaceId: record.workspaceId,
    outcome: record.outcome,
    message: record.message,
    variables,
  };
}

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Authorized('ADMIN')
  @Query(() => AuditEntryConnection, { description: 'Every mutation run, newest first, filtered and paged. System administrators only.' })
  async auditLog(
    @Ctx() context: AuditContext,
    @Arg('filter', () => AuditLogFilter, { nullable: true, description: 'Which entries; all when omitted.' }) filter?: AuditLogFilter | null,
    @Arg('first', () => Int, { nullable: true, description: `Page size, 1-${MAX_AUDIT_PAGE}; ${DEFAULT_AUDIT_PAGE} when omitted.` }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page.' }) after?: string | null,
  ): Promise<AuditEntryConnection> {
    const page = await queryAuditLog(context.auditLog, filter, first, after);
    const edges = page.entries.map((record) => ({ cursor: auditCursor(record), node: toAuditEntry(record) }));
    return { totalCount: page.totalCount, edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}
