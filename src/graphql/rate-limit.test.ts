import { GraphQLError } from 'graphql';
import { RateLimiter, rateLimitKeys } from './rate-limit.js';

describe('rate limiter', () => {
  test('a burst, then refusals, then tokens again as time passes', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perSecond: 2 }, () => now);
    for (let request = 0; request < 3; request += 1) limiter.take('a');
    expect(() => limiter.take('a')).toThrow(GraphQLError);
    try {
      limiter.take('a');
    } catch (error) {
      expect((error as GraphQLError).extensions).toMatchObject({ code: 'RATE_LIMITED', http: { status: 429 } });
    }
    limiter.take('b');
    now = 500;
    limiter.take('a');
    expect(() => limiter.take('a')).toThrow(GraphQLError);
  });

  test('callers are keyed by token, then principal, then address', () => {
    expect(rateLimitKeys({ id: 'u1', tokenId: 't1' }, '127.0.0.1')).toEqual(['token:t1', 'principal:u1']);
    expect(rateLimitKeys({ id: 'u1', tokenId: null }, '127.0.0.1')).toEqual(['principal:u1']);
    expect(rateLimitKeys(null, '10.0.0.9')).toEqual(['address:10.0.0.9']);
  });
});
