import { randomUUID } from 'node:crypto';
import { Brackets, In, IsNull, LessThan, Not, type DataSource } from 'typeorm';
import type { AlertScope, AlertStore, AlertThresholdStore } from '../../domains/monitoring/alerts/ports.js';
import type { AlertKind, AlertRecord, AlertSeverity } from '../../domains/monitoring/alerts/records.js';
import type { AlertRow, AlertThresholdRow } from './alert-entities.js';
import { clusterScope, workspaceIdScope } from './tenant-scope.js';
import { isUniqueViolation } from './unique-violation.js';

function toRecord(row: AlertRow): AlertRecord {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    kind: row.kind as AlertKind,
    severity: row.severity as AlertSeverity,
    clusterId: row.clusterId,
    workspaceId: row.workspaceId ?? null,
    namespace: row.namespace ?? null,
    objectKind: row.objectKind,
    objectName: row.objectName,
    message: row.message,
    openedAt: row.openedAt,
    resolvedAt: row.resolvedAt ?? null,
  };
}

/** Purges delete this many rows per statement, so a big backlog never holds long locks. */
const PURGE_BATCH = 500;

export function createAlertStore(dataSource: DataSource): AlertStore {
  const alerts = dataSource.getRepository<AlertRow>('Alert');
  return {
    openOf: async (clusterId) => (await alerts.findBy({ clusterId, openKey: Not(IsNull()) })).map(toRecord),
    open: async (conditions, at) => {
      for (const condition of conditions) {
        try {
          await alerts.insert({ ...condition, workspaceId: condition.workspaceId ?? null, id: randomUUID(), openKey: condition.fingerprint, openedAt: at, resolvedAt: null });
        } catch (error) {
          // Another replica opened it first: one open alert per condition.
          if (!isUniqueViolation(error)) throw error;
        }
      }
    },
    resolve: async (fingerprints, at) => {
      if (fingerprints.length === 0) return;
      await alerts.update({ openKey: In([...fingerprints]) }, { openKey: null, resolvedAt: at });
    },
    list: async (rawWorkspaceId, rawScope: AlertScope, state, limit) => {
      // An empty scope would leave the condition below empty, which SQL reads as "every cluster".
      const workspaceId = workspaceIdScope('alerts', rawWorkspaceId);
      const scope = clusterScope('alerts', rawScope);
      const query = alerts.createQueryBuilder('alert');
      query.where(
        new Brackets((visible) => {
          let index = 0;
          for (const [clusterId, namespaces] of scope) {
            const cluster = `cluster${index}`;
            const names = `namespaces${index}`;
            index += 1;
            visible.orWhere(
              new Brackets((one) => {
                one.where(`alert.cluster_id = :${cluster}`, { [cluster]: clusterId });
                // A node alert concerns everyone on the cluster; a namespaced one only those allotted the namespace.
                if (namespaces !== null)
                  one.andWhere(
                    new Brackets((inside) =>
                      inside.where('alert.namespace IS NULL').orWhere(namespaces.length === 0 ? '1 = 0' : `alert.namespace IN (:...${names})`, { [names]: [...namespaces] }),
                    ),
                  );
              }),
            );
          }
        }),
      );
      // Usage alerts are the workspace's whose threshold was crossed; another's stays its own.
      query.andWhere(new Brackets((owner) => owner.where('alert.workspace_id IS NULL').orWhere('alert.workspace_id = :workspaceId', { workspaceId })));
      if (state === 'OPEN') query.andWhere('alert.resolved_at IS NULL');
      if (state === 'RESOLVED') query.andWhere('alert.resolved_at IS NOT NULL');
      return (await query.orderBy('alert.opened_at', 'DESC').addOrderBy('alert.id', 'ASC').take(limit).getMany()).map(toRecord);
    },
    purgeResolved: async (before) => {
      // A bare Date is bound differently per driver; the column's own conversion matches what is stored.
      const resolvedAt = alerts.metadata.findColumnWithPropertyName('resolvedAt')!;
      const cutoff = dataSource.driver.preparePersistentValue(before, resolvedAt) as Date;
      let purged = 0;
      for (;;) {
        const batch = await alerts.find({ select: { id: true }, where: { resolvedAt: LessThan(cutoff) }, take: PURGE_BATCH });
        if (batch.length === 0) return purged;
        await alerts.delete({ id: In(batch.map((row) => row.id)) });
        purged += batch.length;
      }
    },
  };
}

export function createAlertThresholdStore(dataSource: DataSource): AlertThresholdStore {
  const rows = dataSource.getRepository<AlertThresholdRow>('AlertThreshold');
  const toThresholds = (row: AlertThresholdRow) => ({
    workspaceId: row.workspaceId,
    cpuPercent: row.cpuPercent ?? null,
    memoryPercent: row.memoryPercent ?? null,
    updatedAt: row.updatedAt,
  });
  return {
    get: async (workspaceId) => {
      const row = await rows.findOneBy({ workspaceId });
      return row === null ? null : toThresholds(row);
    },
    set: async ({ workspaceId, cpuPercent, memoryPercent, updatedAt }) => {
      await rows.upsert({ workspaceId, cpuPercent, memoryPercent, updatedAt: updatedAt ?? new Date() }, ['workspaceId']);
    },
    allSet: async () => (await rows.find({ where: [{ cpuPercent: Not(IsNull()) }, { memoryPercent: Not(IsNull()) }] })).map(toThresholds),
  };
}
