import { createToken, createUser } from './identity-support.js';
import { startTestGateway } from './support/gateway.js';

/** Hardening, part 1, item 7: no way around the per-caller budget — not by guessing tokens, not by minting more. */
describe('rate limits that cannot be sidestepped', () => {
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

  test('a user with several tokens shares one budget: minting tokens buys no more requests', async () => {
    const gateway = await startTestGateway({ limits: { rateLimit: { burst: 4, perSecond: 0.001 } } });
    try {
      const user = await createUser(gateway, { name: 'Tool', email: 'tool@example.com' });
      const tokens = await Promise.all([0, 1, 2].map(async (index) => (await createToken(gateway, { name: `t${index}`, userId: user.id, scopes: ['READ'] })).token));
      const codes: Array<string | undefined> = [];
      for (const token of [...tokens, ...tokens]) codes.push((await gateway.request(`{ me { id } }`, {}, token)).errors?.[0]?.extensions?.code as string | undefined);
      expect(codes).toEqual([undefined, undefined, undefined, undefined, 'RATE_LIMITED', 'RATE_LIMITED']);
      // The CSV export spends the same budget: no way around the limit through another route.
      const csv = await fetch(`${gateway.url}/costs.csv?workspaceId=x&from=2026-01-01&to=2026-01-02`, { headers: { authorization: `Bearer ${tokens[0]}` } });
      expect(csv.status).toBe(429);
      expect(((await csv.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('RATE_LIMITED');
    } finally {
      await gateway.stop();
    }
  });
});
