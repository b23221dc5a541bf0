import { currentConditions, usageConditions } from './conditions.js';
import type { AlertGate, AlertScope, AlertSources, AlertStore, AlertThresholdStore } from './ports.js';
import type { AlertCondition, AlertThresholds } from './records.js';

export interface AlertEvaluatorDeps {
  readonly store: AlertStore;
  readonly sources: AlertSources;
  readonly thresholds: Pick<AlertThresholdStore, 'allSet'>;
  readonly gate: Pick<AlertGate, 'allotmentsOfWorkspaces'>;
  readonly now: () => Date;
  readonly intervalMs: number;
  /** Resolved alerts are kept this long for their history. */
  readonly retentionMs: number;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * Compares what the caches show with the open alerts, cluster by cluster, on a timer: a new
 * condition opens an alert, a condition gone resolves it. Every replica may run it: the store
 * keeps one open alert per condition, so two evaluations at once open it once.
 */
export class AlertEvaluator {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private lastPurge = 0;

  constructor(private readonly deps: AlertEvaluatorDeps) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.evaluate()).catch((error: unknown) => this.deps.warn('alert evaluation failed', { error: String(error) }));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over every connected cluster. */
  async evaluate(): Promise<void> {
    const now = this.deps.now();
    const thresholds = await this.deps.thresholds.allSet();
    const allotments = thresholds.length === 0 ? new Map<string, AlertScope>() : await this.deps.gate.allotmentsOfWorkspaces(thresholds.map((entry) => entry.workspaceId));
    for (const clusterId of this.deps.sources.clusterIds()) {
      const view = this.deps.sources.view(clusterId);
      if (view === undefined) continue;
      const seen = currentConditions(clusterId, view);
      const open = await this.deps.store.openOf(clusterId);
      const usage = await this.usageOf(
        clusterId,
        view,
        thresholds.filter((entry) => allotments.get(entry.workspaceId)?.has(clusterId) === true),
      );
      if (usage === 'unknown') seen.push(...open.filter((alert) => alert.kind === 'USAGE_OVER_THRESHOLD'));
      else seen.push(...usage);
      const openPrints = new Set(open.map((alert) => alert.fingerprint));
      const seenPrints = new Set(seen.map((condition) => condition.fingerprint));
      const appeared = seen.filter((condition) => !openPrints.has(condition.fingerprint));
      const gone = open.filter((alert) => !seenPrints.has(alert.fingerprint)).map((alert) => alert.fingerprint);
      if (appeared.length > 0) await this.deps.store.open(appeared, now);
      if (gone.length > 0) await this.deps.store.resolve(gone, now);
    }
    if (now.getTime() - this.lastPurge > 3_600_000) {
      this.lastPurge = now.getTime();
      await this.deps.store.purgeResolved(new Date(now.getTime() - this.deps.retentionMs));
    }
  }

  /** Without a fresh sample, usage alerts stay as they are: no figure says they are over, or back under. */
  private async usageOf(clusterId: string, view: NonNullable<ReturnType<AlertSources['view']>>, thresholds: readonly AlertThresholds[]): Promise<AlertCondition[] | 'unknown'> {
    if (thresholds.length === 0) return [];
    const usage = await view.nodeUsage();
    if (usage === null) return 'unknown';
    return usageConditions(clusterId, view.nodes(), usage, thresholds);
  }
}
