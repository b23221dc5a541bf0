import { startTestGateway } from './support/gateway.js';

/** Hardening, part 1, item 7: bad credentials spend the caller's budget like any other request. */
describe('guessing tokens is rate limited', () => {
  test('refused tokens from one address run out its budget: then 429 RATE_LIMITED, not endless UNAUTHENTICATED', async () => {
    const gateway = await startTestGateway({ limits: { rateLimit: { burst: 3, perSecond: 0.001 } } });
    try {
      const guess = (attempt: number) => gateway.request(`{ me { id } }`, {}, `kda_guess_${attempt}_${'x'.repeat(24)}`);
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const refused = await guess(attempt);
        expect({ status: refused.status, code: refused.errors?.[0]?.extensions?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      }
      const limited = await guess(3);
      expect({ status: limited.status, code: limited.errors?.[0]?.extensions?.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
      // A valid token has a budget of its own: the guesser did not lock the administrator out.
      expect((await gateway.request(`{ me { id } }`)).errors).toBeUndefined();
    } finally {
      await gateway.stop();
    }
  });
});
