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
  /** Told of each refusal with the budget that ran out (for /metrics). */
  onRejected: ((caller: string) => void) | undefined;

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number = () => performance.now(),
    private readonly refusal: (settings: RateLimitSettings) => string = ({ perSecond, burst }) => `Too many requests: at most ${perSecond} per second (bursts of ${burst})`,
  ) {}

  /** Takes one token from each budget; throws RATE_LIMITED (HTTP 429) at the first that has none left. */
  takeEach(callers: readonly string[]): void {
    for (const caller of callers) this.take(caller);
  }

  /** Takes `amount` tokens (one request by default); throws RATE_LIMITED (HTTP 429) when the caller has too few left. */
  take(caller: string, amount = 1): void {
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.settings.burst, at: now };
    bucket.tokens = Math.min(this.settings.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.settings.perSecond);
    bucket.at = now;
    if (bucket.tokens < amount) {
      this.buckets.set(caller, bucket);
      this.onRejected?.(caller);
      throw new GraphQLError(this.refusal(this.settings), { extensions: { code: 'RATE_LIMITED', http: { status: 429 } } });
    }
    bucket.tokens -= amount;
    // Full buckets carry no information: forget them rather than grow without bound.
    if (this.buckets.size >= MAX_TRACKED_CALLERS) this.buckets.clear();
    this.buckets.set(caller, bucket);
  }
}

/** Whose turns and cost budget an operation uses: its user's, whatever its token, or its address when anonymous. */
export function payerOf(principal: { readonly id: string } | null, address: string | undefined): string {
  return principal === null ? `address:${address ?? 'unknown'}` : `principal:${principal.id}`;
}

/**
 * The budgets a request spends: an anonymous caller's address; a user's own; and, for an API
 * token, the token's too — so minting more tokens buys a user no more requests.
 */
export function rateLimitKeys(principal: { readonly id: string; readonly tokenId?: string | null } | null, address: string | undefined): string[] {
  const payer = payerOf(principal, address);
  return principal?.tokenId ? [`token:${principal.tokenId}`, payer] : [payer];
}
