import { ConfigError, loadConfig } from '../src/config/config.js';

function problems(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env, '/tmp');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('JWT configuration', () => {
  test('none by default', () => {
    expect(loadConfig({}, '/tmp').jwt).toBeUndefined();
  });

  test('HS256 and OIDC together', () => {
    const config = loadConfig(
      { KDA_JWT_SECRET: 's'.repeat(32), KDA_JWT_AUDIENCE: 'kda', KDA_OIDC_ISSUER: 'https://id.example.com/realms/kda', KDA_OIDC_AUDIENCE: 'kda-client' },
      '/tmp',
    );
    expect(config.jwt).toEqual({
      hs256: { secret: 's'.repeat(32), issuer: undefined, audience: 'kda' },
      oidc: { issuer: 'https://id.example.com/realms/kda', audience: 'kda-client' },
    });
  });

  test.each([
    [{ KDA_JWT_SECRET: 'short' }, /KDA_JWT_SECRET must be at least 32 bytes/],
    [{ KDA_JWT_AUDIENCE: 'kda' }, /need KDA_JWT_SECRET/],
    [{ KDA_OIDC_ISSUER: 'https://id.example.com' }, /KDA_OIDC_AUDIENCE is required/],
    [{ KDA_OIDC_ISSUER: 'http://id.example.com', KDA_OIDC_AUDIENCE: 'c' }, /must be an https:\/\/ URL/],
    [{ KDA_OIDC_ISSUER: 'not a url', KDA_OIDC_AUDIENCE: 'c' }, /must be a URL/],
    [{ KDA_OIDC_AUDIENCE: 'c' }, /needs KDA_OIDC_ISSUER/],
  ])('%j is refused', (env, problem) => {
    expect(problems(env)).toEqual([expect.stringMatching(problem)]);
  });

  test('a local issuer may use plain http', () => {
    expect(loadConfig({ KDA_OIDC_ISSUER: 'http://127.0.0.1:8080', KDA_OIDC_AUDIENCE: 'c' }, '/tmp').jwt?.oidc?.issuer).toBe('http://127.0.0.1:8080');
  });
});
