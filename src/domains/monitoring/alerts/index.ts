export { AlertEvaluator, type AlertEvaluatorDeps } from './evaluator.js';
export { AlertService, MAX_LISTED_ALERTS } from './alert-service.js';
export { AlertResolver, type AlertsContext } from './alert-resolver.js';
export { currentConditions, type AlertView } from './conditions.js';
export type * from './ports.js';
export type * from './records.js';
