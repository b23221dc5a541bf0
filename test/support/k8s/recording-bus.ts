/** An EventBus that records publishes, for tests of publishers (the real buses live elsewhere). */
import type { EventBus, MessageHandler, PublishOptions, Unsubscribe } from '../../../src/shared/event-bus.js';

export interface RecordedPublish {
  readonly subject: string;
  readonly data: unknown;
  readonly messageId: string | undefined;
}

export class RecordingBus implements EventBus {
  /** Every publish, duplicates included, so tests can prove the publisher sends none. */
  readonly published: RecordedPublish[] = [];

  async publish(subject: string, data: unknown, options?: PublishOptions): Promise<void> {
    this.published.push({ subject, data, messageId: options?.messageId });
  }

  async subscribe<T = unknown>(_subject: string, _handler: MessageHandler<T>): Promise<Unsubscribe> {
    return async () => undefined;
  }

  async checkReady(): Promise<void> {}

  async close(): Promise<void> {}

  on(subjectPrefix: string): RecordedPublish[] {
    return this.published.filter((entry) => entry.subject.startsWith(subjectPrefix));
  }

  /** Message ids published more than once (JetStream would drop the repeats; we should not send them). */
  duplicateMessageIds(): string[] {
    const seen = new Set<string>();
    const duplicates: string[] = [];
    for (const { messageId } of this.published) {
      if (messageId === undefined) continue;
      if (seen.has(messageId)) duplicates.push(messageId);
      seen.add(messageId);
    }
    return duplicates;
  }
}
