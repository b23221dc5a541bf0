/**
 * Price tables and the charged hours of pods, read from the hourly rollups: each pod-hour is
 * charged the larger of its average usage and its average requests, summed per UTC day in SQL
 * (CASE instead of GREATEST so the embedded SQLite reads it too).
 */
import type { DataSource } from 'typeorm';
import { retryingTransaction } from './retrying-transaction.js';
import type { Allotment, ChargeSource, PriceTable, PriceTableStore } from '../../domains/metering/index.js';

const DAY_MS = 86_400_000;
const GiB = 2 ** 30;

interface PriceRow {
  provider: string;
  region: string;
  cpu_core_hour: string | number;
  memory_gib_hour: string | number;
  storage_gib_hour: string | number;
  currency: string;
  updated_at: string | number;
}

const toTable = (row: PriceRow): PriceTable => ({
  provider: row.provider,
  region: row.region,
  cpuCoreHour: Number(row.cpu_core_hour),
  memoryGiBHour: Number(row.memory_gib_hour),
  storageGiBHour: Number(row.storage_gib_hour),
  currency: row.currency,
  updatedAt: new Date(Number(row.updated_at)),
});

export function createPriceTableStore(dataSource: DataSource): PriceTableStore {
  return {
    async list() {
      return (await dataSource.query<PriceRow[]>('SELECT * FROM price_tables ORDER BY provider, region')).map(toTable);
    },
    async find(provider, region) {
      const [row] = await dataSource.query<PriceRow[]>('SELECT * FROM price_tables WHERE provider = ? AND region = ?', [provider, region]);
      return row === undefined ? null : toTable(row);
    },
    async put(table) {
      const values = [table.cpuCoreHour, table.memoryGiBHour, table.storageGiBHour, table.currency, table.updatedAt?.getTime() ?? Date.now()];
      // Idempotent (the row replaced whole): run again after a deadlock.
      await retryingTransaction(dataSource, async (manager) => {
        await manager.query('DELETE FROM price_tables WHERE provider = ? AND region = ?', [table.provider, table.region]);
        await manager.query('INSERT INTO price_tables (provider, region, cpu_core_hour, memory_gib_hour, storage_gib_hour, currency, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          table.provider,
          table.region,
          ...values,
        ]);
      });
    },
  };
}

export function createChargeSource(dataSource: DataSource): ChargeSource {
  return {
    async podDays(clusterId, fromMs, toMs) {
      const rows = await dataSource.query<Array<{ namespace: string; name: string; d: string | number; cpu: string | number; memory: string | number }>>(
        `SELECT namespace, name, bucket_ms - (bucket_ms % ${DAY_MS}) AS d,
           SUM(CASE WHEN cpu_avg > cpu_request_millicores THEN cpu_avg ELSE cpu_request_millicores END) AS cpu,
           SUM(CASE WHEN memory_avg > memory_request_bytes THEN memory_avg ELSE memory_request_bytes END) AS memory
         FROM metric_rollups WHERE cluster_id = ? AND scope = 'pod' AND bucket_ms >= ? AND bucket_ms < ?
         GROUP BY namespace, name, bucket_ms - (bucket_ms % ${DAY_MS})`,
        [clusterId, fromMs, toMs],
      );
      // Each rollup is one hour: a sum of millicores over hours is millicore-hours.
      return rows.map((row) => ({ namespace: row.namespace, name: row.name, day: Number(row.d), cpuCoreHours: Number(row.cpu) / 1000, memoryGiBHours: Number(row.memory) / GiB }));
    },
    async clusterHours(clusterId, fromMs, toMs) {
      const rows = await dataSource.query<Array<{ d: string | number; hours: string | number }>>(
        `SELECT bucket_ms - (bucket_ms % ${DAY_MS}) AS d, COUNT(*) AS hours FROM metric_rollups
         WHERE cluster_id = ? AND scope = 'cluster' AND namespace = '' AND name = '' AND bucket_ms >= ? AND bucket_ms < ?
         GROUP BY bucket_ms - (bucket_ms % ${DAY_MS})`,
        [clusterId, fromMs, toMs],
      );
      return new Map(rows.map((row) => [Number(row.d), Number(row.hours)]));
    },
  };
}

/** Every allotment of a cluster, oldest first: the oldest holding a namespace owns its pods. */
export function createClusterAllotmentReader(dataSource: DataSource): (clusterId: string) => Promise<Allotment[]> {
  return async (clusterId) => {
    const rows = await dataSource.query<Array<{ workspace_id: string; namespaces: string | null }>>(
      'SELECT workspace_id, namespaces FROM workspace_clusters WHERE cluster_id = ? ORDER BY created_at, workspace_id',
      [clusterId],
    );
    return rows.map((row) => ({ workspaceId: row.workspace_id, clusterId, namespaces: row.namespaces === null ? null : (JSON.parse(row.namespaces) as string[]) }));
  };
}
