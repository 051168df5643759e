/**
 * Polls `probe` until it answers something other than undefined, and returns that; fails with "timed out
 * after … waiting for <what>" once `timeoutMs` has passed. `ignoreErrors`: a probe that throws counts as
 * "not yet" (for probes that run while a dependency is down).
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  opts: { timeoutMs?: number; intervalMs?: number; ignoreErrors?: boolean } = {},
): Promise<T> {
  const { timeoutMs = 120_000, intervalMs = 300, ignoreErrors = false } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = ignoreErrors ? await Promise.resolve().then(probe).catch(() => undefined) : await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
