/**
 * core/v1 Events as the control plane records them: one object per (object, reason, message),
 * whose count and lastTimestamp grow when the same thing happens again, and a cap on how many are
 * kept (the apiserver expires them after an hour; here the oldest go first).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EventObject, KubeObject, ObjectReference } from '../object-types.js';
import { objectKey } from '../resources.js';
import type { ObjectStore } from '../store.js';
import { referenceTo } from './context.js';

export interface RecordedEvent {
  /** The object the event is about (a live object, or a reference to one). */
  readonly involvedObject: KubeObject | ObjectReference;
  readonly reason: string;
  readonly message: string;
  readonly type?: 'Normal' | 'Warning';
  readonly source?: { component: string; host?: string };
  /** Namespace of the event; defaults to the involved object's, or "default" for cluster objects. */
  readonly namespace?: string;
  readonly at?: Date;
}

export class EventRecorder {
  /** Aggregation key -> event key (namespace/name). */
  private readonly byAggregate = new Map<string, string>();
  /** Event keys, oldest first, for dropping the oldest over the cap. */
  private readonly order = new Set<string>();
  private readonly aggregateOf = new Map<string, string>();
  enabled = true;

  constructor(
    private readonly store: ObjectStore,
    private readonly maxEvents: number,
  ) {}

  record(input: RecordedEvent): EventObject | undefined {
    if (!this.enabled) return undefined;
    const involved: ObjectReference = 'metadata' in input.involvedObject ? referenceTo(input.involvedObject) : input.involvedObject;
    const namespace = input.namespace ?? involved.namespace ?? 'default';
    const type = input.type ?? 'Normal';
    const source = input.source ?? { component: 'kubelet' };
    const at = (input.at ?? new Date()).toISOString();
    const aggregate = [namespace, involved.kind, involved.name, involved.uid ?? '', involved.fieldPath ?? '', input.reason, input.message, type, source.component].join('\u0000');
    const existingKey = this.byAggregate.get(aggregate);
    if (existingKey !== undefined && this.store.get('events', existingKey) !== undefined) {
      this.order.delete(existingKey);
      this.order.add(existingKey);
      return this.store.update('events', existingKey, (draft) => {
        draft.count += 1;
        draft.lastTimestamp = at;
      });
    }
    const name = `${involved.name}.${randomBytes(8).toString('hex')}`;
    const event: EventObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, uid: randomUUID(), resourceVersion: '', creationTimestamp: at },
      involvedObject: { ...involved, ...(involved.namespace === undefined ? {} : { namespace: involved.namespace }) },
      reason: input.reason,
      message: input.message,
      source,
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    if (!this.store.get('namespaces', namespace)) return undefined;
    const created = this.store.create('events', event);
    const key = objectKey(namespace, name);
    this.byAggregate.set(aggregate, key);
    this.aggregateOf.set(key, aggregate);
    this.order.add(key);
    this.trim();
    return created;
  }

  private trim(): void {
    while (this.order.size > this.maxEvents) {
      const oldest = this.order.values().next().value;
      if (oldest === undefined) return;
      this.order.delete(oldest);
      const aggregate = this.aggregateOf.get(oldest);
      this.aggregateOf.delete(oldest);
      if (aggregate !== undefined) this.byAggregate.delete(aggregate);
      if (this.store.get('events', oldest) !== undefined) this.store.delete('events', oldest);
    }
  }
}
