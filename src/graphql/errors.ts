import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../shared/errors.js';
import { toGlobalId } from '../shared/global-id.js';
import type { Logger } from '../shared/logger.js';
import { fieldOfRefusedValue } from './refused-value-field.js';

/** Codes the edge itself raises (limits, Apollo's request checks); their messages are written for clients. */
const GRAPHQL_CODES = new Set([
  'RATE_LIMITED',
  'SUBSCRIPTION_LIMIT_EXCEEDED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

export interface ErrorFormatterOptions {
  /** KDA_DEBUG_ERRORS: show internal messages and stack traces (development only). */
  readonly debugErrors?: boolean;
}

export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

function findDomainError(error: unknown): DomainError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof DomainError) return current;
    current = current instanceof GraphQLError ? current.originalError : current.cause;
  }
  return undefined;
}

/** Ids a domain error names (e.g. the cluster that cannot answer), shown as the graph shows ids: global. */
const ID_DETAILS: Readonly<Record<string, string>> = { clusterId: 'Cluster', registryId: 'Registry' };

function detailsForClients(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...details };
  for (const [key, typeName] of Object.entries(ID_DETAILS)) {
    if (typeof shown[key] === 'string') shown[key] = toGlobalId(typeName, shown[key]);
  }
  return shown;
}

/** A GraphQLError thrown on purpose with its own code (not the INTERNAL_SERVER_ERROR Apollo fills in). */
function hasOwnCode(error: unknown): boolean {
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR';
}

/** `http` steers Apollo's status code and `stacktrace` is Apollo's debugging aid: neither is for clients. */
function publicExtensions(formatted: GraphQLFormattedError): Record<string, unknown> {
  const { http: _http, stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
  return extensions;
}

/**
 * The one place that decides what a client sees of an error, on HTTP and websocket alike: domain
 * errors keep their message and become `extensions.code`; errors raised on purpose with a code
 * (GraphQL's syntax and validation errors, the edge's limits) pass; anything else is logged with an
 * `errorId` and shown as a generic INTERNAL_SERVER_ERROR carrying the same id, so a user's report
 * finds the log line. `debugErrors` shows the real message and stack as well.
 */
export function createErrorFormatter(logger: Logger, options: ErrorFormatterOptions = {}): ErrorFormatter {
  return (formatted, error) => {
    const domainError = findDomainError(error);
    if (domainError !== undefined) {
      return { ...formatted, message: domainError.message, extensions: { ...detailsForClients(domainError.details), code: domainError.code } };
    }
    const code = formatted.extensions?.code;
    const original = error instanceof GraphQLError ? error.originalError : error;
    // A value the schema itself refused (a malformed DateTime, an unknown enum value): bad input, named like any other.
    const refusedField = error instanceof GraphQLError && (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED') ? fieldOfRefusedValue(error) : undefined;
    if (refusedField !== undefined) {
      return { ...formatted, extensions: { ...publicExtensions(formatted), code: 'BAD_USER_INPUT', field: refusedField } };
    }
    if ((typeof code === 'string' && GRAPHQL_CODES.has(code)) || (original !== undefined && original !== null && hasOwnCode(original))) {
      return { ...formatted, extensions: publicExtensions(formatted) };
    }
    if (original === undefined || original === null) {
      // A GraphQLError raised by graphql-js itself (e.g. variable coercion): the input was bad.
      return { ...formatted, extensions: { ...publicExtensions(formatted), code: typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' ? code : 'BAD_USER_INPUT' } };
    }
    const errorId = randomUUID();
    const stack = original instanceof Error ? (original.stack ?? original.message) : inspect(original);
    logger.error('unexpected error', { errorId, error: stack, ...(formatted.path ? { path: formatted.path } : {}) });
    const debug = options.debugErrors === true ? { stacktrace: stack.split('\n') } : {};
    return {
      message: options.debugErrors === true && original instanceof Error ? original.message : INTERNAL_ERROR_MESSAGE,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId, ...debug },
    };
  };
}
