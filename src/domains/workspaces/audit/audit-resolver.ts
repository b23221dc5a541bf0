import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { decodeGlobalId, localKeyOf, toGlobalId } from '../../../shared/global-id.js';
import type { AuditLog } from './ports.js';
import { auditCursor, DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE, queryAuditLog } from './audit-queries.js';
import { AuditEntry, AuditEntryConnection, AuditLogFilter } from './graphql-types.js';
import type { AuditEntryRecord } from './records.js';

/** The part of the per-request context the audit queries read. */
export interface AuditContext {
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
    @Arg('filter', () => AuditLogFilter, { nullable: true, description: 'Which entries; all when omitted.' }) filter?: AuditLogFilter | null,
    @Arg('first', () => Int, { nullable: true, description: `Page size, 1-${MAX_AUDIT_PAGE}; ${DEFAULT_AUDIT_PAGE} when omitted.` }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page.' }) after?: string | null,
  ): Promise<AuditEntryConnection> {
    const page = await queryAuditLog(context.auditLog, filter == null ? filter : localFilter(filter), first, after);
    const edges = page.entries.map((record) => ({ cursor: auditCursor(record), node: toAuditEntry(record) }));
    return { totalCount: page.totalCount, edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}
