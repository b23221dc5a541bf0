import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { decideAdd, decideRemoval, decideRoleChange } from './member-rules.js';
import type { MemberRecord, WorkspaceRole } from './records.js';

const member = (userId: string, role: WorkspaceRole): MemberRecord => ({ workspaceId: 'w', userId, role, createdAt: new Date(0) });

describe('member rules', () => {
  const alone = [member('boss', 'MANAGER'), member('dev', 'DEVOPS')];
  const pair = [member('boss', 'MANAGER'), member('second', 'MANAGER')];

  test('the last MANAGER can be neither removed nor demoted', () => {
    expect(() => decideRemoval(alone, 'boss')).toThrow(/last MANAGER/);
    expect(() => decideRoleChange(alone, 'boss', 'VIEWER')).toThrow(ConflictError);
  });

  test('a MANAGER with a fellow MANAGER can go, and anyone else can', () => {
    expect(decideRemoval(pair, 'boss')).toEqual({ kind: 'remove', userId: 'boss' });
    expect(decideRoleChange(pair, 'boss', 'VIEWER')).toEqual({ kind: 'set-role', userId: 'boss', role: 'VIEWER' });
    expect(decideRemoval(alone, 'dev')).toEqual({ kind: 'remove', userId: 'dev' });
    expect(decideRoleChange(alone, 'boss', 'MANAGER')).toEqual({ kind: 'set-role', userId: 'boss', role: 'MANAGER' });
  });

  test('members join once; only members can be changed', () => {
    expect(() => decideAdd(alone, member('dev', 'VIEWER'))).toThrow(ConflictError);
    expect(() => decideAdd(alone, member('dev', 'VIEWER'))).toThrow(/already a member/);
    expect(() => decideRemoval(alone, 'stranger')).toThrow(NotFoundError);
    expect(decideAdd(alone, member('new', 'VIEWER'))).toMatchObject({ kind: 'add' });
  });
});
