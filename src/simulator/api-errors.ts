/** Errors that become apiserver `Status` responses (code, reason, message, details). */
import type { StatusObject } from './k8s-types.js';
import { resourceTypes, type ResourceName } from './resources.js';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusObject['details'],
  ) {
    super(message);
  }
}

/** `deployments.apps` as the apiserver names a resource in messages; core resources have no group. */
export function qualifiedResource(resource: ResourceName): string {
  const { group } = resourceTypes[resource];
  return group === '' ? resource : `${resource}.${group}`;
}

export function objectNotFound(resource: ResourceName, name: string): ApiError {
  const { group } = resourceTypes[resource];
  return new ApiError(404, 'NotFound', `${qualifiedResource(resource)} "${name}" not found`, { name, ...(group === '' ? {} : { group }), kind: resource });
}

export function alreadyExists(resource: ResourceName, name: string): ApiError {
  const { group } = resourceTypes[resource];
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(resource)} "${name}" already exists`, { name, ...(group === '' ? {} : { group }), kind: resource });
}

export function conflict(resource: ResourceName, name: string): ApiError {
  const { group } = resourceTypes[resource];
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, ...(group === '' ? {} : { group }), kind: resource },
  );
}

export function namespaceNotFound(namespace: string): ApiError {
  return new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(method: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}
