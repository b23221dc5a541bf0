import { ConfigError, EMBEDDED_ADMIN_TOKEN, loadConfig } from './config.js';

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
    const config = loadConfig({ DATABASE_URL: 'mysql://kda:pw@db:3306/kda', NATS_URL: 'nats://nats:4222', KDA_SECRET_KEY: 'a-long-enough-secret-key', KDA_ALLOW_EXEC_CREDENTIALS: 'on' });
    expect(config).toMatchObject({ embedded: false, host: '0.0.0.0', database: { kind: 'mysql' }, bus: { kind: 'nats' }, adminToken: undefined, simulator: false, allowExecCredentials: true });
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
});
