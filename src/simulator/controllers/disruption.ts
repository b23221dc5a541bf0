/**
 * The disruption controller: each PodDisruptionBudget's status (expected, healthy and desired pod
 * counts, disruptionsAllowed) from the ready pods its selector matches, and the eviction check.
 */
import type { PodObject } from '../k8s-types.js';
import type { PodDisruptionBudgetObject } from '../object-types.js';
import { objectKey } from '../resources.js';
import { labelSelectorMatcher } from '../selectors.js';
import type { ObjectStore } from '../store.js';
import { condition, isActive, isReady, resolveIntOrPercent, writeStatus } from './context.js';

export function budgetMatches(budget: PodDisruptionBudgetObject, pod: PodObject): boolean {
  return pod.metadata.namespace === budget.metadata.namespace && labelSelectorMatcher(budget.spec.selector)(pod.metadata.labels ?? {});
}

export function budgetStatus(store: ObjectStore, budget: PodDisruptionBudgetObject): PodDisruptionBudgetObject['status'] {
  const matches = labelSelectorMatcher(budget.spec.selector);
  let expected = 0;
  let healthy = 0;
  for (const pod of store.objects('pods', budget.metadata.namespace)) {
    if (!isActive(pod) || !matches(pod.metadata.labels ?? {})) continue;
    expected += 1;
    if (isReady(pod)) healthy += 1;
  }
  const desired =
    budget.spec.maxUnavailable !== undefined
      ? Math.max(0, expected - resolveIntOrPercent(budget.spec.maxUnavailable, expected, true, 0))
      : resolveIntOrPercent(budget.spec.minAvailable ?? 1, expected, true, 1);
  const allowed = Math.max(0, healthy - desired);
  const at = new Date().toISOString();
  const sufficient = allowed > 0;
  const { lastUpdateTime: _unused, ...disruptionCondition } = condition(
    budget.status.conditions,
    'DisruptionAllowed',
    sufficient,
    sufficient ? 'SufficientPods' : 'InsufficientPods',
    '',
    at,
  );
  return {
    observedGeneration: budget.metadata.generation ?? 1,
    disruptionsAllowed: allowed,
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: expected,
    conditions: [disruptionCondition],
  };
}

export function reconcileBudget(store: ObjectStore, namespace: string, name: string): void {
  const budget = store.get('poddisruptionbudgets', objectKey(namespace, name));
  if (budget !== undefined) writeStatus(store, 'poddisruptionbudgets', budget, budgetStatus(store, budget));
}

/** Budgets in the pod's namespace whose selector matches it. */
export function budgetsFor(store: ObjectStore, pod: PodObject): PodDisruptionBudgetObject[] {
  return [...store.objects('poddisruptionbudgets', pod.metadata.namespace)].filter((budget) => budgetMatches(budget, pod));
}
