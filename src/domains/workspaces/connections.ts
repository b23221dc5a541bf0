import { connectionType } from '../../shared/connection-types.js';
import type { ConnectionValues } from '../../shared/pagination.js';
import { Member, Workspace } from './graphql-types.js';

export const WorkspaceConnection = connectionType(Workspace, { name: 'Workspace', noun: 'workspace', plural: 'workspaces' });
export type WorkspaceConnection = ConnectionValues<Workspace>;

export const MemberConnection = connectionType(Member, { name: 'Member', noun: 'member', plural: 'members' });
export type MemberConnection = ConnectionValues<Member>;

/** Workspace names are unique: the name alone is the key. */
export const WORKSPACES_BY_NAME = { key: (workspace: Workspace) => [workspace.name] } as const;
/** Members in the order they joined; the user id breaks ties. */
export const MEMBERS_BY_JOINING = { key: (member: Member) => [member.addedAt, member.userId] } as const;
