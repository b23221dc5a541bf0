import type { AccessChanges } from '../../domains/workspaces/ports.js';
import type { EventBus } from '../../shared/event-bus.js';
import { subjects } from './subjects.js';

/** Announces changes of rights on the bus, so every replica drops its cached access scopes. */
export function createAccessChanges(bus: EventBus): AccessChanges {
  return {
    announce: () => bus.publish(subjects.accessChanged, { v: 1, at: new Date().toISOString() }),
    listen: (onChange) => bus.subscribe(subjects.accessChanged, () => onChange()),
  };
}
