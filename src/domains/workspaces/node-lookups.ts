import type { NodeLookups } from '../../shared/node-lookup.js';
import type { AuditContext } from './audit/audit-resolver.js';
import { toAuditEntry } from './audit/audit-resolver.js';
import { callerOf, type WorkspacesContext } from './context.js';
import { toAllotment, toMember, toStorageAllotment, toWorkspace } from './mappers.js';
import { keyParts } from './node-keys.js';
import { isSystemAdmin, type WorkspaceRecord } from './records.js';

type Context = WorkspacesContext & AuditContext;

/**
 * The workspace if the caller may see it (a member, or a system administrator), as `workspace(id:)`
 * answers; through the request's loaders, so the ids of one `nodes` call cost one statement each.
 */
async function visibleWorkspace(context: WorkspacesContext, workspaceId: string): Promise<WorkspaceRecord | null> {
  const caller = callerOf(context);
  if (!isSystemAdmin(caller)) {
    if (caller.userId === null) return null;
    const memberships = await context.workspaceLoaders.membershipsByUserId.load(caller.userId);
    if (!memberships.some((member) => member.workspaceId === workspaceId)) return null;
  }
  return context.workspaceLoaders.workspaceById.load(workspaceId);
}

/** A relation of a workspace (`<workspaceId>/…`), seen as `workspace { members / allotments / storage }` shows it. */
function ofWorkspace(count: number, find: (context: Context, workspaceId: string, rest: string[]) => Promise<object | null>) {
  return async (context: Context, localKey: string): Promise<object | null> => {
    const parts = keyParts(localKey, count);
    if (parts === null || (await visibleWorkspace(context, parts[0]!)) === null) return null;
    return find(context, parts[0]!, parts.slice(1));
  };
}

const AUDIT_ENTRY_ID = /^\d{1,18}$/;

/** `node(id:)` for the workspaces domain. */
export const workspaceNodeLookups: NodeLookups<Context> = {
  Workspace: async (context, workspaceId) => {
    const record = await visibleWorkspace(context, workspaceId);
    return record === null ? null : toWorkspace(record);
  },
  Member: ofWorkspace(2, async (context, workspaceId, [userId]) => {
    const member = (await context.workspaceLoaders.membersByWorkspaceId.load(workspaceId)).find((candidate) => candidate.userId === userId);
    return member === undefined ? null : toMember(member);
  }),
  ClusterAllotment: ofWorkspace(2, async (context, workspaceId, [clusterId]) => {
    const allotment = (await context.workspaceLoaders.allotmentsByWorkspaceId.load(workspaceId)).find((candidate) => candidate.clusterId === clusterId);
    return allotment === undefined ? null : toAllotment(allotment);
  }),
  StorageAllotment: ofWorkspace(3, async (context, workspaceId, [clusterId, storageClassName]) => {
    const storage = (await context.workspaceLoaders.storageByWorkspaceId.load(workspaceId)).find(
      (candidate) => candidate.clusterId === clusterId && candidate.storageClassName === storageClassName,
    );
    return storage === undefined ? null : toStorageAllotment(storage);
  }),
  // The audit log is for system administrators only, as `auditLog` is.
  AuditEntry: async (context, entryId) => {
    if (!isSystemAdmin(callerOf(context)) || !AUDIT_ENTRY_ID.test(entryId)) return null;
    // Newest first: the first entry below id + 1 is the entry itself, when it exists.
    const window = await context.auditLog.query({}, { size: 1, fromEnd: false, after: String(BigInt(entryId) + 1n) });
    const entry = window.rows[0];
    return entry !== undefined && String(entry.id) === entryId ? toAuditEntry(entry) : null;
  },
};
