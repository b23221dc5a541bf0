/**
 * Polls until `probe` returns a value other than undefined/false. The bound only turns a hang into
 * a readable failure; tests never depend on how fast something happens.
 */
export async function waitFor<T>(description: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${description}${lastError ? `: ${describe(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The last error as text: an Error or a string as `String` shows it, anything else as JSON. */
function describe(error: unknown): string {
  return error instanceof Error || typeof error === 'string' ? String(error) : JSON.stringify(error);
}
