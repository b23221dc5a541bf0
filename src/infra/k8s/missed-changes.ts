/**
 * What subscribers of one cluster missed when its outbox had to drop events (see
 * src/infra/nats/outbox.ts): per object, whether they ever heard of it, and its last known state
 * (needed to announce its deletion). The resync then sends, for each object, its current state or
 * its deletion instead of the intermediate states that were dropped.
 *
 * Bounded by the cluster itself: one entry per object that existed when the drops started or was
 * created since and still exists (an object created and deleted while events were being dropped was
 * never heard of and leaves no trace).
 */
import type { WatchEventType } from '../../domains/clusters/model.js';
import type { OutboxMessage } from '../nats/outbox.js';
import type { InformedKind } from './informed-kinds.js';

/** One object change as it goes through the outbox. */
export interface ObjectChange {
  readonly kind: InformedKind;
  readonly type: WatchEventType;
  readonly uid: string;
  readonly object: object;
}

export interface ClusterOutboxMessage extends OutboxMessage {
  /** Absent for cluster status messages. */
  readonly change?: ObjectChange;
  /** A change the watch delivered: its resourceVersion, from which a watch resumed continues after it. */
  readonly resumeAt?: string;
  /** Not for the bus: the mirror drops the objects of `kind` not in `keep` once everything before is published. */
  readonly prune?: { readonly kind: InformedKind; readonly keep: ReadonlySet<string> };
}

export interface MissedObject {
  readonly kind: InformedKind;
  readonly uid: string;
  /** Subscribers never got its ADDED: if it still exists, the resync announces it as ADDED. */
  readonly neverAnnounced: boolean;
  /** Its last known state: what a DELETED carries if it is gone by the resync. */
  readonly lastKnown: object;
}

export function changeIdentity(change: Pick<ObjectChange, 'kind' | 'uid'>): string {
  return `${change.kind}/${change.uid}`;
}

export class MissedChanges {
  private readonly objects = new Map<string, MissedObject>();
  private status = false;

  /** Records a message the outbox dropped. */
  record(message: ClusterOutboxMessage): void {
    const change = message.change;
    if (change === undefined) {
      this.status = true;
      return;
    }
    const identity = changeIdentity(change);
    const earlier = this.objects.get(identity);
    // Dropped in order, so the first dropped change tells what subscribers last heard: nothing, if it was the ADDED.
    const neverAnnounced = earlier?.neverAnnounced ?? change.type === 'ADDED';
    if (change.type === 'DELETED' && neverAnnounced) {
      this.objects.delete(identity);
      return;
    }
    this.objects.set(identity, { kind: change.kind, uid: change.uid, neverAnnounced, lastKnown: change.object });
  }

  /** What was missed since the last call; forgets it. */
  take(): { readonly objects: MissedObject[]; readonly status: boolean } {
    const taken = { objects: [...this.objects.values()], status: this.status };
    this.objects.clear();
    this.status = false;
    return taken;
  }
}
