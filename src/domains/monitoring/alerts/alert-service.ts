import { BadInputError, NotFoundError } from '../../../shared/errors.js';
import type { AlertGate, AlertPrincipal, AlertStore } from './ports.js';
import type { AlertRecord, AlertState } from './records.js';

/** Alerts listed for a workspace: at most this many, newest first (open ones first among equals). */
export const MAX_LISTED_ALERTS = 1_000;

export class AlertService {
  constructor(private readonly deps: { readonly store: AlertStore; readonly gate: AlertGate }) {}

  /**
   * The alerts of what is allotted to the workspace: its namespaces' pods and workloads, and the
   * nodes of its clusters. Members only; another workspace looks missing.
   */
  async list(principal: AlertPrincipal, workspaceId: string, state: AlertState): Promise<AlertRecord[]> {
    if (!(await this.deps.gate.exists(workspaceId)) || !(await this.deps.gate.allows(principal, workspaceId, 'cluster:read')))
      throw new NotFoundError('Workspace', workspaceId, 'workspaceId');
    if (!['OPEN', 'RESOLVED', 'ALL'].includes(state)) throw new BadInputError('state', 'OPEN, RESOLVED or ALL');
    const scope = (await this.deps.gate.allotmentsOfWorkspaces([workspaceId])).get(workspaceId);
    if (scope === undefined || scope.size === 0) return [];
    return this.deps.store.list(scope, state, MAX_LISTED_ALERTS);
  }
}
