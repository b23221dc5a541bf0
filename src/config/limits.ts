/**
 * Every limit the gateway enforces, read from the environment. The README's "Limits and
 * guarantees" table lists the same names and defaults; keep them together.
 */
export interface GatewayLimits {
  /** KDA_RATE_LIMIT_PER_SECOND / KDA_RATE_LIMIT_BURST: a token bucket per caller (HTTP and websocket share it). */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** KDA_MAX_QUERY_DEPTH: deepest selection nesting (fragments expanded). */
  readonly maxQueryDepth: number;
  /** KDA_MAX_ALIASES: aliased fields in one document. */
  readonly maxAliases: number;
  /** KDA_MAX_BODY_BYTES: an HTTP request body. */
  readonly maxBodyBytes: number;
  /** KDA_MAX_WS_PAYLOAD_BYTES: one websocket message. */
  readonly maxWebsocketPayloadBytes: number;
  /** KDA_MAX_SUBSCRIPTIONS_PER_SOCKET: operations open at once on one websocket. */
  readonly maxSubscriptionsPerSocket: number;
  /** KDA_MAX_SUBSCRIPTIONS_PER_USER: subscriptions one user (whatever its tokens and sockets) may have open at once on one replica. */
  readonly maxSubscriptionsPerUser: number;
  /** KDA_WS_KEEPALIVE_SECONDS: how often a websocket is pinged, and how long its pong may take before the socket is dropped as dead. */
  readonly websocketKeepAliveSeconds: number;
  /** KDA_SUBSCRIPTION_BACKLOG: events one subscription may have waiting on its socket before it is ended with RESYNC_REQUIRED. */
  readonly subscriptionBacklog: number;
  /** KDA_SUBSCRIPTION_BUFFER_BYTES: bytes one websocket may hold unsent before its subscriptions are ended with RESYNC_REQUIRED. */
  readonly subscriptionBufferBytes: number;
  /** KDA_MAX_TOKENS_PER_USER: live API tokens one user may hold. */
  readonly maxActiveTokensPerUser: number;
  /** KDA_ACCESS_CACHE_SECONDS: the longest a cached access decision is used before the database is asked again. */
  readonly accessCacheSeconds: number;
  /** KDA_MAX_QUERY_COST: the most one operation may cost, priced before it runs (src/graphql/cost). */
  readonly maxQueryCost: number;
  /** KDA_MAX_RESPONSE_BYTES: the largest answer to one operation. */
  readonly maxResponseBytes: number;
  /** KDA_OPERATION_TIMEOUT_SECONDS: how long one query or mutation may run. */
  readonly operationTimeoutSeconds: number;
  /** KDA_MAX_CONCURRENT_OPERATIONS: queries and mutations of one caller running at once. */
  readonly maxConcurrentOperations: number;
  /** KDA_COST_PER_SECOND: query cost one caller may spend per second, sustained. */
  readonly costPerSecond: number;
  /** KDA_OUTBOX_MAX_EVENTS: events per cluster (and for build events) waiting while the bus is unreachable; beyond, the oldest are dropped and a resync follows. */
  readonly outboxMaxEvents: number;
  /** KDA_RELEASE_ROLLOUT_SECONDS: how long a release's workloads have to become ready before it is FAILED. */
  readonly releaseRolloutSeconds: number;
  /** KDA_RELEASE_HISTORY: revisions kept per release (each with its manifests and inventory); older ones are dropped. */
  readonly releaseHistory: number;
  /** KDA_ALERT_INTERVAL_SECONDS: how often alerts are judged again from the watch caches. */
  readonly alertIntervalSeconds: number;
  /** KDA_CLUSTER_RESYNC_SECONDS: how often each replica compares its cluster connections with the database, should the bus lose a change. */
  readonly clusterResyncSeconds: number;
  /** KDA_CLUSTER_LEASE_SECONDS: with NATS, a cluster's watching replica that stops renewing its lease is replaced after this long. */
  readonly clusterLeaseSeconds: number;
}

export const DEFAULT_LIMITS: GatewayLimits = Object.freeze({
  rateLimit: Object.freeze({ perSecond: 50, burst: 200 }),
  maxQueryDepth: 12,
  maxAliases: 40,
  maxBodyBytes: 1024 * 1024,
  maxWebsocketPayloadBytes: 1024 * 1024,
  maxSubscriptionsPerSocket: 100,
  maxSubscriptionsPerUser: 500,
  websocketKeepAliveSeconds: 12,
  subscriptionBacklog: 1000,
  subscriptionBufferBytes: 4 * 1024 * 1024,
  maxActiveTokensPerUser: 25,
  accessCacheSeconds: 5,
  maxQueryCost: 20_000,
  maxResponseBytes: 8 * 1024 * 1024,
  operationTimeoutSeconds: 15,
  maxConcurrentOperations: 4,
  costPerSecond: 20_000,
  outboxMaxEvents: 10_000,
  releaseRolloutSeconds: 600,
  releaseHistory: 20,
  alertIntervalSeconds: 10,
  clusterResyncSeconds: 30,
  clusterLeaseSeconds: 10,
});

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

interface NumberRule {
  /** Whole numbers only (counts, bytes); rates may be fractional. */
  readonly integer: boolean;
  readonly min: number;
}

function parseNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, rule: NumberRule, problems: string[]): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const valid = /^\d+(\.\d+)?$/.test(raw) && Number.isFinite(value) && (!rule.integer || Number.isInteger(value)) && value >= rule.min;
  if (!valid) {
    problems.push(`${name} must be a ${rule.integer ? 'whole number' : 'number'} of at least ${rule.min}, got ${JSON.stringify(raw)}`);
    return fallback;
  }
  return value;
}

export function parseLimits(env: NodeJS.ProcessEnv, problems: string[]): GatewayLimits {
  const whole = (min: number): NumberRule => ({ integer: true, min });
  return Object.freeze({
    rateLimit: Object.freeze({
      perSecond: parseNumber(env, 'KDA_RATE_LIMIT_PER_SECOND', DEFAULT_LIMITS.rateLimit.perSecond, { integer: false, min: 0.001 }, problems),
      burst: parseNumber(env, 'KDA_RATE_LIMIT_BURST', DEFAULT_LIMITS.rateLimit.burst, whole(1), problems),
    }),
    maxQueryDepth: parseNumber(env, 'KDA_MAX_QUERY_DEPTH', DEFAULT_LIMITS.maxQueryDepth, whole(1), problems),
    maxAliases: parseNumber(env, 'KDA_MAX_ALIASES', DEFAULT_LIMITS.maxAliases, whole(0), problems),
    // Below 1 KiB not even an introspection-free query of moderate size fits.
    maxBodyBytes: parseNumber(env, 'KDA_MAX_BODY_BYTES', DEFAULT_LIMITS.maxBodyBytes, whole(1024), problems),
    maxWebsocketPayloadBytes: parseNumber(env, 'KDA_MAX_WS_PAYLOAD_BYTES', DEFAULT_LIMITS.maxWebsocketPayloadBytes, whole(1024), problems),
    maxSubscriptionsPerSocket: parseNumber(env, 'KDA_MAX_SUBSCRIPTIONS_PER_SOCKET', DEFAULT_LIMITS.maxSubscriptionsPerSocket, whole(1), problems),
    maxSubscriptionsPerUser: parseNumber(env, 'KDA_MAX_SUBSCRIPTIONS_PER_USER', DEFAULT_LIMITS.maxSubscriptionsPerUser, whole(1), problems),
    websocketKeepAliveSeconds: parseNumber(env, 'KDA_WS_KEEPALIVE_SECONDS', DEFAULT_LIMITS.websocketKeepAliveSeconds, { integer: false, min: 0.1 }, problems),
    subscriptionBacklog: parseNumber(env, 'KDA_SUBSCRIPTION_BACKLOG', DEFAULT_LIMITS.subscriptionBacklog, whole(1), problems),
    subscriptionBufferBytes: parseNumber(env, 'KDA_SUBSCRIPTION_BUFFER_BYTES', DEFAULT_LIMITS.subscriptionBufferBytes, whole(1024), problems),
    maxActiveTokensPerUser: parseNumber(env, 'KDA_MAX_TOKENS_PER_USER', DEFAULT_LIMITS.maxActiveTokensPerUser, whole(1), problems),
    accessCacheSeconds: parseNumber(env, 'KDA_ACCESS_CACHE_SECONDS', DEFAULT_LIMITS.accessCacheSeconds, { integer: false, min: 0.1 }, problems),
    maxQueryCost: parseNumber(env, 'KDA_MAX_QUERY_COST', DEFAULT_LIMITS.maxQueryCost, whole(1), problems),
    maxResponseBytes: parseNumber(env, 'KDA_MAX_RESPONSE_BYTES', DEFAULT_LIMITS.maxResponseBytes, whole(1024), problems),
    operationTimeoutSeconds: parseNumber(env, 'KDA_OPERATION_TIMEOUT_SECONDS', DEFAULT_LIMITS.operationTimeoutSeconds, { integer: false, min: 0.001 }, problems),
    maxConcurrentOperations: parseNumber(env, 'KDA_MAX_CONCURRENT_OPERATIONS', DEFAULT_LIMITS.maxConcurrentOperations, whole(1), problems),
    costPerSecond: parseNumber(env, 'KDA_COST_PER_SECOND', DEFAULT_LIMITS.costPerSecond, whole(1), problems),
    outboxMaxEvents: parseNumber(env, 'KDA_OUTBOX_MAX_EVENTS', DEFAULT_LIMITS.outboxMaxEvents, whole(1), problems),
    releaseRolloutSeconds: parseNumber(env, 'KDA_RELEASE_ROLLOUT_SECONDS', DEFAULT_LIMITS.releaseRolloutSeconds, { integer: false, min: 0.1 }, problems),
    // Two at least: a rollback needs the revision before the current one.
    releaseHistory: parseNumber(env, 'KDA_RELEASE_HISTORY', DEFAULT_LIMITS.releaseHistory, whole(2), problems),
    alertIntervalSeconds: parseNumber(env, 'KDA_ALERT_INTERVAL_SECONDS', DEFAULT_LIMITS.alertIntervalSeconds, { integer: false, min: 0.1 }, problems),
    clusterResyncSeconds: parseNumber(env, 'KDA_CLUSTER_RESYNC_SECONDS', DEFAULT_LIMITS.clusterResyncSeconds, { integer: false, min: 1 }, problems),
    // Renewed every third of it: below a second, a slow NATS round trip would lose it.
    clusterLeaseSeconds: parseNumber(env, 'KDA_CLUSTER_LEASE_SECONDS', DEFAULT_LIMITS.clusterLeaseSeconds, { integer: false, min: 1 }, problems),
  });
}

export function parseLogLevel(env: NodeJS.ProcessEnv, problems: string[]): LogLevel {
  const raw = env.KDA_LOG_LEVEL?.trim().toLowerCase();
  if (raw === undefined || raw === '') return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  problems.push(`KDA_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env.KDA_LOG_LEVEL)}`);
  return 'info';
}
