import path from 'node:path';
import { parseOutboundConfig, type OutboundConfig } from './outbound.js';
import { chooseAdminToken, type AdminTokenSource } from './admin-token.js';
import { parseCorsOrigins } from './cors.js';
import { parseLimits, parseLogLevel, type GatewayLimits, type LogLevel } from './limits.js';

export { adminTokenBannerLine, EMBEDDED_ADMIN_TOKEN, isLoopbackHost, type AdminTokenSource } from './admin-token.js';
export { DEFAULT_LIMITS, type GatewayLimits, type LogLevel } from './limits.js';

/** Where the gateway keeps its state and finds its events. */
export type DatabaseConfig =
  /**
   * `connectionLimit`: size of the connection pool (10 when absent); `queueLimit`: requests that may wait
   * for a connection (100); `acquireTimeoutMs`: how long one waits before the request fails as UNAVAILABLE (10 s).
   */
  | { readonly kind: 'mysql'; readonly url: string; readonly connectionLimit?: number; readonly queueLimit?: number; readonly acquireTimeoutMs?: number }
  | { readonly kind: 'embedded'; readonly file: string };

export type BusConfig = { readonly kind: 'nats'; readonly url: string } | { readonly kind: 'memory' };

/** Where spans go: OTLP over HTTP (JSON), or stdout. */
export interface TracingSettings {
  readonly exporter: 'otlp' | 'console';
  /** The traces URL; absent: the exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT itself. */
  readonly endpoint?: string;
}

export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  readonly database: DatabaseConfig;
  readonly bus: BusConfig;
  /** Bootstrap system-admin bearer token. */
  readonly adminToken: string | undefined;
  /** Where `adminToken` came from; the start banner prints it unless an operator chose it. */
  readonly adminTokenSource?: AdminTokenSource | undefined;
  /** Key material for kubeconfigs and registry credentials at rest; `undefined` only in embedded mode (a key file is used). */
  readonly secretKey: string | undefined;
  readonly dataDir: string;
  /** Start the built-in simulated clusters and register them. */
  readonly simulator: boolean;
  /** Accept kubeconfigs whose users run exec/auth-provider plugins (they run programs on the gateway host). */
  readonly allowExecCredentials?: boolean;
  /** True when neither DATABASE_URL nor NATS_URL is set: the zero-install local mode. */
  readonly embedded: boolean;
  /** Which JWTs are accepted as bearer tokens; none when absent. */
  readonly jwt?: JwtConfig;
  /** KDA_REGISTRY_URL: the platform's own registry, registered as the BUILTIN one at start. */
  readonly registryUrl?: string;
  /** KDA_BUILD_LOG_RETENTION_DAYS: stored build log lines of runs finished longer ago are dropped (default 30). */
  readonly buildLogRetentionDays?: number;
  /** Request, operation and rate limits (DEFAULT_LIMITS when absent). */
  readonly limits?: GatewayLimits;
  /** KDA_CORS_ORIGINS: exact browser origins allowed to call with credentials; none when absent. */
  readonly corsOrigins?: readonly string[];
  /** OpenTelemetry tracing; off when absent (no OTEL_ variable asks for it). */
  readonly tracing?: TracingSettings;
  /** KDA_DEBUG_ERRORS: internal error messages and stack traces in responses (development only). */
  readonly debugErrors?: boolean;
  /** KDA_LOG_LEVEL (default info). */
  readonly logLevel?: LogLevel;
  /** KDA_MAX_PAGE_SIZE: the largest `first`/`last` a connection accepts (default 500). */
  readonly maxPageSize?: number;
  /** Kubeconfig allowances and egress allowances; everything refused when absent. */
  readonly outbound?: OutboundConfig;
  /** Usage collection and history (DEFAULT_METRICS when absent). */
  readonly metrics?: MetricsConfig;
}

export interface MetricsConfig {
  /** KDA_METRICS_INTERVAL_SECONDS: how often each cluster's metrics.k8s.io is polled (default 15). */
  readonly intervalSeconds: number;
  /** KDA_METRICS_FINE_RETENTION_HOURS: how long each sample is kept (default 24). */
  readonly fineRetentionHours: number;
  /** KDA_METRICS_COARSE_RETENTION_DAYS: how long the 1-hour rollups are kept (default 30). */
  readonly coarseRetentionDays: number;
}

export const DEFAULT_METRICS: MetricsConfig = Object.freeze({ intervalSeconds: 15, fineRetentionHours: 24, coarseRetentionDays: 30 });

function parseMetricsConfig(env: NodeJS.ProcessEnv, problems: string[]): MetricsConfig {
  const read = (name: string, fallback: number, min: number, max: number, unit: string): number => {
    const raw = env[name]?.trim() || undefined;
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number of ${unit} from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const intervalSeconds = read('KDA_METRICS_INTERVAL_SECONDS', DEFAULT_METRICS.intervalSeconds, 1, 3600, 'seconds');
  const fineRetentionHours = read('KDA_METRICS_FINE_RETENTION_HOURS', DEFAULT_METRICS.fineRetentionHours, 1, 24 * 14, 'hours');
  const coarseRetentionDays = read('KDA_METRICS_COARSE_RETENTION_DAYS', DEFAULT_METRICS.coarseRetentionDays, 1, 3660, 'days');
  if (coarseRetentionDays * 24 < fineRetentionHours) problems.push('KDA_METRICS_COARSE_RETENTION_DAYS must cover at least KDA_METRICS_FINE_RETENTION_HOURS');
  return { intervalSeconds, fineRetentionHours, coarseRetentionDays };
}

/** KDA_DB_POOL_SIZE, KDA_DB_QUEUE_LIMIT, KDA_DB_ACQUIRE_TIMEOUT_SECONDS: the MySQL/MariaDB pool's bounds (defaults in src/infra/db/data-source.ts). */
function parsePoolBounds(env: NodeJS.ProcessEnv, problems: string[]): { connectionLimit?: number; queueLimit?: number; acquireTimeoutMs?: number } {
  const read = (name: string, min: number, max: number, integer: boolean): number | undefined => {
    const raw = env[name]?.trim() || undefined;
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      problems.push(`${name} must be a ${integer ? 'whole number' : 'number'} from ${min} to ${max}`);
      return undefined;
    }
    return value;
  };
  const connectionLimit = read('KDA_DB_POOL_SIZE', 1, 1000, true);
  const queueLimit = read('KDA_DB_QUEUE_LIMIT', 1, 100_000, true);
  const acquireSeconds = read('KDA_DB_ACQUIRE_TIMEOUT_SECONDS', 0.1, 3600, false);
  return {
    ...(connectionLimit !== undefined ? { connectionLimit } : {}),
    ...(queueLimit !== undefined ? { queueLimit } : {}),
    ...(acquireSeconds !== undefined ? { acquireTimeoutMs: Math.round(acquireSeconds * 1000) } : {}),
  };
}

export interface JwtConfig {
  /** KDA_JWT_SECRET, with optional KDA_JWT_ISSUER / KDA_JWT_AUDIENCE that tokens must then carry. */
  readonly hs256?: { readonly secret: string; readonly issuer?: string | undefined; readonly audience?: string | undefined } | undefined;
  /** KDA_OIDC_ISSUER and KDA_OIDC_AUDIENCE: keys found through the issuer's discovery document. */
  readonly oidc?: { readonly issuer: string; readonly audience: string } | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseSwitch(name: string, raw: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (raw === undefined || raw === '') return fallback;
  const value = raw.toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(value)) return true;
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  problems.push(`${name} must be on or off, got ${JSON.stringify(raw)}`);
  return fallback;
}

function parseJwtConfig(env: NodeJS.ProcessEnv, problems: string[]): JwtConfig | undefined {
  const secret = env.KDA_JWT_SECRET?.trim() || undefined;
  const hsIssuer = env.KDA_JWT_ISSUER?.trim() || undefined;
  const hsAudience = env.KDA_JWT_AUDIENCE?.trim() || undefined;
  const issuer = env.KDA_OIDC_ISSUER?.trim() || undefined;
  const audience = env.KDA_OIDC_AUDIENCE?.trim() || undefined;
  // HS256 is as strong as its secret: 32 bytes is what RFC 7518 §3.2 asks for.
  if (secret !== undefined && Buffer.byteLength(secret) < 32) problems.push('KDA_JWT_SECRET must be at least 32 bytes long');
  if (secret === undefined && (hsIssuer !== undefined || hsAudience !== undefined)) problems.push('KDA_JWT_ISSUER and KDA_JWT_AUDIENCE need KDA_JWT_SECRET');
  if (issuer !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(issuer);
    } catch {
      problems.push(`KDA_OIDC_ISSUER must be a URL, got ${JSON.stringify(issuer)}`);
    }
    // Keys fetched over plain HTTP could be swapped on the way; only a local issuer may skip TLS.
    if (url !== undefined && url.protocol !== 'https:' && !(url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))) {
      problems.push('KDA_OIDC_ISSUER must be an https:// URL');
    }
    if (audience === undefined) problems.push('KDA_OIDC_AUDIENCE is required with KDA_OIDC_ISSUER: the client id tokens must be issued for');
  } else if (audience !== undefined) problems.push('KDA_OIDC_AUDIENCE needs KDA_OIDC_ISSUER');
  if (secret === undefined && issuer === undefined) return undefined;
  return {
    ...(secret !== undefined ? { hs256: { secret, issuer: hsIssuer, audience: hsAudience } } : {}),
    ...(issuer !== undefined && audience !== undefined ? { oidc: { issuer, audience } } : {}),
  };
}

/** Reads the environment once; lists every problem at once instead of failing on the first. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): GatewayConfig {
  const problems: string[] = [];
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const natsUrl = env.NATS_URL?.trim() || undefined;
  const embedded = databaseUrl === undefined && natsUrl === undefined;

  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a port number, got ${JSON.stringify(env.PORT)}`);

  if (databaseUrl !== undefined && !/^(mysql|mariadb):\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must look like mysql://user:password@host:3306/database');
  }
  if (natsUrl !== undefined && !/^(nats|tls):\/\//.test(natsUrl)) problems.push('NATS_URL must look like nats://host:4222');

  const host = env.HOST?.trim() || (embedded ? '127.0.0.1' : '0.0.0.0');
  const { adminToken, adminTokenSource } = chooseAdminToken(env.KDA_ADMIN_TOKEN, embedded, host, problems);
  const secretKey = env.KDA_SECRET_KEY?.trim() || undefined;
  if (databaseUrl !== undefined && secretKey === undefined) {
    problems.push('KDA_SECRET_KEY is required with DATABASE_URL: it encrypts kubeconfigs at rest (e.g. `openssl rand -base64 32`)');
  }
  if (secretKey !== undefined && secretKey.length < 16) problems.push('KDA_SECRET_KEY must be at least 16 characters long');

  const jwt = parseJwtConfig(env, problems);
  const simulator = parseSwitch('KDA_SIMULATOR', env.KDA_SIMULATOR, embedded, problems);
  const allowExecCredentials = parseSwitch('KDA_ALLOW_EXEC_CREDENTIALS', env.KDA_ALLOW_EXEC_CREDENTIALS, false, problems);
  const outbound = parseOutboundConfig(env, problems);
  const dataDir = path.resolve(cwd, env.KDA_DATA_DIR ?? '.data');
  const registryUrl = env.KDA_REGISTRY_URL?.trim() || undefined;
  if (registryUrl !== undefined && !/^https?:\/\/[^/]+/.test(registryUrl)) problems.push('KDA_REGISTRY_URL must look like https://registry.example.com');
  const retentionRaw = env.KDA_BUILD_LOG_RETENTION_DAYS?.trim() || undefined;
  const buildLogRetentionDays = retentionRaw === undefined ? undefined : Number(retentionRaw);
  if (buildLogRetentionDays !== undefined && (!Number.isInteger(buildLogRetentionDays) || buildLogRetentionDays < 1))
    problems.push('KDA_BUILD_LOG_RETENTION_DAYS must be a whole number of days, at least 1');

  const limits = parseLimits(env, problems);
  const poolBounds = parsePoolBounds(env, problems);
  const metrics = parseMetricsConfig(env, problems);
  const corsOrigins = parseCorsOrigins(env.KDA_CORS_ORIGINS, problems);
  // Its own switch, not NODE_ENV: a forgotten NODE_ENV must never put stack traces in responses.
  const debugErrors = parseSwitch('KDA_DEBUG_ERRORS', env.KDA_DEBUG_ERRORS, false, problems);
  const logLevel = parseLogLevel(env, problems);
  const tracing = parseTracing(env, problems);
  const maxPageSizeRaw = env.KDA_MAX_PAGE_SIZE?.trim() || undefined;
  const maxPageSize = maxPageSizeRaw === undefined ? undefined : Number(maxPageSizeRaw);
  if (maxPageSize !== undefined && (!Number.isInteger(maxPageSize) || maxPageSize < 1 || maxPageSize > 100_000))
    problems.push('KDA_MAX_PAGE_SIZE must be a whole number from 1 to 100000');

  if (problems.length > 0) throw new ConfigError(problems);
  const database: DatabaseConfig = databaseUrl !== undefined ? { kind: 'mysql', url: databaseUrl, ...poolBounds } : { kind: 'embedded', file: path.join(dataDir, 'kda.sqlite') };
  const bus: BusConfig = natsUrl !== undefined ? { kind: 'nats', url: natsUrl } : { kind: 'memory' };
  return Object.freeze({
    host,
    port,
    database,
    bus,
    adminToken,
    adminTokenSource,
    secretKey,
    dataDir,
    simulator,
    allowExecCredentials,
    outbound,
    embedded,
    ...(jwt !== undefined ? { jwt } : {}),
    ...(registryUrl !== undefined ? { registryUrl } : {}),
    ...(buildLogRetentionDays !== undefined ? { buildLogRetentionDays } : {}),
    limits,
    corsOrigins,
    debugErrors,
    logLevel,
    ...(maxPageSize !== undefined ? { maxPageSize } : {}),
    ...(tracing !== undefined ? { tracing } : {}),
    metrics,
  });
}

/**
 * The standard variables decide: OTEL_TRACES_EXPORTER (`otlp`, `console`, `none`), else any OTLP
 * endpoint turns OTLP on; OTEL_SDK_DISABLED=true turns everything off.
 */
function parseTracing(env: NodeJS.ProcessEnv, problems: string[]): TracingSettings | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() || undefined;
  if (exporter === 'none') return undefined;
  if (exporter === 'otlp' || exporter === 'console') return { exporter };
  if (exporter !== undefined) {
    problems.push(`OTEL_TRACES_EXPORTER must be otlp, console or none, got ${JSON.stringify(env.OTEL_TRACES_EXPORTER)}`);
    return undefined;
  }
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return endpoint ? { exporter: 'otlp' } : undefined;
}
