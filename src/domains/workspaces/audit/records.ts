/** One recorded mutation: who, what, on which object, when, and how it ended. */
export interface AuditEntryRecord {
  /** Increasing with time of writing: the log is paged by it. */
  id: string;
  at: Date;
  /** The caller's id (`bootstrap-admin` for the configured token); null when nobody authenticated. */
  actorId: string | null;
  actorName: string;
  /** The mutation's name, e.g. `addWorkspaceMember`. */
  action: string;
  targetType: string | null;
  targetId: string | null;
  workspaceId: string | null;
  /** `OK`, or the error code the caller got (FORBIDDEN, BAD_USER_INPUT, …). */
  outcome: string;
  message: string | null;
  /** The mutation's arguments as JSON, secrets replaced by "[redacted]". */
  variables: string;
}

export type NewAuditEntry = Omit<AuditEntryRecord, 'id'>;

export interface AuditFilter {
  readonly actorId?: string | undefined;
  readonly action?: string | undefined;
  readonly targetId?: string | undefined;
  readonly workspaceId?: string | undefined;
  readonly outcome?: string | undefined;
  /** Inclusive. */
  readonly from?: Date | undefined;
  /** Exclusive. */
  readonly to?: Date | undefined;
}
