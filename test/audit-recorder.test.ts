import 'reflect-metadata';
import { createAuditRecorder } from '../src/graphql/audit-middleware.js';
import type { AuditLog, NewAuditEntry } from '../src/domains/workspaces/index.js';
import type { LogFields, Logger } from '../src/shared/logger.js';

describe('the audit recorder', () => {
  test('a failure to write an entry is logged as an error, not swallowed, and does not fail the mutation', async () => {
    const logged: Array<{ message: string; fields?: LogFields }> = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (message, fields) => {
        logged.push({ message, ...(fields ? { fields } : {}) });
      },
      child: () => logger,
    };
    const brokenLog: AuditLog = {
      append: async () => {
        throw new Error('disk full');
      },
      query: async () => ({ rows: [], totalCount: 0, hasPreviousPage: false, hasNextPage: false }),
    };
    const entry: NewAuditEntry = {
      at: new Date(),
      actorId: 'u1',
      actorName: 'U',
      action: 'createWorkspace',
      targetType: 'Workspace',
      targetId: 'w1',
      workspaceId: 'w1',
      outcome: 'OK',
      message: null,
      variables: '{}',
    };
    await expect(createAuditRecorder(brokenLog, logger).record(entry)).resolves.toBeUndefined();
    expect(logged).toEqual([{ message: 'cannot write audit entry', fields: expect.objectContaining({ action: 'createWorkspace', actorId: 'u1', error: 'disk full' }) }]);
  });
});
