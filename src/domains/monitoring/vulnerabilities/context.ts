import type { AccessScope } from '../../../shared/access.js';
import type { PagingContext } from '../../../shared/pagination.js';
import type { VulnerabilityService } from './vulnerability-service.js';

export interface VulnerabilitiesContext extends PagingContext {
  readonly vulnerabilities: VulnerabilityService;
  /** The caller's access scope (built once per request). */
  readonly access: () => Promise<AccessScope>;
}
