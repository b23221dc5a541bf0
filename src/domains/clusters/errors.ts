import { DomainError } from '../../shared/errors.js';

/** The error a field or mutation gives for a cluster whose watches cannot answer now. */
export function clusterUnavailable(clusterId: string, name: string, state: string, reason: string | undefined): DomainError {
  return new DomainError('UNAVAILABLE', `Cluster ${name} is ${state.toLowerCase()}${reason ? `: ${reason}` : ''}`, { clusterId });
}
