import { UnauthenticatedError } from '../../shared/errors.js';
import type { PagingContext } from '../../shared/pagination.js';
import type { Caller } from './records.js';
import type { WorkspaceLoaders } from './loaders.js';
import type { WorkspaceService } from './workspace-service.js';

/** The part of the per-request context this domain reads. */
export interface WorkspacesContext extends PagingContext {
  readonly principal: Caller | null;
  readonly workspaces: WorkspaceService;
  readonly workspaceLoaders: WorkspaceLoaders;
}

/** The auth checker already refused anonymous callers; this narrows the type for the resolver. */
export function callerOf(context: WorkspacesContext): Caller {
  if (context.principal === null) throw new UnauthenticatedError();
  return context.principal;
}
