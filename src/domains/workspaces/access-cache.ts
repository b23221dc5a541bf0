import { FULL_ACCESS, type AccessResolver, type AccessScope } from '../../shared/access.js';
import type { Logger } from '../../shared/logger.js';
import type { AccessChanges } from './ports.js';
import { isSystemAdmin, type Caller } from './records.js';

const MAX_ENTRIES = 10_000;

/**
 * Which callers share one access scope: all administrators, or one user with themselves; `null` for a
 * caller without rights of their own (no user). Subscriptions group their subscribers by it too.
 */
export function accessScopeKey(caller: Caller): string | null {
  if (isSystemAdmin(caller)) return 'admin';
  return caller.userId === null ? null : `user:${caller.userId}`;
}

/**
 * Access scopes shared by every request and subscription event of a process, so checking each live
 * event costs no query. Any change to memberships or allotments, on any replica, is announced (see
 * AccessChanges) and empties every replica's cache: the next event is checked against the new rights.
 */
export class AccessCache {
  private readonly entries = new Map<string, Promise<AccessScope>>();
  private stopListening: (() => Promise<void>) | undefined;

  constructor(
    private readonly resolve: AccessResolver,
    private readonly changes: AccessChanges,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopListening = await this.changes.listen(() => this.entries.clear());
  }

  scopeFor(caller: Caller): Promise<AccessScope> {
    if (isSystemAdmin(caller)) return Promise.resolve(FULL_ACCESS);
    const key = caller.userId ?? '';
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      entry = this.resolve(caller);
      // A failed lookup must not be remembered.
      entry.catch(() => this.entries.delete(key));
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Called after any change of rights; clears this replica at once and the others through the announcement. */
  async invalidate(): Promise<void> {
    this.entries.clear();
    try {
      await this.changes.announce();
    } catch (error) {
      this.logger.error('cannot announce an access change to other replicas', { error: String(error) });
    }
  }

  async stop(): Promise<void> {
    await this.stopListening?.();
  }
}
