// Two instants are remembered because a consumer alternates between two: now and its
// claim's lease end (claim → leaseUntil, updatedAt, event time, ...).
let lastMs = Number.NaN;
let lastIso = '';
let otherMs = Number.NaN;
let otherIso = '';

/**
 * `date.toISOString()`, remembering the last two results: formatting costs about a
 * microsecond and a busy consumer formats the same millisecond many times (claim,
 * events, completion), so this is the cheapest way to keep timestamps everywhere.
 *
 * @example isoTime(new Date(0)) // '1970-01-01T00:00:00.000Z'
 */
export function isoTime(date: Date): string {
  const ms = date.getTime();
  if (ms === lastMs) return lastIso;
  if (ms !== otherMs) {
    otherMs = ms;
    otherIso = date.toISOString();
  }
  // Swap, so the instant just asked for is the first one checked next time.
  const iso = otherIso;
  otherMs = lastMs;
  otherIso = lastIso;
  lastMs = ms;
  lastIso = iso;
  return iso;
}
