/** Image security: Trivy Operator's VulnerabilityReports, read from the informer caches. */
export {
  VulnerabilityService,
  addCounts,
  newCriticalFindings,
  NO_COUNTS,
  type CriticalFindings,
  type ImageReport,
  type VulnerabilitySummary as VulnerabilitySummaryValues,
  type WorkloadRef,
} from './vulnerability-service.js';
export { ImageVulnerabilitiesResolver } from './vulnerability-resolver.js';
export { ImageVulnerabilities, VulnerabilityCounts, VulnerabilityFinding, VulnerabilitySummary } from './graphql-types.js';
export { toImageVulnerabilities, toVulnerabilitySummary } from './mappers.js';
export type { VulnerabilitiesContext } from './context.js';
export type * from './ports.js';
export type * from './model.js';
export { SEVERITIES } from './model.js';
