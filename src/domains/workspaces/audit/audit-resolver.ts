import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { ConnectionArgs } from '../../../shared/connection-types.js';
import { connectionFromWindow, type PagingContext } from '../../../shared/pagination.js';
import { decodeGlobalId, localKeyOf, toGlobalId } from '../../../shared/global-id.js';
import type { AuditLog } from './ports.js';
import { auditKey, queryAuditLog } from './audit-queries.js';
import { AuditEntry, AuditEntryConnection, AuditLogFilter } from './graphql-types.js';
import type { AuditEntryRecord } from './records.js';

/** The part of the per-request context the audit queries read. */
export interface AuditContext extends PagingContext {
  readonly auditLog: AuditLog;
}

/**
 * The GraphQL type of what an entry's targetId names: the audit names some targets after the
 * mutation rather than the type (a member change is recorded by the user's id, an allotment by the
 * cluster's).
 */
const TARGET_ID_TYPES: Readonly<Record<string, string>> = { WorkspaceMember: 'User', ClusterAllotment: 'Cluster', Node: 'ClusterNode' };

function targetGlobalId(targetType: string | null, targetId: string | null): string | null {
  if (targetId === null) return null;
  const type = targetType === null ? 'Unknown' : (TARGET_ID_TYPES[targetType] ?? targetType);
  return toGlobalId(/^[A-Z][A-Za-z]*$/.test(type) ? type : 'Unknown', targetId);
}

export function toAuditEntry(record: AuditEntryRecord): AuditEntry {
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
    targetId: targetGlobalId(record.targetType, record.targetId),
    workspaceId: record.workspaceId,
    outcome: record.outcome,
    message: record.message,
    variables,
  };
}

/** The filter's ids as the log stores them (local keys); a target id may be of any type. */
function localFilter(filter: AuditLogFilter): AuditLogFilter {
  const local = (id: string | null | undefined, typeName: string) => (id == null ? id : localKeyOf(id, typeName));
  const targetId = filter.targetId == null ? filter.targetId : (decodeGlobalId(filter.targetId)?.localKey ?? filter.targetId);
  return { ...filter, actorId: local(filter.actorId, 'User'), workspaceId: local(filter.workspaceId, 'Workspace'), targetId };
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
    const { request, window } = await queryAuditLog(context.auditLog, filter == null ? filter : localFilter(filter), page, context.pageLimits);
    return connectionFromWindow(window, request, auditKey, toAuditEntry);
  }
}
