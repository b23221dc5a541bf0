import { GraphQLError } from 'graphql';

/**
 * Subscriptions open at once per user, across all of that user's sockets on this replica
 * (KDA_MAX_SUBSCRIPTIONS_PER_USER): the per-socket cap alone lets one caller hold any number by
 * opening more sockets. Each subscription is counted against its socket so that a socket that goes
 * away, however it goes, gives back everything it held.
 */
export class SubscriptionBudget {
  private readonly openByUser = new Map<string, number>();
  private readonly heldBySocket = new WeakMap<object, Map<string, string>>();

  constructor(private readonly maxPerUser: number) {}

  /** Counts subscription `id` of `socket` against `user`; the error to send instead when the user has none left. */
  take(socket: object, id: string, user: string): GraphQLError | undefined {
    const open = this.openByUser.get(user) ?? 0;
    if (open >= this.maxPerUser) {
      return new GraphQLError(
        `At most ${this.maxPerUser} subscriptions of one user may be open at once, across all its websockets (KDA_MAX_SUBSCRIPTIONS_PER_USER); complete one first`,
        { extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: 'perUser', maximum: this.maxPerUser } },
      );
    }
    let held = this.heldBySocket.get(socket);
    if (held === undefined) {
      held = new Map();
      this.heldBySocket.set(socket, held);
    }
    held.set(id, user);
    this.openByUser.set(user, open + 1);
    return undefined;
  }

  /** The subscription ended: its user may open another. Unknown ids (refused, queries) are ignored. */
  release(socket: object, id: string): void {
    const held = this.heldBySocket.get(socket);
    const user = held?.get(id);
    if (held === undefined || user === undefined) return;
    held.delete(id);
    const open = (this.openByUser.get(user) ?? 1) - 1;
    if (open > 0) this.openByUser.set(user, open);
    else this.openByUser.delete(user);
  }

  /** The socket closed: whatever it still held is given back. */
  releaseAll(socket: object): void {
    for (const id of [...(this.heldBySocket.get(socket)?.keys() ?? [])]) this.release(socket, id);
  }

  /** Subscriptions counted now, all users together (for /metrics and tests). */
  openCount(): number {
    let total = 0;
    for (const open of this.openByUser.values()) total += open;
    return total;
  }
}
