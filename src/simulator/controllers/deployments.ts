/**
 * The Deployment controller, after kube-controller-manager's: one ReplicaSet per pod template
 * (named by its pod-template-hash); RollingUpdate scales the new one up within maxSurge, then the
 * old ones down as far as maxUnavailable allows; Recreate takes the old pods away first. A paused
 * Deployment only scales. Status counts replicas (updated, ready, available), and the conditions
 * Available and Progressing report progress: ReplicaSetUpdated while pods move,
 * NewReplicaSetAvailable when done, ProgressDeadlineExceeded (status False) when no progress was
 * made for progressDeadlineSeconds.
 */
import { randomUUID } from 'node:crypto';
import type { Condition } from '../k8s-types.js';
import type { DeploymentObject, ReplicaSetObject } from '../object-types.js';
import { objectKey } from '../resources.js';
import { canonicalJson, controlled, ownerReference, resolveIntOrPercent, shortHash, writeStatus, type ControllerContext } from './context.js';

const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';

type DeploymentCondition = Condition & { lastUpdateTime?: string };

function revisionOf(replicaSet: ReplicaSetObject): number {
  return Number(replicaSet.metadata.annotations?.[REVISION] ?? 0) || 0;
}

export function podTemplateHash(deployment: DeploymentObject): string {
  return shortHash(canonicalJson(deployment.spec.template), 10);
}

function byAge(left: ReplicaSetObject, right: ReplicaSetObject): number {
  return left.metadata.creationTimestamp.localeCompare(right.metadata.creationTimestamp) || left.metadata.name.localeCompare(right.metadata.name);
}

function maxSurge(deployment: DeploymentObject): number {
  if (deployment.spec.strategy.type !== 'RollingUpdate') return 0;
  return resolveIntOrPercent(deployment.spec.strategy.rollingUpdate?.maxSurge, deployment.spec.replicas, true, 0);
}

/** maxUnavailable resolved; both bounds zero would never progress, so the controller uses 1. */
function maxUnavailable(deployment: DeploymentObject): number {
  if (deployment.spec.strategy.type !== 'RollingUpdate' || deployment.spec.replicas === 0) return 0;
  const unavailable = resolveIntOrPercent(deployment.spec.strategy.rollingUpdate?.maxUnavailable, deployment.spec.replicas, false, 0);
  return Math.min(unavailable === 0 && maxSurge(deployment) === 0 ? 1 : unavailable, deployment.spec.replicas);
}

function hasProgressDeadline(deployment: DeploymentObject): boolean {
  const seconds = deployment.spec.progressDeadlineSeconds as number | undefined;
  return seconds !== undefined && seconds < 2 ** 31 - 1;
}

/** Works on the ReplicaSets of one reconcile, keeping their sizes current as it scales them. */
class Rollout {
  readonly sizes = new Map<string, number>();
  /** ReplicaSets written in this pass (their annotations are current). */
  private readonly written = new Set<string>();
  scaled = false;

  constructor(
    private readonly context: ControllerContext,
    private readonly deployment: DeploymentObject,
  ) {}

  size(replicaSet: ReplicaSetObject): number {
    return this.sizes.get(replicaSet.metadata.name) ?? replicaSet.spec.replicas;
  }

  total(replicaSets: readonly ReplicaSetObject[]): number {
    return replicaSets.reduce((sum, replicaSet) => sum + this.size(replicaSet), 0);
  }

  scale(replicaSet: ReplicaSetObject, replicas: number): void {
    const from = this.size(replicaSet);
    const deployment = this.deployment;
    const annotations = replicaSet.metadata.annotations ?? {};
    const desired = String(deployment.spec.replicas);
    const max = String(deployment.spec.replicas + maxSurge(deployment));
    const annotated = this.written.has(replicaSet.metadata.name) || (annotations[DESIRED_REPLICAS] === desired && annotations[MAX_REPLICAS] === max);
    if (from === replicas && annotated) return;
    this.sizes.set(replicaSet.metadata.name, replicas);
    this.written.add(replicaSet.metadata.name);
    this.context.store.update('replicasets', objectKey(replicaSet.metadata.namespace, replicaSet.metadata.name), (draft) => {
      draft.spec.replicas = replicas;
      draft.metadata.annotations = { ...draft.metadata.annotations, [DESIRED_REPLICAS]: desired, [MAX_REPLICAS]: max };
    });
    if (from === replicas) return;
    this.scaled = true;
    if (!this.context.instant) {
      this.context.events.record({
        involvedObject: deployment,
        reason: 'ScalingReplicaSet',
        message: `Scaled ${replicas > from ? 'up' : 'down'} replica set ${replicaSet.metadata.name} from ${from} to ${replicas}`,
        source: { component: 'deployment-controller' },
      });
    }
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
        [DESIRED_REPLICAS]: String(deployment.spec.replicas),
        [MAX_REPLICAS]: String(deployment.spec.replicas + maxSurge(deployment)),
        [REVISION]: String(revision),
      },
      ownerReferences: [ownerReference(deployment)],
    },
    spec: {
      replicas,
      ...(deployment.spec.minReadySeconds === undefined ? {} : { minReadySeconds: deployment.spec.minReadySeconds }),
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

function newCondition(type: string, status: Condition['status'], reason: string, message: string, at: string): DeploymentCondition {
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

/** As SetDeploymentCondition: the same status and reason change nothing; the same status keeps its transition time. */
function setCondition(conditions: DeploymentCondition[], next: DeploymentCondition): DeploymentCondition[] {
  const current = conditions.find((entry) => entry.type === next.type);
  if (current !== undefined && current.status === next.status && current.reason === next.reason) return conditions;
  const merged = current !== undefined && current.status === next.status ? { ...next, lastTransitionTime: current.lastTransitionTime ?? next.lastTransitionTime } : next;
  return [...conditions.filter((entry) => entry.type !== next.type), merged];
}

function conditionOf(conditions: readonly DeploymentCondition[], type: string): DeploymentCondition | undefined {
  return conditions.find((entry) => entry.type === type);
}

export function reconcileDeployment(context: ControllerContext, namespace: string, name: string): void {
  const key = objectKey(namespace, name);
  const deployment = context.store.get('deployments', key);
  if (deployment === undefined) return;
  const at = new Date().toISOString();
  const hash = podTemplateHash(deployment);
  const owned = controlled(context.store, 'replicasets', deployment);
  let conditions: DeploymentCondition[] = [...((deployment.status.conditions ?? []) as DeploymentCondition[])];
  // Being deleted: status only, no new pods.
  if (deployment.metadata.deletionTimestamp !== undefined) {
    const current = owned.find((replicaSet) => replicaSet.metadata.labels?.['pod-template-hash'] === hash);
    writeStatus(context.store, 'deployments', deployment, { ...countStatus(deployment, owned, current), conditions: availability(deployment, owned, conditions, at) });
    return;
  }
  conditions = pausedConditions(deployment, conditions, at);
  let newReplicaSet = owned.find((replicaSet) => replicaSet.metadata.labels?.['pod-template-hash'] === hash);
  const olds = owned.filter((replicaSet) => replicaSet !== newReplicaSet).sort(byAge);
  const desired = deployment.spec.replicas;
  const rollout = new Rollout(context, deployment);
  const paused = deployment.spec.paused === true;
  const maxRevision = Math.max(0, ...owned.map(revisionOf));

  if (!paused) {
    if (newReplicaSet === undefined) {
      const recreate = deployment.spec.strategy.type === 'Recreate';
      const oldPods = olds.reduce((sum, old) => sum + old.spec.replicas + old.status.replicas, 0);
      const initial = context.instant ? desired : recreate ? (oldPods === 0 ? desired : 0) : newReplicas(rollout, deployment, olds, 0);
      newReplicaSet = createReplicaSet(context, deployment, hash, maxRevision + 1, initial);
      if (hasProgressDeadline(deployment)) {
        conditions = setCondition(conditions, newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${newReplicaSet.metadata.name}"`, at));
      }
    } else {
      if (revisionOf(newReplicaSet) < maxRevision) {
        // A rollback to an older template makes its ReplicaSet the newest revision again.
        context.store.update('replicasets', objectKey(namespace, newReplicaSet.metadata.name), (draft) => {
          draft.metadata.annotations = { ...draft.metadata.annotations, [REVISION]: String(maxRevision + 1) };
        });
      }
      if (newReplicaSet.spec.minReadySeconds !== deployment.spec.minReadySeconds) {
        context.store.update('replicasets', objectKey(namespace, newReplicaSet.metadata.name), (draft) => {
          if (deployment.spec.minReadySeconds === undefined) delete draft.spec.minReadySeconds;
          else draft.spec.minReadySeconds = deployment.spec.minReadySeconds;
        });
      }
      if (hasProgressDeadline(deployment) && conditionOf(conditions, 'Progressing') === undefined) {
        conditions = setCondition(conditions, newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${newReplicaSet.metadata.name}"`, at));
      }
    }
  }

  if (context.instant) {
    for (const old of olds) rollout.scale(old, 0);
    if (newReplicaSet !== undefined) rollout.scale(newReplicaSet, desired);
  } else if (paused || isScalingEvent(deployment, owned)) {
    scaleProportionally(rollout, deployment, newReplicaSet, olds);
  } else if (newReplicaSet !== undefined && deployment.spec.strategy.type === 'Recreate') {
    recreateStep(rollout, deployment, newReplicaSet, olds);
  } else if (newReplicaSet !== undefined) {
    rollingStep(rollout, deployment, newReplicaSet, olds);
  }

  // Re-read: the steps above changed the ReplicaSets.
  let latest = context.store.get('deployments', key);
  if (latest === undefined) return;
  const now = controlled(context.store, 'replicasets', latest);
  const current = now.find((replicaSet) => replicaSet.metadata.labels?.['pod-template-hash'] === hash);
  const revision = current === undefined ? undefined : revisionOf(current);
  if (revision !== undefined && latest.metadata.annotations?.[REVISION] !== String(revision)) {
    latest = context.store.update('deployments', key, (draft) => {
      draft.metadata.annotations = { ...draft.metadata.annotations, [REVISION]: String(revision) };
    });
  }
  pruneHistory(
    context,
    latest,
    now.filter((replicaSet) => replicaSet !== current),
  );
  const counts = countStatus(latest, now, current);
  conditions = availability(latest, now, conditions, at);
  if (!paused) conditions = rolloutConditions(context, latest, counts, current, conditions, at);
  writeStatus(context.store, 'deployments', latest, { ...counts, conditions });
}

/** How far the new ReplicaSet may grow now: up to replicas + maxSurge pods in all. */
function newReplicas(rollout: Rollout, deployment: DeploymentObject, olds: readonly ReplicaSetObject[], current: number): number {
  const desired = deployment.spec.replicas;
  const maxTotal = desired + maxSurge(deployment);
  const total = rollout.total(olds) + current;
  if (total >= maxTotal) return current;
  return current + Math.max(0, Math.min(maxTotal - total, desired - current));
}

function rollingStep(rollout: Rollout, deployment: DeploymentObject, newReplicaSet: ReplicaSetObject, olds: readonly ReplicaSetObject[]): void {
  const desired = deployment.spec.replicas;
  // Scale up first, as far as the surge allows; the scale-down waits for the next pass.
  const size = rollout.size(newReplicaSet);
  if (size > desired) rollout.scale(newReplicaSet, desired);
  else if (size < desired) rollout.scale(newReplicaSet, newReplicas(rollout, deployment, olds, size));
  if (rollout.scaled) return;
  const oldPods = rollout.total(olds);
  if (oldPods === 0) return;
  const all = [newReplicaSet, ...olds];
  const minAvailable = desired - maxUnavailable(deployment);
  const newUnavailable = rollout.size(newReplicaSet) - (newReplicaSet.status.availableReplicas ?? 0);
  const maxScaledDown = rollout.total(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return;
  // Unhealthy old replicas go first: they would block the rollout and count for nothing.
  let cleaned = 0;
  for (const old of olds) {
    const available = old.status.availableReplicas ?? 0;
    if (rollout.size(old) === 0 || rollout.size(old) === available) continue;
    const cut = Math.min(maxScaledDown - cleaned, rollout.size(old) - available);
    if (cut <= 0) continue;
    rollout.scale(old, rollout.size(old) - cut);
    cleaned += cut;
  }
  // Then healthy ones, as far as availability allows.
  const available = all.reduce((sum, replicaSet) => sum + (replicaSet.status.availableReplicas ?? 0), 0);
  if (available <= minAvailable) return;
  let budget = available - minAvailable;
  for (const old of olds) {
    if (budget <= 0) break;
    if (rollout.size(old) === 0) continue;
    const cut = Math.min(rollout.size(old), budget);
    rollout.scale(old, rollout.size(old) - cut);
    budget -= cut;
  }
}

function recreateStep(rollout: Rollout, deployment: DeploymentObject, newReplicaSet: ReplicaSetObject, olds: readonly ReplicaSetObject[]): void {
  for (const old of olds) if (rollout.size(old) > 0) rollout.scale(old, 0);
  if (rollout.scaled) return;
  // Not a single old pod may run alongside a new one.
  if (olds.some((old) => old.status.replicas > 0)) return;
  rollout.scale(newReplicaSet, deployment.spec.replicas);
}

/** The replica count changed (or the Deployment is paused): resize what runs, no new template. */
function isScalingEvent(deployment: DeploymentObject, replicaSets: readonly ReplicaSetObject[]): boolean {
  return replicaSets.some((replicaSet) => replicaSet.spec.replicas > 0 && replicaSet.metadata.annotations?.[DESIRED_REPLICAS] !== String(deployment.spec.replicas));
}

function scaleProportionally(rollout: Rollout, deployment: DeploymentObject, newReplicaSet: ReplicaSetObject | undefined, olds: readonly ReplicaSetObject[]): void {
  const desired = deployment.spec.replicas;
  const all = [...(newReplicaSet === undefined ? [] : [newReplicaSet]), ...olds];
  const active = all.filter((replicaSet) => rollout.size(replicaSet) > 0);
  const latest = active.length === 0 ? (newReplicaSet ?? [...olds].sort(byAge).at(-1)) : active.length === 1 ? active[0] : undefined;
  if (latest !== undefined) {
    rollout.scale(latest, desired);
    return;
  }
  if (newReplicaSet !== undefined && rollout.size(newReplicaSet) === desired && (newReplicaSet.status.availableReplicas ?? 0) === desired) {
    for (const old of olds) rollout.scale(old, 0);
    return;
  }
  // Several active: the difference to replicas + maxSurge goes to (or comes from) the largest, newest first.
  const allowed = desired + maxSurge(deployment);
  let difference = allowed - rollout.total(all);
  const largest = [...active].sort((left, right) => rollout.size(right) - rollout.size(left) || byAge(right, left));
  for (const replicaSet of largest) {
    if (difference === 0) break;
    const size = rollout.size(replicaSet);
    const next = Math.max(0, size + difference);
    difference -= next - size;
    rollout.scale(replicaSet, next);
  }
  // Sizes unchanged, yet the annotations record the new replica count: no scaling event next time.
  for (const replicaSet of active) rollout.scale(replicaSet, rollout.size(replicaSet));
}

function pruneHistory(context: ControllerContext, deployment: DeploymentObject, olds: ReplicaSetObject[]): void {
  const idle = olds
    .filter((replicaSet) => replicaSet.spec.replicas === 0 && replicaSet.status.replicas === 0 && replicaSet.metadata.deletionTimestamp === undefined)
    .sort((left, right) => revisionOf(left) - revisionOf(right));
  const excess = idle.length - deployment.spec.revisionHistoryLimit;
  for (const replicaSet of idle.slice(0, Math.max(0, excess))) {
    context.store.delete('replicasets', objectKey(replicaSet.metadata.namespace, replicaSet.metadata.name));
  }
}

type Counts = Omit<DeploymentObject['status'], 'conditions'>;

function countStatus(deployment: DeploymentObject, replicaSets: readonly ReplicaSetObject[], current: ReplicaSetObject | undefined): Counts {
  const sum = (read: (replicaSet: ReplicaSetObject) => number | undefined) => replicaSets.reduce((total, replicaSet) => total + (read(replicaSet) ?? 0), 0);
  const available = sum((replicaSet) => replicaSet.status.availableReplicas);
  const unavailable = Math.max(0, sum((replicaSet) => replicaSet.spec.replicas) - available);
  return {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas: sum((replicaSet) => replicaSet.status.replicas),
    updatedReplicas: current?.status.replicas ?? 0,
    readyReplicas: sum((replicaSet) => replicaSet.status.readyReplicas),
    availableReplicas: available,
    ...(unavailable > 0 ? { unavailableReplicas: unavailable } : {}),
  };
}

function availability(deployment: DeploymentObject, replicaSets: readonly ReplicaSetObject[], conditions: DeploymentCondition[], at: string): DeploymentCondition[] {
  const available = replicaSets.reduce((total, replicaSet) => total + (replicaSet.status.availableReplicas ?? 0), 0);
  const enough = available >= deployment.spec.replicas - maxUnavailable(deployment);
  return setCondition(
    conditions,
    enough
      ? newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', at)
      : newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', at),
  );
}

/** Progressing Unknown while paused (DeploymentPaused) and right after (DeploymentResumed); a deadline already missed stays. */
function pausedConditions(deployment: DeploymentObject, conditions: DeploymentCondition[], at: string): DeploymentCondition[] {
  if (!hasProgressDeadline(deployment)) return conditions;
  const current = conditionOf(conditions, 'Progressing');
  if (current?.reason === 'ProgressDeadlineExceeded') return conditions;
  const pausedBefore = current?.reason === 'DeploymentPaused';
  if (deployment.spec.paused === true && !pausedBefore) return setCondition(conditions, newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', at));
  if (deployment.spec.paused !== true && pausedBefore) return setCondition(conditions, newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', at));
  return conditions;
}

function isComplete(deployment: DeploymentObject, counts: Counts): boolean {
  const desired = deployment.spec.replicas;
  return (
    counts.updatedReplicas === desired &&
    counts.replicas === desired &&
    counts.availableReplicas === desired &&
    (counts.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 1)
  );
}

/** New pods came, became ready or available, or old ones went: progress, which resets the deadline. */
function progressed(before: DeploymentObject['status'], after: Counts): boolean {
  const oldBefore = (before.replicas ?? 0) - (before.updatedReplicas ?? 0);
  const oldAfter = (after.replicas ?? 0) - (after.updatedReplicas ?? 0);
  return (
    (after.updatedReplicas ?? 0) > (before.updatedReplicas ?? 0) ||
    oldAfter < oldBefore ||
    (after.readyReplicas ?? 0) > (before.readyReplicas ?? 0) ||
    (after.availableReplicas ?? 0) > (before.availableReplicas ?? 0)
  );
}

function rolloutConditions(
  context: ControllerContext,
  deployment: DeploymentObject,
  counts: Counts,
  current: ReplicaSetObject | undefined,
  conditions: DeploymentCondition[],
  at: string,
): DeploymentCondition[] {
  if (!hasProgressDeadline(deployment)) return conditions.filter((entry) => entry.type !== 'Progressing');
  const progressing = conditionOf(conditions, 'Progressing');
  if (counts.replicas === counts.updatedReplicas && progressing?.reason === 'NewReplicaSetAvailable') return conditions;
  const subject = current === undefined ? `Deployment "${deployment.metadata.name}"` : `ReplicaSet "${current.metadata.name}"`;
  if (isComplete(deployment, counts)) {
    return setCondition(conditions, newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `${subject} has successfully progressed.`, at));
  }
  if (progressed(deployment.status, counts)) {
    // Unlike other conditions, this one moves its lastUpdateTime on every bit of progress.
    const next = newCondition('Progressing', 'True', 'ReplicaSetUpdated', `${subject} is progressing.`, at);
    if (progressing?.status === 'True') next.lastTransitionTime = progressing.lastTransitionTime ?? at;
    const updated = [...conditions.filter((entry) => entry.type !== 'Progressing'), next];
    requeueForDeadline(context, deployment, next);
    return updated;
  }
  if (progressing === undefined || progressing.reason === 'ProgressDeadlineExceeded') return conditions;
  const deadlineMs = deployment.spec.progressDeadlineSeconds * context.pace.secondMs;
  const since = Date.parse(progressing.lastUpdateTime ?? progressing.lastTransitionTime ?? at);
  if (since + deadlineMs < Date.now()) {
    return setCondition(conditions, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `${subject} has timed out progressing.`, at));
  }
  requeueForDeadline(context, deployment, progressing);
  return conditions;
}

/** Looks again once the deadline has passed, in case nothing else happens by then. */
function requeueForDeadline(context: ControllerContext, deployment: DeploymentObject, progressing: DeploymentCondition): void {
  const since = Date.parse(progressing.lastUpdateTime ?? progressing.lastTransitionTime ?? new Date().toISOString());
  const due = since + deployment.spec.progressDeadlineSeconds * context.pace.secondMs - Date.now();
  context.requeueAfter('deployments', objectKey(deployment.metadata.namespace, deployment.metadata.name), Math.max(0, due) + 1);
}
