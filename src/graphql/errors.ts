import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { fieldOfRefusedValue } from './refused-value-field.js';

const GRAPHQL_CODES = new Set(['RATE_LIMITED', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN']);

function findDomainError(error: unknown): DomainError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof DomainError) return current;
    current = current instanceof GraphQLError ? current.originalError : current.cause;
  }
  return undefined;
}

/**
 * The one place that decides what a client sees of an error: domain errors keep their message and
 * become `extensions.code`; GraphQL's own errors (syntax, validation) pass; anything else is logged
 * and hidden behind a generic message.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const domainError = findDomainError(error);
    if (domainError !== undefined) {
      return { ...formatted, message: domainError.message, extensions: { ...domainError.details, code: domainError.code } };
    }
    const code = formatted.extensions?.code;
    const original = error instanceof GraphQLError ? error.originalError : error;
    // A value the schema itself refused (a malformed DateTime, an unknown enum value): bad input, named like any other.
    const refusedField = error instanceof GraphQLError && (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED') ? fieldOfRefusedValue(error) : undefined;
    if (refusedField !== undefined) {
      const { http: _http, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions: { ...extensions, code: 'BAD_USER_INPUT', field: refusedField } };
    }
    if (typeof code === 'string' && GRAPHQL_CODES.has(code)) {
      // `http` steers Apollo's status code; it is not for clients (graphql-ws would pass it on).
      const { http: _http, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (original === undefined || original === null) {
      // A GraphQLError raised by graphql-js itself (e.g. variable coercion): the input was bad.
      return { ...formatted, extensions: { ...formatted.extensions, code: code ?? 'BAD_USER_INPUT' } };
    }
    logger.error('unexpected error while resolving', { error: original instanceof Error ? original.stack : String(original), path: formatted.path });
    return { message: 'Internal server error', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
