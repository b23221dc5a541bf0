/**
 * The Deployment controller: one ReplicaSet per pod template (named by its pod-template-hash), and
 * rolling updates in steps bounded by maxSurge/maxUnavailable (25% each by default), the new
 * ReplicaSet scaled up as the old ones scale down once new pods are ready.
 */
import { randomUUID } from 'node:crypto';
import type { DeploymentObject, ReplicaSetObject } from '../object-types.js';
import { objectKey } from '../resources.js';
import { canonicalJson, condition, controlled, ownerReference, resolveIntOrPercent, shortHash, writeStatus, type ControllerContext } from './context.js';

const REVISION = 'deployment.kubernetes.io/revision';

function revisionOf(replicaSet: ReplicaSetObject): number {
  return Number(replicaSet.metadata.annotations?.[REVISION] ?? 0) || 0;
}

export function podTemplateHash(deployment: DeploymentObject): string {
  return shortHash(canonicalJson(deployment.spec.template), 10);
}

function scale(context: ControllerContext, deployment: DeploymentObject, replicaSet: ReplicaSetObject, replicas: number): void {
  if (replicaSet.spec.replicas === replicas) return;
  const from = replicaSet.spec.replicas;
  context.store.update('replicasets', objectKey(replicaSet.metadata.namespace, replicaSet.metadata.name), (draft) => {
    draft.spec.replicas = replicas;
    draft.metadata.annotations = { ...draft.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas) };
  });
  if (!context.instant) {
    context.events.record({
      involvedObject: deployment,
      reason: 'ScalingReplicaSet',
      message: `Scaled ${replicas > from ? 'up' : 'down'} replica set ${replicaSet.metadata.name} from ${from} to ${replicas}`,
      source: { component: 'deployment-controller' },
    });
  }
}

function createReplicaSet(context: ControllerContext, deployment: DeploymentObject, hash: string, revision: number, replicas: number): ReplicaSetObject {
  const labels = { ...deployment.spec.template.metadata.labels, 'pod-template-hash': hash };
  const replicaSet: ReplicaSetObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      namespace: deployment.metadata.namespace,
      uid: randomUUID(),
      resourceVersion: '',
      creationTimestamp: context.instant ? deployment.metadata.creationTimestamp : new Date().toISOString(),
      generation: 1,
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas),
        'deployment.kubernetes.io/max-replicas': String(deployment.spec.replicas + maxSurge(deployment)),
        [REVISION]: String(revision),
      },
      ownerReferences: [ownerReference(deployment)],
    },
    spec: {
      replicas,
      selector: { ...deployment.spec.selector, matchLabels: { ...deployment.spec.selector.matchLabels, 'pod-template-hash': hash } },
      template: { metadata: { ...deployment.spec.template.metadata, labels }, spec: structuredClone(deployment.spec.template.spec) },
    },
    status: { replicas: 0 },
  };
  const created = context.store.create('replicasets', replicaSet);
  if (!context.instant && replicas > 0) {
    context.events.record({
      involvedObject: deployment,
      reason: 'ScalingReplicaSet',
      message: `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`,
      source: { component: 'deployment-controller' },
    });
  }
  return created;
}

function maxSurge(deployment: DeploymentObject): number {
  if (deployment.spec.strategy.type !== 'RollingUpdate') return 0;
  return resolveIntOrPercent(deployment.spec.strategy.rollingUpdate?.maxSurge, deployment.spec.replicas, true, 0);
}

function maxUnavailable(deployment: DeploymentObject): number {
  if (deployment.spec.strategy.type !== 'RollingUpdate') return deployment.spec.replicas;
  const unavailable = resolveIntOrPercent(deployment.spec.strategy.rollingUpdate?.maxUnavailable, deployment.spec.replicas, false, 0);
  // Both zero would never make progress; the apiserver's validation forbids it, the controller uses 1.
  return unavailable === 0 && maxSurge(deployment) === 0 ? 1 : Math.min(unavailable, deployment.spec.replicas);
}

export function reconcileDeployment(context: ControllerContext, namespace: string, name: string): void {
  const key = objectKey(namespace, name);
  let deployment = context.store.get('deployments', key);
  if (deployment === undefined) return;
  const hash = podTemplateHash(deployment);
  const owned = controlled(context.store, 'replicasets', deployment);
  let newReplicaSet = owned.find((replicaSet) => replicaSet.metadata.labels?.['pod-template-hash'] === hash);
  const olds = owned.filter((replicaSet) => replicaSet !== newReplicaSet).sort((left, right) => revisionOf(left) - revisionOf(right));
  const desired = deployment.spec.replicas;
  const settleNow = context.instant || olds.every((replicaSet) => replicaSet.spec.replicas === 0);
  const maxRevision = Math.max(0, ...owned.map(revisionOf));

  if (deployment.spec.paused !== true) {
    if (newReplicaSet === undefined) {
      newReplicaSet = createReplicaSet(context, deployment, hash, maxRevision + 1, settleNow && deployment.spec.strategy.type === 'RollingUpdate' ? desired : 0);
    } else if (revisionOf(newReplicaSet) < maxRevision) {
      // A rollback to an older template makes its ReplicaSet the newest revision again.
      context.store.update('replicasets', objectKey(namespace, newReplicaSet.metadata.name), (draft) => {
        draft.metadata.annotations = { ...draft.metadata.annotations, [REVISION]: String(maxRevision + 1) };
      });
    }
    if (context.instant) {
      for (const old of olds) scale(context, deployment, old, 0);
      scale(context, deployment, newReplicaSet, desired);
    } else if (deployment.spec.strategy.type === 'Recreate') {
      for (const old of olds) scale(context, deployment, old, 0);
      const oldPods = olds.reduce((sum, old) => sum + old.status.replicas, 0);
      if (oldPods === 0) scale(context, deployment, newReplicaSet, desired);
    } else {
      rollingStep(context, deployment, newReplicaSet, olds);
    }
  }

  // Re-read: the steps above changed the ReplicaSets.
  deployment = context.store.get('deployments', key);
  if (deployment === undefined) return;
  const now = controlled(context.store, 'replicasets', deployment);
  const current = now.find((replicaSet) => replicaSet.metadata.labels?.['pod-template-hash'] === hash);
  const revision = current === undefined ? undefined : revisionOf(current);
  if (revision !== undefined && deployment.metadata.annotations?.[REVISION] !== String(revision)) {
    deployment = context.store.update('deployments', key, (draft) => {
      draft.metadata.annotations = { ...draft.metadata.annotations, [REVISION]: String(revision) };
    });
  }
  pruneHistory(
    context,
    deployment,
    now.filter((replicaSet) => replicaSet !== current),
  );
  writeStatus(context.store, 'deployments', deployment, deploymentStatus(deployment, now, current));
}

function rollingStep(context: ControllerContext, deployment: DeploymentObject, newReplicaSet: ReplicaSetObject, olds: ReplicaSetObject[]): void {
  const desired = deployment.spec.replicas;
  const all = [newReplicaSet, ...olds];
  // Old ReplicaSets first: unhealthy replicas go, then as many as availability allows. Doing this
  // before scaling up means their pods go before new ones come, so live pods stay within the surge.
  const minAvailable = desired - maxUnavailable(deployment);
  const available = all.reduce((sum, replicaSet) => sum + (replicaSet.status.availableReplicas ?? 0), 0);
  let budget = Math.max(0, available - minAvailable);
  let total = newReplicaSet.spec.replicas;
  for (const old of olds) {
    if (old.spec.replicas === 0) continue;
    const unhealthy = Math.max(0, old.spec.replicas - (old.status.availableReplicas ?? 0));
    const healthyCut = Math.min(budget, old.spec.replicas - unhealthy);
    const target = old.spec.replicas - unhealthy - healthyCut;
    budget -= healthyCut;
    total += target;
    scale(context, deployment, old, target);
  }
  // Then the new ReplicaSet, as far as the surge allows (or down to the desired count).
  if (newReplicaSet.spec.replicas > desired) {
    scale(context, deployment, newReplicaSet, desired);
  } else if (newReplicaSet.spec.replicas < desired) {
    const room = desired + maxSurge(deployment) - total;
    if (room > 0) scale(context, deployment, newReplicaSet, Math.min(desired, newReplicaSet.spec.replicas + room));
  }
}

function pruneHistory(context: ControllerContext, deployment: DeploymentObject, olds: ReplicaSetObject[]): void {
  const idle = olds.filter((replicaSet) => replicaSet.spec.replicas === 0 && replicaSet.status.replicas === 0).sort((left, right) => revisionOf(left) - revisionOf(right));
  const excess = idle.length - deployment.spec.revisionHistoryLimit;
  for (const replicaSet of idle.slice(0, Math.max(0, excess))) {
    context.store.delete('replicasets', objectKey(replicaSet.metadata.namespace, replicaSet.metadata.name));
  }
}

function deploymentStatus(deployment: DeploymentObject, replicaSets: ReplicaSetObject[], current: ReplicaSetObject | undefined): DeploymentObject['status'] {
  const sum = (read: (replicaSet: ReplicaSetObject) => number | undefined) => replicaSets.reduce((total, replicaSet) => total + (read(replicaSet) ?? 0), 0);
  const replicas = sum((replicaSet) => replicaSet.status.replicas);
  const ready = sum((replicaSet) => replicaSet.status.readyReplicas);
  const available = sum((replicaSet) => replicaSet.status.availableReplicas);
  const updated = current?.status.replicas ?? 0;
  const desired = deployment.spec.replicas;
  const at = new Date().toISOString();
  const previous = deployment.status.conditions;
  const minimumAvailable = available >= desired - maxUnavailable(deployment);
  const complete = updated === desired && replicas === desired && available >= desired && (current?.spec.replicas ?? 0) === desired;
  const currentName = current?.metadata.name ?? deployment.metadata.name;
  return {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: available,
    ...(replicas - available > 0 ? { unavailableReplicas: replicas - available } : {}),
    conditions: [
      condition(
        previous,
        'Available',
        minimumAvailable,
        minimumAvailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        minimumAvailable ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
        at,
      ),
      condition(
        previous,
        'Progressing',
        true,
        complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        complete ? `ReplicaSet "${currentName}" has successfully progressed.` : `ReplicaSet "${currentName}" is progressing.`,
        at,
      ),
    ],
  };
}
