import type { ExecutionResult } from 'graphql';

/** Where one subscriber's frames go: its websocket, under its graphql-ws operation id. */
export interface FrameChannel {
  /** The graphql-ws operation id, as the client chose it. */
  readonly id: string;
  /** Queues one whole message on the socket; `written`, when given, runs once the network has taken it (or the socket is gone). */
  send(frame: string, written?: () => void): void;
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
 * It is that iterator itself, with its methods on the prototype: thousands sit idle at once.
 */
export class FrameSubscriber implements AsyncIterableIterator<ExecutionResult> {
  /**
   * Frames queued behind bytes the network had not taken yet: this subscriber's queue. A frame
   * written to an idle socket goes straight to the network and is not counted (nor called back:
   * a subscriber that keeps up costs one write per event, as in a raw broadcast).
   */
  unwritten = 0;
  /** The cursor of the last event this subscriber is up to date with. */
  lastCursor: string | null = null;
  private ended = false;
  private endError: Error | undefined;
  private waiting: { resolve: (result: IteratorResult<ExecutionResult>) => void; reject: (error: Error) => void } | undefined;
  /** Made the first time a frame has to wait for the network; most subscribers never need it. */
  private written: (() => void) | undefined;

  /** `leave` is the group's, shared by its members: it takes the member that leaves. */
  constructor(
    readonly channel: FrameChannel,
    private readonly leave: (member: FrameSubscriber) => Promise<void>,
  ) {}

  /**
   * Writes one `next` message around the payload serialized once for the whole group; false,
   * writing nothing, when the socket has fallen behind further than `limits` allow.
   */
  deliver(payloadJson: string, cursor: string | null, limits: BacklogLimits): boolean {
    if (this.ended) return true;
    const buffered = this.channel.bufferedBytes();
    if (this.unwritten >= limits.maxFrames || buffered > limits.maxBufferedBytes) return false;
    // Built per event rather than kept per subscriber: one concatenation costs less than holding it.
    const frame = `{"id":${JSON.stringify(this.channel.id)},"type":"next","payload":${payloadJson}}`;
    if (buffered === 0) {
      this.channel.send(frame);
    } else {
      this.unwritten += 1;
      this.channel.send(
        frame,
        (this.written ??= () => {
          this.unwritten -= 1;
        }),
      );
    }
    if (cursor !== null) this.lastCursor = cursor;
    this.channel.delivered();
    return true;
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

  /** What graphql-ws consumes: it yields nothing, the frames having gone out already. */
  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.ended) return this.endError === undefined ? Promise.resolve({ done: true, value: undefined }) : Promise.reject(this.endError);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    await this.leave(this);
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }
}
