import path from 'node:path';

/** Where the gateway keeps its state and finds its events. */
export type DatabaseConfig =
  | { readonly kind: 'mysql'; readonly url: string }
  | { readonly kind: 'embedded'; readonly file: string };

export type BusConfig = { readonly kind: 'nats'; readonly url: string } | { readonly kind: 'memory' };

export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  readonly database: DatabaseConfig;
  readonly bus: BusConfig;
  /** Bootstrap system-admin bearer token. */
  readonly adminToken: string | undefined;
  /** Key material for kubeconfigs and registry credentials at rest; `undefined` only in embedded mode (a key file is used). */
  readonly secretKey: string | undefined;
  readonly dataDir: string;
  /** Start the built-in simulated clusters and register them. */
  readonly simulator: boolean;
  /** True when neither DATABASE_URL nor NATS_URL is set: the zero-install local mode. */
  readonly embedded: boolean;
}

/** The well-known admin token of the embedded default; the README names it. */
export const EMBEDDED_ADMIN_TOKEN = 'kda-local-admin';

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

  const adminToken = env.KDA_ADMIN_TOKEN?.trim() || (embedded ? EMBEDDED_ADMIN_TOKEN : undefined);
  if (adminToken !== undefined && !embedded && adminToken.length < 16) {
    problems.push('KDA_ADMIN_TOKEN must be at least 16 characters long');
  }
  const secretKey = env.KDA_SECRET_KEY?.trim() || undefined;
  if (databaseUrl !== undefined && secretKey === undefined) {
    problems.push('KDA_SECRET_KEY is required with DATABASE_URL: it encrypts kubeconfigs at rest (e.g. `openssl rand -base64 32`)');
  }
  if (secretKey !== undefined && secretKey.length < 16) problems.push('KDA_SECRET_KEY must be at least 16 characters long');

  const simulator = parseSwitch('KDA_SIMULATOR', env.KDA_SIMULATOR, embedded, problems);
  const dataDir = path.resolve(cwd, env.KDA_DATA_DIR ?? '.data');

  if (problems.length > 0) throw new ConfigError(problems);
  const database: DatabaseConfig = databaseUrl !== undefined ? { kind: 'mysql', url: databaseUrl } : { kind: 'embedded', file: path.join(dataDir, 'kda.sqlite') };
  const bus: BusConfig = natsUrl !== undefined ? { kind: 'nats', url: natsUrl } : { kind: 'memory' };
  return Object.freeze({
    host: env.HOST ?? (embedded ? '127.0.0.1' : '0.0.0.0'),
    port,
    database,
    bus,
    adminToken,
    secretKey,
    dataDir,
    simulator,
    embedded,
  });
}
