/**
 * Reachability of an http(s) source repository: the git smart-HTTP discovery URL answers (any
 * status but 404 and 5xx: a private repository answering 401 exists). Through the egress policy:
 * a repository URL is the user's, and must not turn the gateway into a scanner of its own network.
 */
import type { SourceProbe } from '../../domains/builds/ports.js';
import type { Egress } from '../egress/egress.js';

export function createSourceProbe(options: { readonly egress: Egress; readonly timeoutMs?: number }): SourceProbe {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    async check(url) {
      const discovery = `${url.replace(/\/+$/, '')}/info/refs?service=git-upload-pack`;
      const response = await options.egress.fetch(discovery, { timeoutMs });
      await response.body?.cancel();
      if (response.status === 404) throw new Error(`no git repository at ${url} (404)`);
      if (response.status >= 500) throw new Error(`${new URL(url).host} answered ${response.status}`);
    },
  };
}
