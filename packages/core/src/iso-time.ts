let cachedMs = Number.NaN;
let cachedIso = '';

/**
 * `date.toISOString()`, remembering the last result: formatting costs about a
 * microsecond and a busy consumer formats the same millisecond many times (claim,
 * events, completion), so this is the cheapest way to keep timestamps everywhere.
 *
 * @example isoTime(new Date(0)) // '1970-01-01T00:00:00.000Z'
 */
export function isoTime(date: Date): string {
  const ms = date.getTime();
  if (ms !== cachedMs) {
    cachedIso = date.toISOString();
    cachedMs = ms;
  }
  return cachedIso;
}
