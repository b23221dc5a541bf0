import { FULL_ACCESS, type AccessResolver, type AccessScope } from '../shared/access.js';
import type { EventBus, Unsubscribe } from '../shared/event-bus.js';
import type { Logger } from '../shared/logger.js';
import { subjects } from '../infra/nats/subjects.js';

interface Caller {
  readonly userId: string | null;
  readonly systemRole: string;
}

const MAX_ENTRIES = 10_000;

/**
 * Access scopes shared by every request and subscription event of a process, so checking each live
 * event costs no query. Any change to memberships or allotments, on any replica, is announced on the
 * bus and empties every replica's cache: the next event is checked against the new rights.
 */
export class AccessCache {
  private readonly entries = new Map<string, Promise<AccessScope>>();
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly resolve: AccessResolver,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe(subjects.accessChanged, () => this.entries.clear());
  }

  scopeFor(caller: Caller): Promise<AccessScope> {
    if (caller.systemRole === 'ADMIN') return Promise.resolve(FULL_ACCESS);
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

  /** Called after any change of rights; clears this replica at once and the others through the bus. */
  async invalidate(): Promise<void> {
    this.entries.clear();
    try {
      await this.bus.publish(subjects.accessChanged, { v: 1, at: new Date().toISOString() });
    } catch (error) {
      this.logger.error('cannot announce an access change to other replicas', { error: String(error) });
    }
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
  }
}
