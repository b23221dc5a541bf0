import { EntitySchema, type ValueTransformer } from 'typeorm';
import type { AuditEntryRecord } from '../../domains/workspaces/audit/records.js';

/** MySQL hands BIGINTs over as strings, SQLite as numbers: the domain always sees a string. */
const idAsString: ValueTransformer = {
  to: (id: string | undefined) => id,
  from: (stored: string | number | null) => (stored === null ? null : String(stored)),
};

export const AuditEntryEntity = new EntitySchema<AuditEntryRecord>({
  name: 'AuditEntry',
  tableName: 'audit_log',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment', transformer: idAsString },
    at: { type: 'datetime', precision: 6 },
    actorId: { name: 'actor_id', type: 'varchar', length: 64, nullable: true },
    actorName: { name: 'actor_name', type: 'varchar', length: 200 },
    action: { type: 'varchar', length: 100 },
    targetType: { name: 'target_type', type: 'varchar', length: 64, nullable: true },
    targetId: { name: 'target_id', type: 'varchar', length: 255, nullable: true },
    workspaceId: { name: 'workspace_id', type: 'varchar', length: 64, nullable: true },
    outcome: { type: 'varchar', length: 64 },
    message: { type: 'varchar', length: 1024, nullable: true },
    variables: { type: 'text' },
  },
  indices: [
    { name: 'IDX_audit_log_at', columns: ['at'] },
    { name: 'IDX_audit_log_actor_id', columns: ['actorId'] },
    { name: 'IDX_audit_log_target_id', columns: ['targetId'] },
    { name: 'IDX_audit_log_workspace_id', columns: ['workspaceId'] },
  ],
});
