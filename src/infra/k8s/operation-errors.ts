/**
 * Maps what a write to an apiserver can fail with onto the DomainErrors callers understand
 * (ports.ts, ClusterOperations): the apiserver's own message is kept, the object is named.
 */
import { DomainError, BadInputError } from '../../shared/errors.js';
import { describeError } from './kube-transport.js';
import { asRecord, asString } from './raw-object.js';

/** What an operation acted on, for messages. */
export interface OperationTarget {
  readonly clusterId: string;
  /** e.g. "update the scale of", "delete", "evict". */
  readonly verb: string;
  /** e.g. "Deployment shop/web". */
  readonly object: string;
  /** The input field a 400/422 is blamed on. */
  readonly field: string;
}

/** Our own deadline passed before the apiserver answered. */
export class OperationTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'OperationTimeoutError';
  }
}

/** The HTTP status of an error thrown by the generated clients (ApiException), if it is one. */
export function apiStatusOf(error: unknown): number | undefined {
  if (error instanceof DomainError || error instanceof OperationTimeoutError) return undefined;
  const code = (error as { code?: unknown } | null)?.code;
  // ApiException carries a numeric HTTP code; Node's system errors carry string codes (ECONNREFUSED).
  return typeof code === 'number' && code >= 100 && code <= 599 ? code : undefined;
}

/** The `message` of the Kubernetes Status an ApiException carries (its body is the raw text). */
export function apiMessageOf(error: unknown): string | undefined {
  const body = (error as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      return asString(asRecord(JSON.parse(body))['message']) ?? (body.trim() === '' ? undefined : body.trim().slice(0, 500));
    } catch {
      return body.trim() === '' ? undefined : body.trim().slice(0, 500);
    }
  }
  return asString(asRecord(body)['message']);
}

export function toDomainError(error: unknown, target: OperationTarget): DomainError {
  if (error instanceof DomainError) return error;
  const { clusterId, verb, object, field } = target;
  if (error instanceof OperationTimeoutError) {
    return new DomainError('UNAVAILABLE', `Cluster ${clusterId} did not answer within ${error.timeoutMs} ms (${verb} ${object})`, { clusterId });
  }
  const status = apiStatusOf(error);
  if (status === undefined) {
    return new DomainError('UNAVAILABLE', `Cannot reach cluster ${clusterId} to ${verb} ${object}: ${describeError(error)}`, { clusterId });
  }
  const said = apiMessageOf(error) ?? `HTTP ${status}`;
  switch (status) {
    case 404:
      return new DomainError('NOT_FOUND', `${object} not found in cluster ${clusterId}`, { clusterId, object });
    case 400:
    case 422:
      return new BadInputError(field, `the API server of cluster ${clusterId} rejected the request to ${verb} ${object}: ${said}`);
    case 403:
      return new DomainError('FORBIDDEN', `The credentials this gateway holds for cluster ${clusterId} lack the permission to ${verb} ${object}: ${said}`, { clusterId });
    case 409:
      return new DomainError('CONFLICT', `Conflict while trying to ${verb} ${object} in cluster ${clusterId}: ${said}`, { clusterId, object });
    case 401:
      return new DomainError('UNAVAILABLE', `Cluster ${clusterId} rejected the credentials this gateway holds for it (401): ${said}`, { clusterId, statusCode: status });
    default:
      return new DomainError('UNAVAILABLE', `Cluster ${clusterId} could not ${verb} ${object} (HTTP ${status}): ${said}`, { clusterId, statusCode: status });
  }
}
