import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { ConnectionArgs } from '../../../shared/connection-types.js';
import { connectionFromWindow, type PagingContext } from '../../../shared/pagination.js';
import type { AuditLog } from './ports.js';
import { auditKey, queryAuditLog } from './audit-queries.js';
import { AuditEntry, AuditEntryConnection, AuditLogFilter } from './graphql-types.js';
import type { AuditEntryRecord } from './records.js';

/** The part of the per-request context the audit queries read. */
export interface AuditContext extends PagingContext {
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
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Arg('filter', () => AuditLogFilter, { nullable: true, description: 'Which entries; all when omitted.' }) filter?: AuditLogFilter | null,
  ): Promise<AuditEntryConnection> {
    const { request, window } = await queryAuditLog(context.auditLog, filter, page, context.pageLimits);
    return connectionFromWindow(window, request, auditKey, toAuditEntry);
  }
}
