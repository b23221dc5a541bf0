import type { ExecutionResult } from 'graphql';

/** Where one subscriber's frames go: its websocket, under its graphql-ws operation id. */
export interface FrameChannel {
  /** The graphql-ws operation id, as the client chose it. */
  readonly id: string;
  /** Queues one whole message on the socket; `written` runs once the network has taken it (or the socket is gone). */
  send(frame: string, written: () => void): void;
  /** Bytes the socket holds that the network has not taken yet (all its subscriptions together). */
  bufferedBytes(): number;
  /** One event went to this subscriber (for its log line). */
  delivered(): void;
}

/** How far a subscriber may fall behind before it is cut off (KDA_SUBSCRIPTION_BACKLOG, KDA_SUBSCRIPTION_BUFFER_BYTES). */
export interface BacklogLimits {
  /** Frames one subscription may have on its socket that the network has not taken. */
  readonly maxFrames: number;
  /** Bytes one socket may hold that the network has not taken. */
  readonly maxBufferedBytes: number;
}

/**
 * One member of a shared subscription. Its frames go straight to its socket, the same payload bytes
 * as every other member's; graphql-ws only sees an iterator that ends (done, or rejected with the
 * reason) when the subscription does, and sends `complete` or `error` after the last frame.
 */
export class FrameSubscriber {
  /** Frames handed to the socket that the network has not taken yet: this subscriber's queue. */
  unwritten = 0;
  /** The cursor of the last event this subscriber is up to date with. */
  lastCursor: string | null = null;
  private ended = false;
  private endError: Error | undefined;
  private waiting: { resolve: (result: IteratorResult<ExecutionResult>) => void; reject: (error: Error) => void } | undefined;
  /** `{"id":<id>,"type":"next","payload":`, built once: a frame is this, the shared payload and `}`. */
  private readonly head: string;
  private readonly written = () => {
    this.unwritten -= 1;
  };

  constructor(
    readonly channel: FrameChannel,
    private readonly leave: () => Promise<void>,
  ) {
    this.head = `{"id":${JSON.stringify(channel.id)},"type":"next","payload":`;
  }

  /** Whether the socket has fallen behind further than `limits` allow. */
  isBehind(limits: BacklogLimits): boolean {
    return this.unwritten >= limits.maxFrames || this.channel.bufferedBytes() > limits.maxBufferedBytes;
  }

  /** Writes one `next` message around the payload serialized once for the whole group. */
  write(payloadJson: string, cursor: string | null): void {
    if (this.ended) return;
    this.unwritten += 1;
    this.channel.send(this.head + payloadJson + '}', this.written);
    if (cursor !== null) this.lastCursor = cursor;
    this.channel.delivered();
  }

  /** Ends the subscription; graphql-ws then sends `error` (with `error`) or `complete` after the frames already queued. */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.endError = error;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting === undefined) return;
    if (error === undefined) waiting.resolve({ done: true, value: undefined });
    else waiting.reject(error);
  }

  /** The iterator graphql-ws consumes: it yields nothing, the frames having gone out already. */
  iterator(): AsyncIterableIterator<ExecutionResult> {
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      next: () => {
        if (this.ended) return this.endError === undefined ? Promise.resolve({ done: true, value: undefined }) : Promise.reject(this.endError);
        return new Promise((resolve, reject) => {
          this.waiting = { resolve, reject };
        });
      },
      return: async () => {
        this.end();
        await this.leave();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
