import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { inSpan, SpanKind } from '../../shared/tracing.js';
import type { AddressPolicy } from './address-policy.js';

/**
 * The one way out for user-supplied URLs (source repositories, registries and their token realms,
 * kubeconfig servers, Prometheus): every hop's address is checked against the policy — the literal
 * host before connecting, every resolved address at connect time (so a name cannot re-point
 * between check and use), every redirect again. Failures say only "not reachable": what lies
 * behind a refused or failing address is not the caller's to learn; `detail` is for the logs.
 */
export class EgressError extends Error {
  override readonly name = 'EgressError';

  constructor(
    readonly target: string,
    readonly detail: string,
  ) {
    super(`${target} is not reachable`);
  }
}

export interface Egress {
  /** Checks a URL another client will connect to (the Kubernetes client): its host and every address it resolves to. */
  assertAllowed(url: string): Promise<void>;
  /** fetch through the policy. Redirects are followed (at most 5), each checked; credentials never follow a redirect to another origin. */
  fetch(url: string, init?: EgressRequestInit): Promise<Response>;
}

export interface EgressRequestInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly timeoutMs?: number;
}

type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

const defaultResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function targetOf(url: URL): string {
  return url.origin;
}

export function createEgress(policy: AddressPolicy, resolver: Resolver = defaultResolver): Egress {
  async function checkUrl(url: URL): Promise<void> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EgressError(targetOf(url), `scheme ${url.protocol} is not allowed`);
    const port = portOf(url);
    if (policy.allowsOrigin(url.hostname, port)) return;
    let addresses: readonly LookupAddress[];
    try {
      addresses = await resolver(url.hostname.replace(/^\[|\]$/g, ''));
    } catch (error) {
      throw new EgressError(targetOf(url), `cannot resolve ${url.hostname}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const refused = addresses.find((entry) => !policy.allowsAddress(entry.address, port));
    if (addresses.length === 0 || refused !== undefined)
      throw new EgressError(targetOf(url), `${url.hostname} resolves to ${refused?.address ?? 'nothing'}, which the egress policy refuses`);
  }

  // Connect-time check: the addresses actually dialled, for names (literal addresses were checked with their URL).
  const agent = new Agent({
    connect: {
      lookup(hostname: string, options: { all?: boolean }, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) {
        resolver(hostname).then(
          (addresses) => {
            const allowed = policy.allowsName(hostname) ? addresses : addresses.filter((entry) => policy.allowsAddress(entry.address));
            if (allowed.length === 0 || allowed.length !== addresses.length) {
              callback(new EgressError(hostname, `${hostname} resolved to an address the egress policy refuses`), []);
              return;
            }
            if (options.all === true) callback(null, [...allowed]);
            else callback(null, allowed[0]?.address ?? '', allowed[0]?.family);
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), []),
        );
      },
    },
  });

  return {
    async assertAllowed(raw) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new EgressError(raw, 'not a URL');
      }
      await checkUrl(url);
    },

    fetch: (raw, init = {}) =>
      // The host only: a URL's path and query may carry credentials.
      inSpan(`HTTP ${init.method ?? 'GET'}`, SpanKind.CLIENT, { 'server.address': hostOf(raw) }, () => fetchChecked(raw, init)),
  };

  async function fetchChecked(raw: string, init: EgressRequestInit): Promise<Response> {
    let url = new URL(raw);
    let method = init.method ?? 'GET';
    let headers = { ...(init.headers ?? {}) };
    const signal = AbortSignal.timeout(init.timeoutMs ?? 10_000);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      await checkUrl(url);
      let response;
      try {
        const request: UndiciRequestInit = { method, headers, redirect: 'manual', signal, dispatcher: agent };
        response = await undiciFetch(url, request);
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        throw new EgressError(targetOf(url), cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error));
      }
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null) return response;
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.origin !== url.origin) {
        // Credentials were meant for the first origin only.
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
      }
      if (response.status === 303) method = 'GET';
      url = next;
    }
    throw new EgressError(targetOf(url), `more than ${MAX_REDIRECTS} redirects`);
  }
}

function hostOf(raw: string): string {
  try {
    return new URL(raw).host;
  } catch {
    return 'invalid';
  }
}
