import { EntitySchema } from 'typeorm';
import type { ClusterRecord } from '../../domains/clusters/cluster-record.js';

export const ClusterEntity = new EntitySchema<ClusterRecord>({
  name: 'Cluster',
  tableName: 'clusters',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    name: { type: 'varchar', length: 63 },
    provider: { type: 'varchar', length: 16 },
    region: { type: 'varchar', length: 64 },
    kubeconfigEncrypted: { name: 'kubeconfig_encrypted', type: 'text' },
    context: { type: 'varchar', length: 253, nullable: true },
    status: { type: 'varchar', length: 16 },
    statusReason: { name: 'status_reason', type: 'varchar', length: 1024, nullable: true },
    kubernetesVersion: { name: 'kubernetes_version', type: 'varchar', length: 64, nullable: true },
    lastSeenAt: { name: 'last_seen_at', type: 'datetime', nullable: true },
    createdAt: { name: 'created_at', type: 'datetime', precision: 6, createDate: true },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 6, updateDate: true },
  },
  uniques: [{ name: 'UQ_clusters_name', columns: ['name'] }],
});
