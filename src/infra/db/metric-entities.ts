import { EntitySchema } from 'typeorm';

/** A row of metric_samples: one cluster, node or pod at one poll. */
export interface MetricSampleRow {
  id?: string;
  clusterId: string;
  /** cluster | node | pod */
  scope: string;
  namespace: string;
  name: string;
  tMs: string | number;
  cpuMillicores: number;
  memoryBytes: number;
  cpuRequestMillicores?: number;
  memoryRequestBytes?: number;
}

/** A row of metric_rollups: one subject over one hour. */
export interface MetricRollupRow {
  id?: string;
  clusterId: string;
  scope: string;
  namespace: string;
  name: string;
  bucketMs: string | number;
  cpuAvg: number;
  cpuMax: number;
  memoryAvg: number;
  memoryMax: number;
  samples: number;
  cpuRequestMillicores?: number;
  memoryRequestBytes?: number;
}

const subject = {
  clusterId: { name: 'cluster_id', type: 'varchar', length: 36 },
  scope: { type: 'varchar', length: 8 },
  namespace: { type: 'varchar', length: 253, default: '' },
  name: { type: 'varchar', length: 253, default: '' },
} as const;

export const MetricSampleEntity = new EntitySchema<MetricSampleRow>({
  name: 'MetricSample',
  tableName: 'metric_samples',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    ...subject,
    tMs: { name: 't_ms', type: 'bigint' },
    cpuMillicores: { name: 'cpu_millicores', type: 'double' },
    memoryBytes: { name: 'memory_bytes', type: 'double' },
    cpuRequestMillicores: { name: 'cpu_request_millicores', type: 'double', default: 0 },
    memoryRequestBytes: { name: 'memory_request_bytes', type: 'double', default: 0 },
  },
  indices: [
    { name: 'IDX_metric_samples_subject', columns: ['clusterId', 'scope', 'namespace', 'name', 'tMs'] },
    { name: 'IDX_metric_samples_t', columns: ['tMs'] },
  ],
});

export const MetricRollupEntity = new EntitySchema<MetricRollupRow>({
  name: 'MetricRollup',
  tableName: 'metric_rollups',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    ...subject,
    bucketMs: { name: 'bucket_ms', type: 'bigint' },
    cpuAvg: { name: 'cpu_avg', type: 'double' },
    cpuMax: { name: 'cpu_max', type: 'double' },
    memoryAvg: { name: 'memory_avg', type: 'double' },
    memoryMax: { name: 'memory_max', type: 'double' },
    samples: { type: 'int' },
    cpuRequestMillicores: { name: 'cpu_request_millicores', type: 'double', default: 0 },
    memoryRequestBytes: { name: 'memory_request_bytes', type: 'double', default: 0 },
  },
  indices: [
    { name: 'IDX_metric_rollups_subject', columns: ['clusterId', 'scope', 'namespace', 'name', 'bucketMs'] },
    { name: 'IDX_metric_rollups_bucket', columns: ['bucketMs'] },
  ],
});
