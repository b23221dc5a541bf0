/**
 * Reachability of an http(s) source repository: the git smart-HTTP discovery URL answers (any
 * status but 404 and 5xx: a private repository answering 401 exists). Lives beside the registry
 * client as the other outbound HTTP edge of builds (could move to src/infra/git).
 */
import type { SourceProbe } from '../../domains/builds/ports.js';

export function createSourceProbe(options: { readonly timeoutMs?: number } = {}): SourceProbe {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    async check(url) {
      const discovery = `${url.replace(/\/+$/, '')}/info/refs?service=git-upload-pack`;
      let response: Response;
      try {
        response = await fetch(discovery, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
        throw new Error(`${new URL(url).host} does not answer (${cause})`);
      }
      await response.body?.cancel();
      if (response.status === 404) throw new Error(`no git repository at ${url} (404)`);
      if (response.status >= 500) throw new Error(`${new URL(url).host} answered ${response.status}`);
    },
  };
}
