import { REDACTED, redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  test('replaces kubeconfigs, passwords and tokens at any depth, keeps the rest', () => {
    const input = {
      input: { name: 'prod', kubeconfig: 'apiVersion: v1', context: 'ctx', registry: { username: 'bob', password: 'hunter2' } },
      token: 'kda_x',
      apiToken: 'x',
      tokenId: 'kept: an id, not a secret',
      list: [{ clientSecret: 's' }],
      absent: null,
    };
    expect(redactSecrets(input)).toEqual({
      input: { name: 'prod', kubeconfig: REDACTED, context: 'ctx', registry: { username: 'bob', password: REDACTED } },
      token: REDACTED,
      apiToken: REDACTED,
      tokenId: 'kept: an id, not a secret',
      list: [{ clientSecret: REDACTED }],
      absent: null,
    });
  });
});
