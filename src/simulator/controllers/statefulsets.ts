/**
 * The StatefulSet controller: pods `<name>-<ordinal>` created in order (each once the previous one
 * is ready, unless podManagementPolicy is Parallel), removed from the highest ordinal down. A new
 * template rolls one pod at a time from the highest ordinal down to the RollingUpdate partition
 * (pods below it keep the current revision); OnDelete replaces a pod only once someone deletes it.
 * Claims from volumeClaimTemplates are made per pod and kept when pods go.
 */
import { randomUUID } from 'node:crypto';
import type { PodObject } from '../k8s-types.js';
import type { PersistentVolumeClaimObject, PodTemplateObject, StatefulSetObject } from '../object-types.js';
import { objectKey } from '../resources.js';
import { canonicalJson, controlled, isActive, isReady, shortHash, writeStatus, type ControllerContext } from './context.js';
import { createControlledPod, deleteControlledPod } from './pods.js';
import { defaultStorageClassName } from './storage.js';

const REVISION_LABEL = 'controller-revision-hash';

export function statefulSetRevision(statefulSet: StatefulSetObject): string {
  return `${statefulSet.metadata.name}-${shortHash(canonicalJson(statefulSet.spec.template), 10)}`;
}

function ordinalOf(statefulSet: StatefulSetObject, pod: PodObject): number {
  const suffix = pod.metadata.name.slice(statefulSet.metadata.name.length + 1);
  return /^\d+$/.test(suffix) ? Number(suffix) : -1;
}

function podTemplate(context: ControllerContext, statefulSet: StatefulSetObject, revisionTemplate: PodTemplateObject, podName: string): PodTemplateObject {
  const template = structuredClone(revisionTemplate);
  for (const claimTemplate of statefulSet.spec.volumeClaimTemplates ?? []) {
    const claimName = `${claimTemplate.metadata.name}-${podName}`;
    ensureClaim(context, statefulSet, claimTemplate, claimName);
    template.spec.volumes = [
      ...(template.spec.volumes ?? []).filter((volume) => volume.name !== claimTemplate.metadata.name),
      { name: claimTemplate.metadata.name, persistentVolumeClaim: { claimName } },
    ];
  }
  return template;
}

function ensureClaim(context: ControllerContext, statefulSet: StatefulSetObject, claimTemplate: PersistentVolumeClaimObject, claimName: string): void {
  const namespace = statefulSet.metadata.namespace;
  if (context.store.get('persistentvolumeclaims', objectKey(namespace, claimName)) !== undefined) return;
  // The DefaultStorageClass admission plugin's doing, for claims that name no class.
  const storageClassName = claimTemplate.spec.storageClassName ?? defaultStorageClassName(context.store);
  const claim: PersistentVolumeClaimObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName,
      namespace,
      uid: randomUUID(),
      resourceVersion: '',
      creationTimestamp: context.instant ? statefulSet.metadata.creationTimestamp : new Date().toISOString(),
      labels: { ...statefulSet.spec.selector.matchLabels, ...claimTemplate.metadata.labels },
    },
    spec: {
      accessModes: claimTemplate.spec.accessModes ?? ['ReadWriteOnce'],
      resources: claimTemplate.spec.resources,
      ...(storageClassName === undefined ? {} : { storageClassName }),
      volumeMode: claimTemplate.spec.volumeMode ?? 'Filesystem',
    },
    status: { phase: 'Pending' },
  };
  context.store.create('persistentvolumeclaims', claim);
}

export function reconcileStatefulSet(context: ControllerContext, namespace: string, name: string): void {
  const key = objectKey(namespace, name);
  const statefulSet = context.store.get('statefulsets', key);
  if (statefulSet === undefined) return;
  const updateRevision = statefulSetRevision(statefulSet);
  context.templates.set(updateRevision, structuredClone(statefulSet.spec.template));
  const currentRevision = statefulSet.status.currentRevision ?? updateRevision;
  const rolling = statefulSet.spec.updateStrategy.type === 'RollingUpdate';
  const partition = rolling ? (statefulSet.spec.updateStrategy.rollingUpdate?.partition ?? 0) : 0;
  const replicas = statefulSet.spec.replicas;
  if (statefulSet.metadata.deletionTimestamp === undefined) {
    // Below the partition a replaced pod keeps the current revision (the template ControllerRevisions keep).
    const revisionFor = (ordinal: number): { revision: string; template: PodTemplateObject } => {
      const kept = context.templates.get(currentRevision);
      return rolling && ordinal < partition && kept !== undefined
        ? { revision: currentRevision, template: kept }
        : { revision: updateRevision, template: statefulSet.spec.template };
    };
    managePods(context, statefulSet, revisionFor, updateRevision, partition);
  }

  const current = context.store.get('statefulsets', key);
  if (current === undefined) return;
  const live = controlled(context.store, 'pods', current).filter(isActive);
  const ready = live.filter(isReady).length;
  const updated = live.filter((pod) => pod.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
  const nextCurrent = updated === replicas && live.length === replicas && ready === replicas ? updateRevision : currentRevision;
  const status: StatefulSetObject['status'] = {
    observedGeneration: current.metadata.generation ?? 1,
    replicas: live.length,
    readyReplicas: ready,
    currentReplicas: live.filter((pod) => pod.metadata.labels?.[REVISION_LABEL] === nextCurrent).length,
    updatedReplicas: updated,
    availableReplicas: ready,
    currentRevision: nextCurrent,
    updateRevision,
    collisionCount: 0,
  };
  writeStatus(context.store, 'statefulsets', current, status);
}

function managePods(
  context: ControllerContext,
  statefulSet: StatefulSetObject,
  revisionFor: (ordinal: number) => { revision: string; template: PodTemplateObject },
  updateRevision: string,
  partition: number,
): void {
  const parallel = statefulSet.spec.podManagementPolicy === 'Parallel' || context.instant;
  const byOrdinal = new Map<number, PodObject>();
  for (const pod of controlled(context.store, 'pods', statefulSet).filter(isActive)) byOrdinal.set(ordinalOf(statefulSet, pod), pod);
  const replicas = statefulSet.spec.replicas;

  let blocked = false;
  for (let ordinal = 0; ordinal < replicas && !blocked; ordinal += 1) {
    const pod = byOrdinal.get(ordinal);
    if (pod === undefined) {
      const podName = `${statefulSet.metadata.name}-${ordinal}`;
      const { revision, template } = revisionFor(ordinal);
      const created = createControlledPod(context, statefulSet, {
        name: podName,
        template: podTemplate(context, statefulSet, template, podName),
        labels: { [REVISION_LABEL]: revision, 'statefulset.kubernetes.io/pod-name': podName, 'apps.kubernetes.io/pod-index': String(ordinal) },
        ...(context.instant ? { createdAt: new Date(statefulSet.metadata.creationTimestamp) } : {}),
      });
      byOrdinal.set(ordinal, created);
      if (!parallel) blocked = true;
    } else if (!parallel && !isReady(pod)) {
      blocked = true;
    }
  }
  // Scale down from the highest ordinal, one at a time unless Parallel.
  const extra = [...byOrdinal.entries()].filter(([ordinal]) => ordinal >= replicas || ordinal < 0).sort(([left], [right]) => right - left);
  for (const [ordinal, pod] of parallel ? extra : extra.slice(0, blocked ? 0 : 1)) {
    deleteControlledPod(context, statefulSet, pod);
    byOrdinal.delete(ordinal);
  }
  // Rolling update: once every pod is there and ready, replace the highest outdated one at or above the partition.
  if (statefulSet.spec.updateStrategy.type !== 'RollingUpdate') return;
  const pods = [...byOrdinal.entries()].filter(([ordinal]) => ordinal >= 0 && ordinal < replicas);
  const allReady = pods.length === replicas && pods.every(([, pod]) => isReady(pod));
  if (!allReady && !context.instant) return;
  const outdated = pods.filter(([ordinal, pod]) => ordinal >= partition && pod.metadata.labels?.[REVISION_LABEL] !== updateRevision).sort(([left], [right]) => right - left);
  for (const [, pod] of context.instant ? outdated : outdated.slice(0, 1)) deleteControlledPod(context, statefulSet, pod);
}
