import { ConflictError, NotFoundError } from '../../shared/errors.js';
import type { MemberRecord, WorkspaceRole } from './records.js';

/** One change to a workspace's members, decided by the rules below against its current members. */
export type MemberChange =
  | { readonly kind: 'add'; readonly member: MemberRecord }
  | { readonly kind: 'set-role'; readonly userId: string; readonly role: WorkspaceRole }
  | { readonly kind: 'remove'; readonly userId: string };

function find(members: readonly MemberRecord[], userId: string): MemberRecord {
  const member = members.find((candidate) => candidate.userId === userId);
  if (member === undefined) throw new NotFoundError('Member', userId, 'userId');
  return member;
}

/** A workspace that has a manager keeps one: nobody else could then manage it but an administrator. */
function refuseLosingLastManager(members: readonly MemberRecord[], leaving: MemberRecord, action: string): void {
  const managers = members.filter((member) => member.role === 'MANAGER');
  if (leaving.role === 'MANAGER' && managers.length === 1) {
    throw new ConflictError('userId', `cannot ${action} the last MANAGER of the workspace: make another member MANAGER first`);
  }
}

export function decideAdd(members: readonly MemberRecord[], member: MemberRecord): MemberChange {
  if (members.some((existing) => existing.userId === member.userId)) {
    throw new ConflictError('userId', `user ${member.userId} is already a member of this workspace; use updateWorkspaceMember to change the role`);
  }
  return { kind: 'add', member };
}

export function decideRoleChange(members: readonly MemberRecord[], userId: string, role: WorkspaceRole): MemberChange {
  const member = find(members, userId);
  if (role !== 'MANAGER') refuseLosingLastManager(members, member, 'demote');
  return { kind: 'set-role', userId, role };
}

export function decideRemoval(members: readonly MemberRecord[], userId: string): MemberChange {
  refuseLosingLastManager(members, find(members, userId), 'remove');
  return { kind: 'remove', userId };
}
