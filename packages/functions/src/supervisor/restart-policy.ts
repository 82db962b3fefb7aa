/**
 * How long to wait before restarting a child after its `crashes`-th consecutive crash
 * (1-based): `baseMs` doubling up to `maxMs`, so a child that dies at once on every
 * start does not spin.
 *
 * @example restartDelay(3, { baseMs: 500, maxMs: 30_000 }) // 2000
 */
export function restartDelay(crashes: number, limits: { baseMs: number; maxMs: number }): number {
  const exponent = Math.max(0, Math.min(crashes - 1, 30));
  return Math.min(limits.maxMs, limits.baseMs * 2 ** exponent);
}

/**
 * The consecutive-crash count after a crash: a child that stayed up for `stableAfterMs`
 * starts again from one.
 */
export function nextCrashCount(previous: number, upForMs: number, stableAfterMs: number): number {
  return upForMs >= stableAfterMs ? 1 : previous + 1;
}
