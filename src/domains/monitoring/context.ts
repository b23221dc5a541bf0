import { UnauthenticatedError } from '../../shared/errors.js';
import type { MonitoringService } from './monitoring-service.js';
import type { PrincipalLike } from './ports.js';

/** The part of the per-request context this domain reads. */
export interface MonitoringContext {
  readonly principal: PrincipalLike | null;
  readonly monitoring: MonitoringService;
}

export function callerOf(context: MonitoringContext): PrincipalLike {
  if (context.principal === null) throw new UnauthenticatedError();
  return context.principal;
}
