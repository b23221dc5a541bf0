import { ConfigError, DEFAULT_LIMITS, EMBEDDED_ADMIN_TOKEN, loadConfig } from './config.js';

describe('configuration', () => {
  test('no environment: the embedded default, on loopback, with the simulator and the well-known token', () => {
    const config = loadConfig({}, '/srv/kda');
    expect(config).toMatchObject({
      embedded: true,
      host: '127.0.0.1',
      port: 4000,
      database: { kind: 'embedded', file: '/srv/kda/.data/kda.sqlite' },
      bus: { kind: 'memory' },
      adminToken: EMBEDDED_ADMIN_TOKEN,
      simulator: true,
      allowExecCredentials: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('production: MySQL and NATS, no simulator, no default token, listening on every interface', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://kda:pw@db:3306/kda',
      NATS_URL: 'nats://nats:4222',
      KDA_SECRET_KEY: 'a-long-enough-secret-key',
      KDA_ALLOW_EXEC_CREDENTIALS: 'on',
    });
    expect(config).toMatchObject({
      embedded: false,
      host: '0.0.0.0',
      database: { kind: 'mysql' },
      bus: { kind: 'nats' },
      adminToken: undefined,
      simulator: false,
      allowExecCredentials: true,
    });
  });

  test('every problem is listed at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://x', NATS_URL: 'http://nats', KDA_ADMIN_TOKEN: 'short', KDA_SIMULATOR: 'maybe' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'NATS_URL', 'KDA_ADMIN_TOKEN', 'KDA_SECRET_KEY', 'KDA_SIMULATOR']) expect(problems).toContain(name);
  });

  test('KDA_MAX_PAGE_SIZE: a whole number from 1 on; unset leaves the default to the pagination helper', () => {
    expect(loadConfig({}, '/srv/kda').maxPageSize).toBeUndefined();
    expect(loadConfig({ KDA_MAX_PAGE_SIZE: '20' }, '/srv/kda').maxPageSize).toBe(20);
    for (const bad of ['0', '-5', '2.5', 'many']) expect(() => loadConfig({ KDA_MAX_PAGE_SIZE: bad }, '/srv/kda')).toThrow(/KDA_MAX_PAGE_SIZE/);
  });

  test('KDA_METRICS_*: the poll interval and both retentions, whole numbers in range, with defaults', () => {
    expect(loadConfig({}, '/srv/kda').metrics).toEqual({ intervalSeconds: 15, fineRetentionHours: 24, coarseRetentionDays: 30 });
    expect(loadConfig({ KDA_METRICS_INTERVAL_SECONDS: '30', KDA_METRICS_FINE_RETENTION_HOURS: '48', KDA_METRICS_COARSE_RETENTION_DAYS: '90' }, '/srv/kda').metrics).toEqual({
      intervalSeconds: 30,
      fineRetentionHours: 48,
      coarseRetentionDays: 90,
    });
    for (const bad of ['0', '-1', '1.5', 'often']) expect(() => loadConfig({ KDA_METRICS_INTERVAL_SECONDS: bad }, '/srv/kda')).toThrow(/KDA_METRICS_INTERVAL_SECONDS/);
    expect(() => loadConfig({ KDA_METRICS_FINE_RETENTION_HOURS: '72', KDA_METRICS_COARSE_RETENTION_DAYS: '2' }, '/srv/kda')).toThrow(/must cover/);
  });
});

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env, '/srv/kda');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('limits, log level and error detail', () => {
  test('defaults when unset', () => {
    const config = loadConfig({}, '/srv/kda');
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(config.limits).toEqual({
      rateLimit: { perSecond: 50, burst: 200 },
      maxQueryDepth: 12,
      maxAliases: 40,
      maxBodyBytes: 1_048_576,
      maxWebsocketPayloadBytes: 1_048_576,
      maxSubscriptionsPerSocket: 100,
      maxSubscriptionsPerUser: 500,
      websocketKeepAliveSeconds: 12,
      subscriptionBacklog: 1000,
      subscriptionBufferBytes: 4_194_304,
      maxActiveTokensPerUser: 25,
      accessCacheSeconds: 5,
      maxQueryCost: 20_000,
      maxResponseBytes: 8_388_608,
      operationTimeoutSeconds: 15,
      maxConcurrentOperations: 4,
      costPerSecond: 20_000,
      outboxMaxEvents: 10_000,
      releaseRolloutSeconds: 600,
      alertIntervalSeconds: 10,
      releaseHistory: 20,
      clusterResyncSeconds: 30,
      clusterLeaseSeconds: 10,
    });
    expect(config.logLevel).toBe('info');
    expect(config.debugErrors).toBe(false);
    expect(config.corsOrigins).toEqual([]);
  });

  test('every limit is read from its variable', () => {
    const config = loadConfig(
      {
        KDA_RATE_LIMIT_PER_SECOND: '2.5',
        KDA_RATE_LIMIT_BURST: '10',
        KDA_MAX_QUERY_DEPTH: '6',
        KDA_MAX_ALIASES: '0',
        KDA_MAX_BODY_BYTES: '65536',
        KDA_MAX_WS_PAYLOAD_BYTES: '32768',
        KDA_MAX_SUBSCRIPTIONS_PER_SOCKET: '5',
        KDA_MAX_SUBSCRIPTIONS_PER_USER: '20',
        KDA_WS_KEEPALIVE_SECONDS: '2.5',
        KDA_SUBSCRIPTION_BACKLOG: '50',
        KDA_SUBSCRIPTION_BUFFER_BYTES: '65536',
        KDA_MAX_TOKENS_PER_USER: '3',
        KDA_ACCESS_CACHE_SECONDS: '0.5',
        KDA_MAX_QUERY_COST: '500',
        KDA_MAX_RESPONSE_BYTES: '4096',
        KDA_OPERATION_TIMEOUT_SECONDS: '2.5',
        KDA_MAX_CONCURRENT_OPERATIONS: '2',
        KDA_COST_PER_SECOND: '1000',
        KDA_OUTBOX_MAX_EVENTS: '250',
        KDA_RELEASE_ROLLOUT_SECONDS: '30',
        KDA_ALERT_INTERVAL_SECONDS: '2.5',
        KDA_RELEASE_HISTORY: '5',
        KDA_CLUSTER_RESYNC_SECONDS: '90',
        KDA_CLUSTER_LEASE_SECONDS: '4',
        KDA_LOG_LEVEL: 'DEBUG',
        KDA_DEBUG_ERRORS: 'on',
      },
      '/srv/kda',
    );
    expect(config.limits).toEqual({
      rateLimit: { perSecond: 2.5, burst: 10 },
      maxQueryDepth: 6,
      maxAliases: 0,
      maxBodyBytes: 65536,
      maxWebsocketPayloadBytes: 32768,
      maxSubscriptionsPerSocket: 5,
      maxSubscriptionsPerUser: 20,
      websocketKeepAliveSeconds: 2.5,
      subscriptionBacklog: 50,
      subscriptionBufferBytes: 65536,
      maxActiveTokensPerUser: 3,
      accessCacheSeconds: 0.5,
      maxQueryCost: 500,
      maxResponseBytes: 4096,
      operationTimeoutSeconds: 2.5,
      maxConcurrentOperations: 2,
      costPerSecond: 1000,
      outboxMaxEvents: 250,
      releaseRolloutSeconds: 30,
      releaseHistory: 5,
      alertIntervalSeconds: 2.5,
      clusterResyncSeconds: 90,
      clusterLeaseSeconds: 4,
    });
    expect(config.logLevel).toBe('debug');
    expect(config.debugErrors).toBe(true);
    expect(Object.isFrozen(config.limits)).toBe(true);
  });

  test('bad values are all listed, each naming its variable', () => {
    const problems = problemsOf({
      KDA_RATE_LIMIT_PER_SECOND: '0',
      KDA_RATE_LIMIT_BURST: '1.5',
      KDA_MAX_QUERY_DEPTH: 'deep',
      KDA_MAX_ALIASES: '-1',
      KDA_MAX_BODY_BYTES: '1e6',
      KDA_MAX_WS_PAYLOAD_BYTES: '100',
      KDA_MAX_SUBSCRIPTIONS_PER_SOCKET: '0',
      KDA_MAX_SUBSCRIPTIONS_PER_USER: '0',
      KDA_WS_KEEPALIVE_SECONDS: '0',
      KDA_SUBSCRIPTION_BACKLOG: '0',
      KDA_SUBSCRIPTION_BUFFER_BYTES: '512',
      KDA_MAX_QUERY_COST: '0',
      KDA_MAX_RESPONSE_BYTES: '10',
      KDA_OPERATION_TIMEOUT_SECONDS: 'forever',
      KDA_MAX_CONCURRENT_OPERATIONS: '0.5',
      KDA_COST_PER_SECOND: '-5',
      KDA_OUTBOX_MAX_EVENTS: '0',
      KDA_RELEASE_ROLLOUT_SECONDS: 'soon',
      KDA_RELEASE_HISTORY: '1',
      KDA_ALERT_INTERVAL_SECONDS: '0',
      KDA_LOG_LEVEL: 'verbose',
      KDA_DEBUG_ERRORS: 'sometimes',
    }).join('\n');
    for (const name of [
      'KDA_RATE_LIMIT_PER_SECOND',
      'KDA_RATE_LIMIT_BURST',
      'KDA_MAX_QUERY_DEPTH',
      'KDA_MAX_ALIASES',
      'KDA_MAX_BODY_BYTES',
      'KDA_MAX_QUERY_COST',
      'KDA_MAX_RESPONSE_BYTES',
      'KDA_OPERATION_TIMEOUT_SECONDS',
      'KDA_MAX_CONCURRENT_OPERATIONS',
      'KDA_COST_PER_SECOND',
      'KDA_MAX_WS_PAYLOAD_BYTES',
      'KDA_MAX_SUBSCRIPTIONS_PER_SOCKET',
      'KDA_MAX_SUBSCRIPTIONS_PER_USER',
      'KDA_WS_KEEPALIVE_SECONDS',
      'KDA_SUBSCRIPTION_BACKLOG',
      'KDA_SUBSCRIPTION_BUFFER_BYTES',
      'KDA_OUTBOX_MAX_EVENTS',
      'KDA_RELEASE_ROLLOUT_SECONDS',
      'KDA_RELEASE_HISTORY',
      'KDA_ALERT_INTERVAL_SECONDS',
      'KDA_LOG_LEVEL',
      'KDA_DEBUG_ERRORS',
    ]) {
      expect(problems).toContain(name);
    }
  });

  test('NODE_ENV alone never turns on error detail', () => {
    expect(loadConfig({ NODE_ENV: 'development' }, '/srv/kda').debugErrors).toBe(false);
  });
});

describe('CORS origins', () => {
  test('exact origins, normalized as browsers send them, duplicates dropped', () => {
    const config = loadConfig({ KDA_CORS_ORIGINS: ' https://App.Example.com , http://localhost:3000,https://app.example.com:443 ' }, '/srv/kda');
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:3000']);
  });

  test('a wildcard, a path, credentials or another scheme is a configuration error', () => {
    for (const bad of [
      '*',
      'https://*.example.com',
      'https://app.example.com/',
      'https://app.example.com/graphql',
      'app.example.com',
      'ftp://app.example.com',
      'https://user:pw@app.example.com',
    ]) {
      expect(problemsOf({ KDA_CORS_ORIGINS: `http://localhost:3000,${bad}` })).toEqual([expect.stringContaining('KDA_CORS_ORIGINS')]);
    }
  });
});

describe('the embedded admin token', () => {
  test('on loopback: the well-known token, pre-fillable and printable', () => {
    for (const HOST of [undefined, '127.0.0.1', 'localhost', '::1']) {
      const config = loadConfig(HOST === undefined ? {} : { HOST }, '/srv/kda');
      expect([config.adminToken, config.adminTokenSource]).toEqual([EMBEDDED_ADMIN_TOKEN, 'well-known']);
    }
  });

  test('on any other address: a random token for this start, or the operator’s own', () => {
    const first = loadConfig({ HOST: '0.0.0.0' }, '/srv/kda');
    const second = loadConfig({ HOST: '0.0.0.0' }, '/srv/kda');
    expect(first.adminTokenSource).toBe('generated');
    expect(first.adminToken).not.toBe(EMBEDDED_ADMIN_TOKEN);
    expect(first.adminToken?.length).toBeGreaterThanOrEqual(32);
    expect(second.adminToken).not.toBe(first.adminToken);
    expect(loadConfig({ HOST: '192.168.1.5', KDA_ADMIN_TOKEN: 'an-operator-chosen-token' }, '/srv/kda')).toMatchObject({
      adminToken: 'an-operator-chosen-token',
      adminTokenSource: 'environment',
    });
  });

  test('the well-known token, or a short one, is refused off loopback', () => {
    expect(problemsOf({ HOST: '0.0.0.0', KDA_ADMIN_TOKEN: EMBEDDED_ADMIN_TOKEN })).toEqual([expect.stringContaining('well-known')]);
    expect(problemsOf({ HOST: '::', KDA_ADMIN_TOKEN: 'short' })).toEqual([expect.stringContaining('at least 16 characters')]);
    expect(problemsOf({ KDA_ADMIN_TOKEN: 'short' })).toEqual([]);
  });
});
