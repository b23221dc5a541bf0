import { DomainError } from '../../../shared/errors.js';
import { describeRef } from './manifests.js';
import { ClusterRequestError, type ObjectRef } from './ports.js';

/** Which input field a problem at `path` of the n-th object to apply is blamed on (`values.port`, `packageVersionId`, `revision`). */
export type Blame = (objectIndex: number, path: string | null) => string;

/**
 * A refusal by the cluster, naming the object and (when the API server says) the field: an
 * invalid object is BAD_USER_INPUT, a clash CONFLICT; the cluster's own trouble stays UNAVAILABLE.
 */
export function clusterRefusal(error: unknown, ref: ObjectRef, step: string, field: string | ((path: string | null) => string), clusterId: string): DomainError {
  if (!(error instanceof ClusterRequestError))
    return error instanceof DomainError ? error : new DomainError('UNAVAILABLE', `${step} ${describeRef(ref)}: ${String(error)}`, { clusterId });
  const object = describeRef(ref);
  const path = error.fields[0] ?? null;
  const blamed = typeof field === 'string' ? field : field(path);
  const where = { field: blamed, object, ...(path === null ? {} : { path }) };
  switch (error.reason) {
    case 'INVALID':
      return new DomainError('BAD_USER_INPUT', `${blamed}: ${object}${path === null ? '' : ` (${path})`}: the cluster refused it at the ${step}: ${error.message}`, where);
    case 'CONFLICT':
      return new DomainError('CONFLICT', `${blamed}: ${object}${path === null ? '' : ` (${path})`}: ${error.message}`, where);
    case 'NOT_FOUND':
      return new DomainError('BAD_USER_INPUT', `${blamed}: ${object}: the cluster does not serve ${ref.apiVersion} ${ref.kind} (${step}): ${error.message}`, where);
    case 'FORBIDDEN':
      return new DomainError('FORBIDDEN', `The credentials this gateway holds for the cluster may not ${step} ${object}: ${error.message}`, { clusterId, object });
    case 'UNAVAILABLE':
      return new DomainError('UNAVAILABLE', `Cannot ${step} ${object}: ${error.message}`, { clusterId, object });
  }
}
