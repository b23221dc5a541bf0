import { BadInputError, ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import type { AlertGate, AlertPrincipal, AlertStore, AlertThresholdStore } from './ports.js';
import type { AlertRecord, AlertState, AlertThresholds } from './records.js';

export interface ThresholdRequest {
  readonly cpuPercent: number | null;
  readonly memoryPercent: number | null;
}

function validPercent(field: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value) || value < 0 || value > 100) throw new BadInputError(field, 'a percentage from 0 to 100, or null for off');
  return value;
}

/** Alerts listed for a workspace: at most this many, newest first (open ones first among equals). */
export const MAX_LISTED_ALERTS = 1_000;

export class AlertService {
  constructor(private readonly deps: { readonly store: AlertStore; readonly gate: AlertGate; readonly thresholds: AlertThresholdStore; readonly now?: () => Date }) {}

  /**
   * The alerts of what is allotted to the workspace: its namespaces' pods and workloads, and the
   * nodes of its clusters. Members only; another workspace looks missing.
   */
  async list(principal: AlertPrincipal, workspaceId: string, state: AlertState): Promise<AlertRecord[]> {
    await this.requireMember(principal, workspaceId);
    if (!['OPEN', 'RESOLVED', 'ALL'].includes(state)) throw new BadInputError('state', 'OPEN, RESOLVED or ALL');
    const scope = (await this.deps.gate.allotmentsOfWorkspaces([workspaceId])).get(workspaceId);
    if (scope === undefined || scope.size === 0) return [];
    return this.deps.store.list(workspaceId, scope, state, MAX_LISTED_ALERTS);
  }

  /** The workspace's thresholds (both off when never set); every member reads them. */
  async thresholds(principal: AlertPrincipal, workspaceId: string): Promise<AlertThresholds> {
    await this.requireMember(principal, workspaceId);
    return (await this.deps.thresholds.get(workspaceId)) ?? { workspaceId, cpuPercent: null, memoryPercent: null, updatedAt: null };
  }

  /** Replaces both thresholds (null: off). Checked before anything is written; MANAGERs and administrators only. */
  async setThresholds(principal: AlertPrincipal, workspaceId: string, request: ThresholdRequest): Promise<AlertThresholds> {
    const cpuPercent = validPercent('cpuPercent', request.cpuPercent);
    const memoryPercent = validPercent('memoryPercent', request.memoryPercent);
    await this.requireMember(principal, workspaceId);
    if (!(await this.deps.gate.manages(principal, workspaceId))) throw new ForbiddenError(`Only a system administrator or a MANAGER of the workspace may set its alert thresholds`);
    const thresholds = { workspaceId, cpuPercent, memoryPercent, updatedAt: (this.deps.now ?? (() => new Date()))() };
    await this.deps.thresholds.set(thresholds);
    return thresholds;
  }

  private async requireMember(principal: AlertPrincipal, workspaceId: string): Promise<void> {
    if (!(await this.deps.gate.exists(workspaceId)) || !(await this.deps.gate.allows(principal, workspaceId, 'cluster:read')))
      throw new NotFoundError('Workspace', workspaceId, 'workspaceId');
  }
}
