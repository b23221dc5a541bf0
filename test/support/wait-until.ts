/**
 * Polls a synchronous condition until it holds; the bound only turns a hang into a readable failure.
 * (Integration tests that poll the gateway itself use test/support/wait.ts, which awaits async probes.)
 */
export async function waitUntil(condition: () => boolean, description: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
