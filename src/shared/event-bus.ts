/**
 * The event bus port. Two implementations live in src/infra/nats: JetStream (production, tests)
 * and in-process (embedded default). Both give every message an opaque cursor that a later
 * subscription can resume after.
 */
export interface BusMessage<T = unknown> {
  /** The concrete subject the message was published on. */
  readonly subject: string;
  readonly data: T;
  /** Opaque; pass as `after` to resume exactly after this message. */
  readonly cursor: string;
}

export interface PublishOptions {
  /** De-duplication id: the same id published twice (e.g. by two replicas) is delivered once. */
  readonly messageId?: string;
}

export interface SubscribeOptions {
  /** Deliver retained messages after this cursor first, then live ones. Without it: live only. */
  readonly after?: string;
}

export type MessageHandler<T = unknown> = (message: BusMessage<T>) => void;

/** Stops delivery; resolves once the underlying subscription is gone. */
export type Unsubscribe = () => Promise<void>;

export interface EventBus {
  /** Resolves once the message is accepted (persisted, for JetStream). */
  publish(subject: string, data: unknown, options?: PublishOptions): Promise<void>;
  /** `subject` may use NATS wildcards (`*` one token, `>` the rest). */
  subscribe<T = unknown>(subject: string, handler: MessageHandler<T>, options?: SubscribeOptions): Promise<Unsubscribe>;
  /** Throws with a reason when the bus cannot serve (used by /readyz). */
  checkReady(): Promise<void>;
  /** Drains pending publishes and closes. */
  close(): Promise<void>;
}

/** Thrown by publish for a message the bus will never take (larger than its payload limit): retrying cannot help. */
export class RefusedMessageError extends Error {
  constructor(subject: string, reason: string) {
    super(`The bus refuses the message on ${subject}: ${reason}`);
    this.name = 'RefusedMessageError';
  }
}

/** Thrown by subscribe when `after` is not a cursor this bus issued (or it has expired). */
export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`Invalid or expired cursor: ${cursor}`);
    this.name = 'InvalidCursorError';
  }
}
