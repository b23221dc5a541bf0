import { UnauthenticatedError } from '../../shared/errors.js';
import type { MeteringService } from './metering-service.js';
import type { PrincipalLike } from './ports.js';

export interface MeteringContext {
  readonly principal: PrincipalLike | null;
  readonly metering: MeteringService;
}

export function meteringCallerOf(context: MeteringContext): PrincipalLike {
  if (context.principal === null) throw new UnauthenticatedError();
  return context.principal;
}
