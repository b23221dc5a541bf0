import type { ReadinessReport } from './http-server.js';

export interface ReadinessDeps {
  /** Named checks that must pass for the gateway to take traffic; each throws with a reason. */
  readonly required: Readonly<Record<string, () => Promise<void>>>;
  /** Reported but not required: one unreachable cluster must not take the gateway out of rotation. */
  readonly informational: () => Promise<Record<string, { ok: boolean; detail?: string }>>;
}

export function createReadiness(deps: ReadinessDeps): () => Promise<ReadinessReport> {
  return async () => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    let ready = true;
    for (const [name, check] of Object.entries(deps.required)) {
      try {
        await check();
        checks[name] = { ok: true };
      } catch (error) {
        ready = false;
        checks[name] = { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    }
    Object.assign(checks, await deps.informational().catch((error: unknown) => ({ clusters: { ok: false, detail: String(error) } })));
    return { ready, checks };
  };
}
