import {
  defaultFieldResolver,
  getNullableType,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isListType,
  type GraphQLArgument,
  type GraphQLFieldConfig,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { AuditLog, NewAuditEntry } from '../domains/workspaces/index.js';
import { redactSecrets } from '../domains/workspaces/index.js';
import { DomainError } from '../shared/errors.js';
import { decodeGlobalId } from '../shared/global-id.js';
import type { Logger } from '../shared/logger.js';

/**
 * Every mutation of the schema, whoever defines it, is recorded here and nowhere else.
 *
 * Why a wrapper around the Mutation type's resolvers rather than a type-graphql global middleware:
 * type-graphql runs `@Authorized` checks *before* global middlewares, so refused attempts (the
 * FORBIDDEN ones an audit most needs) would never be seen; and a global middleware wraps every
 * field of every query in an extra promise. Wrapping the schema covers HTTP and websocket alike.
 *
 * A mutation may say what it acts on with `@Extensions({ audit: { targetType, targetIdArg } })`;
 * otherwise the target is named after the mutation (`createWorkspace` → `Workspace`) and its id is
 * the `id` argument, `input.id`, or the id of what the mutation returned.
 */
export interface AuditRecorder {
  /** Never throws: a failure to write is logged as an error. */
  record(entry: NewAuditEntry): Promise<void>;
}

export interface AuditTargetExtension {
  readonly targetType?: string;
  /** Argument (top level, or inside `input`) holding the target's id. */
  readonly targetIdArg?: string;
}

/** What the wrapper reads from each operation's context. */
interface AuditedContext {
  readonly principal: { readonly id: string; readonly displayName: string } | null;
  readonly audit: AuditRecorder;
}

const LIMITS = { actorName: 200, action: 100, targetType: 64, targetId: 255, workspaceId: 64, outcome: 64, message: 1024 } as const;
/** Under MySQL's TEXT limit of 65,535 bytes. */
const MAX_VARIABLES_BYTES = 60_000;

export function createAuditRecorder(log: AuditLog, logger: Logger): AuditRecorder {
  return {
    async record(entry) {
      try {
        await log.append(entry);
      } catch (error) {
        logger.error('cannot write audit entry', {
          action: entry.action,
          actorId: entry.actorId,
          targetId: entry.targetId,
          outcome: entry.outcome,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
  };
}

function clip(value: string | null, max: number): string | null {
  return value === null || value.length <= max ? value : value.slice(0, max);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The log keeps local keys (a global id argument is decoded), as the rows and the filters do. */
function stringArg(args: Record<string, unknown>, name: string): string | null {
  const value = args[name] ?? asRecord(args.input)[name];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? (decodeGlobalId(value)?.localKey ?? value) : null;
}

function idOfResult(result: unknown): string | null {
  if (typeof result === 'string') return result;
  const object = asRecord(result);
  if (typeof object.id === 'string') return object.id;
  // A payload wrapping the object, e.g. { token, apiToken: { id } }.
  for (const value of Object.values(object)) {
    const nested = asRecord(value);
    if (typeof nested.id === 'string') return nested.id;
  }
  return null;
}

/** `createWorkspace` → `Workspace`, `addWorkspaceMember` → `WorkspaceMember`. */
function nounOf(mutation: string): string {
  return mutation.replace(/^[a-z]+/, '') || mutation;
}

function outcomeOf(error: unknown): { code: string; message: string } {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof DomainError) return { code: current.code, message: current.message };
    if (current instanceof GraphQLError && typeof current.extensions.code === 'string') return { code: current.extensions.code, message: current.message };
    current = current instanceof GraphQLError ? current.originalError : current.cause;
  }
  // What the caller was told (errors.ts hides the details); the details are in the server log.
  return { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
}

/**
 * An argument as the client wrote it: enum values by their GraphQL names (`DEPLOYMENT`, not the
 * internal `Deployment`), times as UTC text. Resolvers receive the internal forms.
 */
function asSent(value: unknown, type: GraphQLInputType): unknown {
  const nullable = getNullableType(type);
  if (value === null || value === undefined) return value;
  if (isListType(nullable)) return Array.isArray(value) ? value.map((item) => asSent(item, nullable.ofType)) : asSent(value, nullable.ofType);
  if (isEnumType(nullable)) return nullable.serialize(value);
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    return Object.fromEntries(Object.entries(asRecord(value)).map(([key, item]) => [key, fields[key] === undefined ? item : asSent(item, fields[key].type)]));
  }
  return value instanceof Date ? value.toISOString() : value;
}

function argumentsAsSent(args: Record<string, unknown>, definitions: readonly GraphQLArgument[]): Record<string, unknown> {
  const types = new Map(definitions.map((definition) => [definition.name, definition.type]));
  return Object.fromEntries(Object.entries(args).map(([name, value]) => [name, types.has(name) ? asSent(value, types.get(name)!) : value]));
}

function variablesJson(args: Record<string, unknown>): string {
  const json = JSON.stringify(redactSecrets(args)) ?? '{}';
  const bytes = Buffer.byteLength(json);
  return bytes <= MAX_VARIABLES_BYTES ? json : JSON.stringify({ truncated: true, bytes });
}

function entryOf(field: string, extension: AuditTargetExtension, context: AuditedContext, args: Record<string, unknown>, at: Date, result: unknown, error: unknown): NewAuditEntry {
  const targetType = extension.targetType ?? nounOf(field);
  const targetId =
    (extension.targetIdArg === undefined ? null : stringArg(args, extension.targetIdArg)) ?? stringArg(args, 'id') ?? (error === undefined ? idOfResult(result) : null);
  const workspaceId = stringArg(args, 'workspaceId') ?? (targetType === 'Workspace' ? targetId : null);
  const outcome = error === undefined ? { code: 'OK', message: null } : outcomeOf(error);
  return {
    at,
    actorId: clip(context.principal?.id ?? null, LIMITS.workspaceId),
    actorName: clip(context.principal?.displayName ?? 'anonymous', LIMITS.actorName) ?? 'anonymous',
    action: clip(field, LIMITS.action) ?? field,
    targetType: clip(targetType, LIMITS.targetType),
    targetId: clip(targetId, LIMITS.targetId),
    workspaceId: clip(workspaceId, LIMITS.workspaceId),
    outcome: clip(outcome.code, LIMITS.outcome) ?? 'UNKNOWN',
    message: clip(outcome.message, LIMITS.message),
    variables: variablesJson(args),
  };
}

function audited(
  name: string,
  field: { resolve?: GraphQLFieldConfig<unknown, unknown>['resolve']; extensions?: unknown; args?: readonly GraphQLArgument[] },
  now: () => Date,
): GraphQLFieldConfig<unknown, unknown>['resolve'] {
  const resolve = field.resolve ?? defaultFieldResolver;
  const extension = asRecord(asRecord(field.extensions).audit) as AuditTargetExtension;
  return async (source, args: Record<string, unknown>, rawContext, info) => {
    const context = rawContext as AuditedContext;
    // An unaudited mutation must not run: fail loudly if the composition root forgot the recorder.
    if (typeof context?.audit?.record !== 'function') throw new Error('the request context has no audit recorder');
    const at = now();
    const sent = argumentsAsSent(args, field.args ?? []);
    let result: unknown;
    try {
      result = await resolve(source, args, rawContext, info);
    } catch (error) {
      await context.audit.record(entryOf(name, extension, context, sent, at, undefined, error ?? new Error('unknown error')));
      throw error;
    }
    await context.audit.record(entryOf(name, extension, context, sent, at, result, undefined));
    return result;
  };
}

/** Wraps every field of the Mutation type (once; called by buildGatewaySchema). */
export function auditMutations(schema: GraphQLSchema, now: () => Date = () => new Date()): void {
  const mutation = schema.getMutationType();
  if (!mutation) return;
  for (const [name, field] of Object.entries(mutation.getFields())) {
    field.resolve = audited(name, field, now);
  }
}
