export { AuditResolver, type AuditContext } from './audit-resolver.js';
export { auditKey, queryAuditLog, validAuditFilter } from './audit-queries.js';
export { AuditEntry, AuditEntryConnection } from './graphql-types.js';
export type { AuditLog } from './ports.js';
export type { AuditEntryRecord, AuditFilter, NewAuditEntry } from './records.js';
export { isSecretKey, redactSecrets, REDACTED } from './redact.js';
