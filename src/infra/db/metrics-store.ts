/**
 * Usage history on MySQL/MariaDB and the embedded SQLite: fine samples, their 1-hour rollups, and
 * series bucketed in SQL (`t - t % step` reads the same on both), so a month of history never
 * travels to the process row by row.
 */
import { In, type DataSource } from 'typeorm';
import type { ClusterSample, MetricsStore, Series, SeriesPoint, SeriesQuery, SeriesTarget } from '../../domains/monitoring/index.js';
import { MetricRollupEntity, MetricSampleEntity, type MetricSampleRow } from './metric-entities.js';
import { retryingTransaction } from './retrying-transaction.js';

const HOUR_MS = 3_600_000;
/** Rows per INSERT: well under MySQL's placeholder limit (65535 / 8 columns). */
const INSERT_CHUNK = 1000;
/** Purge statements per run: bounded work even after a long stop. */
const MAX_PURGE_ROUNDS = 200;

interface BucketRow {
  b: string | number;
  cpu_avg: string | number | null;
  cpu_max: string | number | null;
  memory_avg: string | number | null;
  memory_max: string | number | null;
}

function toSeries(rows: readonly BucketRow[]): Series {
  const cpu: SeriesPoint[] = [];
  const memory: SeriesPoint[] = [];
  for (const row of rows) {
    const t = Number(row.b);
    cpu.push({ t, avg: Number(row.cpu_avg ?? 0), max: Number(row.cpu_max ?? 0) });
    memory.push({ t, avg: Number(row.memory_avg ?? 0), max: Number(row.memory_max ?? 0) });
  }
  return { cpuMillicores: cpu, memoryBytes: memory };
}

/** WHERE for one subject (cluster totals, a node, a pod), with its parameters. */
function subjectOf(target: Exclude<SeriesTarget, { kind: 'pods' }>): { where: string; parameters: unknown[] } {
  switch (target.kind) {
    case 'cluster':
      return { where: "cluster_id = ? AND scope = 'cluster' AND namespace = '' AND name = ''", parameters: [target.clusterId] };
    case 'node':
      return { where: "cluster_id = ? AND scope = 'node' AND namespace = '' AND name = ?", parameters: [target.clusterId, target.nodeName] };
    case 'pod':
      return { where: "cluster_id = ? AND scope = 'pod' AND namespace = ? AND name = ?", parameters: [target.clusterId, target.namespace, target.podName] };
  }
}

/** The pods of some workloads: `<workload>-…` (Deployments' and StatefulSets' pods are named so). */
function podsOf(target: Extract<SeriesTarget, { kind: 'pods' }>): { where: string; parameters: unknown[] } {
  // Workload names are DNS labels: no LIKE wildcard (% or _) can hide in them.
  const names = target.workloadNames.map(() => 'name LIKE ?').join(' OR ');
  return {
    where: `cluster_id = ? AND scope = 'pod' AND namespace = ? AND (${names})`,
    parameters: [target.clusterId, target.namespace, ...target.workloadNames.map((name) => `${name}-%`)],
  };
}

export function createMetricsStore(dataSource: DataSource): MetricsStore {
  const samples = dataSource.getRepository(MetricSampleEntity);
  const rollups = dataSource.getRepository(MetricRollupEntity);

  const purgeTable = async (table: 'metric_samples' | 'metric_rollups', column: 't_ms' | 'bucket_ms', before: number, batch: number): Promise<number> => {
    const repository = table === 'metric_samples' ? samples : rollups;
    let total = 0;
    for (let round = 0; round < MAX_PURGE_ROUNDS; round += 1) {
      // Ids first, then a delete by primary key: one short statement per batch on both databases
      // (SQLite has no DELETE … LIMIT, MariaDB no LIMIT in an IN subquery).
      const rows = await dataSource.query<Array<{ id: string | number }>>(`SELECT id FROM ${table} WHERE ${column} < ? ORDER BY id LIMIT ?`, [before, batch]);
      if (rows.length === 0) break;
      await repository.delete({ id: In(rows.map((row) => String(row.id))) });
      total += rows.length;
      if (rows.length < batch) break;
    }
    return total;
  };

  return {
    async insert(sample: ClusterSample) {
      const base = { clusterId: sample.clusterId, tMs: sample.at };
      const rows: MetricSampleRow[] = [
        { ...base, scope: 'cluster', namespace: '', name: '', cpuMillicores: sample.totals.cpuMillicores, memoryBytes: sample.totals.memoryBytes },
        ...sample.nodes.map((node) => ({ ...base, scope: 'node', namespace: '', name: node.name, cpuMillicores: node.cpuMillicores, memoryBytes: node.memoryBytes })),
        ...sample.pods.map((pod) => ({
          ...base,
          scope: 'pod',
          namespace: pod.namespace,
          name: pod.name,
          cpuMillicores: pod.cpuMillicores,
          memoryBytes: pod.memoryBytes,
          cpuRequestMillicores: pod.cpuRequestMillicores ?? 0,
          memoryRequestBytes: pod.memoryRequestBytes ?? 0,
        })),
      ];
      await dataSource.transaction(async (manager) => {
        for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
          await manager
            .createQueryBuilder()
            .insert()
            .into(MetricSampleEntity)
            .values(rows.slice(start, start + INSERT_CHUNK))
            .updateEntity(false)
            .execute();
        }
      });
    },

    async latest(clusterId, sinceMs) {
      const [newest] = await dataSource.query<Array<{ t: string | number | null }>>(
        "SELECT MAX(t_ms) AS t FROM metric_samples WHERE cluster_id = ? AND scope = 'cluster' AND namespace = '' AND name = '' AND t_ms >= ?",
        [clusterId, sinceMs],
      );
      if (newest?.t === null || newest?.t === undefined) return null;
      const at = Number(newest.t);
      const rows = await samples.find({ where: { clusterId, tMs: String(at) } });
      const totals = rows.find((row) => row.scope === 'cluster');
      const pods = rows.filter((row) => row.scope === 'pod');
      return {
        v: 1,
        clusterId,
        at,
        nodes: rows.filter((row) => row.scope === 'node').map((row) => ({ name: row.name, cpuMillicores: row.cpuMillicores, memoryBytes: row.memoryBytes })),
        // Containers are not stored: a replica that starts between polls shows pods without them until the next sample.
        pods: pods.map((row) => ({ namespace: row.namespace, name: row.name, cpuMillicores: row.cpuMillicores, memoryBytes: row.memoryBytes, containers: [] })),
        totals: { cpuMillicores: totals?.cpuMillicores ?? 0, memoryBytes: totals?.memoryBytes ?? 0, pods: pods.length },
      };
    },

    async rollUp(nowMs, maxBuckets) {
      const end = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
      const [mark] = await dataSource.query<Array<{ b: string | number | null }>>('SELECT MAX(bucket_ms) AS b FROM metric_rollups');
      const after = mark?.b === null || mark?.b === undefined ? Number.NEGATIVE_INFINITY : Number(mark.b) + HOUR_MS;
      // Skips hours without any sample (the gateway was stopped) instead of walking through them.
      const [first] = await dataSource.query<Array<{ t: string | number | null }>>('SELECT MIN(t_ms) AS t FROM metric_samples WHERE t_ms >= ? AND t_ms < ?', [
        Number.isFinite(after) ? after : 0,
        end,
      ]);
      if (first?.t === null || first?.t === undefined) return 0;
      const start = Math.floor(Number(first.t) / HOUR_MS) * HOUR_MS;
      const stop = Math.min(end, start + maxBuckets * HOUR_MS);
      // Idempotent: a replica that took over mid-way redoes the same hours, and so does a run again after a deadlock.
      await retryingTransaction(dataSource, async (manager) => {
        await manager.query('DELETE FROM metric_rollups WHERE bucket_ms >= ? AND bucket_ms < ?', [start, stop]);
        await manager.query(
          `INSERT INTO metric_rollups (cluster_id, scope, namespace, name, bucket_ms, cpu_avg, cpu_max, memory_avg, memory_max, samples, cpu_request_millicores, memory_request_bytes)
           SELECT cluster_id, scope, namespace, name, t_ms - (t_ms % ${HOUR_MS}), AVG(cpu_millicores), MAX(cpu_millicores), AVG(memory_bytes), MAX(memory_bytes), COUNT(*),
             AVG(cpu_request_millicores), AVG(memory_request_bytes)
           FROM metric_samples WHERE t_ms >= ? AND t_ms < ?
           GROUP BY cluster_id, scope, namespace, name, t_ms - (t_ms % ${HOUR_MS})`,
          [start, stop],
        );
      });
      return (stop - start) / HOUR_MS;
    },

    async purge(fineBeforeMs, coarseBeforeMs, batch) {
      return (await purgeTable('metric_samples', 't_ms', fineBeforeMs, batch)) + (await purgeTable('metric_rollups', 'bucket_ms', coarseBeforeMs, batch));
    },

    async series(query: SeriesQuery) {
      const { target, fromMs, toMs, stepMs, coarse } = query;
      if (target.kind === 'pods' && target.workloadNames.length === 0) return { cpuMillicores: [], memoryBytes: [] };
      const table = coarse ? 'metric_rollups' : 'metric_samples';
      const time = coarse ? 'bucket_ms' : 't_ms';
      const { where, parameters } = target.kind === 'pods' ? podsOf(target) : subjectOf(target);
      const range = [...parameters, fromMs, toMs];
      let sql: string;
      if (target.kind !== 'pods') {
        sql = coarse
          ? `SELECT bucket_ms - (bucket_ms % ?) AS b, SUM(cpu_avg * samples) / SUM(samples) AS cpu_avg, MAX(cpu_max) AS cpu_max,
               SUM(memory_avg * samples) / SUM(samples) AS memory_avg, MAX(memory_max) AS memory_max
             FROM metric_rollups WHERE ${where} AND bucket_ms >= ? AND bucket_ms < ? GROUP BY b ORDER BY b`
          : `SELECT t_ms - (t_ms % ?) AS b, AVG(cpu_millicores) AS cpu_avg, MAX(cpu_millicores) AS cpu_max, AVG(memory_bytes) AS memory_avg, MAX(memory_bytes) AS memory_max
             FROM metric_samples WHERE ${where} AND t_ms >= ? AND t_ms < ? GROUP BY b ORDER BY b`;
      } else {
        // The map's pods summed at each sample (or hour) first, then bucketed.
        const inner = coarse
          ? `SELECT ${time} AS t, SUM(cpu_avg) AS cpu, SUM(cpu_max) AS cpu_peak, SUM(memory_avg) AS memory, SUM(memory_max) AS memory_peak`
          : `SELECT ${time} AS t, SUM(cpu_millicores) AS cpu, SUM(cpu_millicores) AS cpu_peak, SUM(memory_bytes) AS memory, SUM(memory_bytes) AS memory_peak`;
        sql = `SELECT t - (t % ?) AS b, AVG(cpu) AS cpu_avg, MAX(cpu_peak) AS cpu_max, AVG(memory) AS memory_avg, MAX(memory_peak) AS memory_max
               FROM (${inner} FROM ${table} WHERE ${where} AND ${time} >= ? AND ${time} < ? GROUP BY ${time}) AS summed GROUP BY b ORDER BY b`;
      }
      return toSeries(await dataSource.query<BucketRow[]>(sql, [stepMs, ...range]));
    },
  };
}
