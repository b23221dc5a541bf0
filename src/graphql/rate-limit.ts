import { GraphQLError } from 'graphql';

export interface RateLimitSettings {
  /** Requests a caller may make in a burst. */
  readonly burst: number;
  /** Sustained requests per second per caller. */
  readonly perSecond: number;
}

const MAX_TRACKED_CALLERS = 50_000;

/**
 * A token bucket per caller (API token, user, or client address for anonymous calls), shared by
 * HTTP requests and websocket operations, so one noisy tool cannot starve everyone else.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token from each budget; throws RATE_LIMITED (HTTP 429) at the first that has none left. */
  takeEach(callers: readonly string[]): void {
    for (const caller of callers) this.take(caller);
  }

  /** Takes one token; throws RATE_LIMITED (HTTP 429) when the caller has none left. */
  take(caller: string): void {
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.settings.burst, at: now };
    bucket.tokens = Math.min(this.settings.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.settings.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(caller, bucket);
      throw new GraphQLError(`Too many requests: at most ${this.settings.perSecond} per second (bursts of ${this.settings.burst})`, {
        extensions: { code: 'RATE_LIMITED', http: { status: 429 } },
      });
    }
    bucket.tokens -= 1;
    // Full buckets carry no information: forget them rather than grow without bound.
    if (this.buckets.size >= MAX_TRACKED_CALLERS) this.buckets.clear();
    this.buckets.set(caller, bucket);
  }
}

/**
 * The budgets a request spends: an anonymous caller's address; a user's own; and, for an API
 * token, the token's too — so minting more tokens buys a user no more requests.
 */
export function rateLimitKeys(principal: { readonly id: string; readonly tokenId?: string | null } | null, address: string | undefined): string[] {
  if (principal === null) return [`address:${address ?? 'unknown'}`];
  return principal.tokenId ? [`token:${principal.tokenId}`, `principal:${principal.id}`] : [`principal:${principal.id}`];
}
