import { FULL_ACCESS, type AccessResolver, type AccessScope } from '../../shared/access.js';
import type { Logger } from '../../shared/logger.js';
import type { AccessChanges } from './ports.js';
import { isSystemAdmin, type Caller } from './records.js';

const MAX_ENTRIES = 10_000;

/** How long a cached scope may be used without asking the database again (KDA_ACCESS_CACHE_SECONDS). */
export const DEFAULT_ACCESS_MAX_AGE_MS = 5_000;

export interface AccessCacheOptions {
  /** A scope older than this is read again, whether or not a change announcement arrived. */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

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
 * An announcement lost with the bus (an outage, a partition) is covered by age: no scope is used for
 * longer than `maxAgeMs`, so a revoked right stops working within that bound on every replica.
 */
export class AccessCache {
  private readonly entries = new Map<string, { readonly scope: Promise<AccessScope>; readonly at: number }>();
  private stopListening: (() => Promise<void>) | undefined;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly resolve: AccessResolver,
    private readonly changes: AccessChanges,
    private readonly logger: Logger,
    options: AccessCacheOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_ACCESS_MAX_AGE_MS;
    this.now = options.now ?? (() => performance.now());
  }

  async start(): Promise<void> {
    this.stopListening = await this.changes.listen(() => this.entries.clear());
  }

  scopeFor(caller: Caller): Promise<AccessScope> {
    if (isSystemAdmin(caller)) return Promise.resolve(FULL_ACCESS);
    const key = caller.userId ?? '';
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached !== undefined && now - cached.at <= this.maxAgeMs) return cached.scope;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const entry = { scope: this.resolve(caller), at: now };
    // A failed lookup must not be remembered.
    entry.scope.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    this.entries.set(key, entry);
    return entry.scope;
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
