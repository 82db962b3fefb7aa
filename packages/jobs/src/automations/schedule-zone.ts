import { ValidationError } from '@paperlane/core';

const ZONE_PATTERN = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The canonical IANA name of a time zone (`utc` → `UTC`), or a `ValidationError`
 * for anything Intl does not know. The pattern check runs first, so a hostile string
 * never reaches Intl.
 *
 * @example canonicalTimeZone('europe/berlin') // 'Europe/Berlin'
 */
export function canonicalTimeZone(timeZone: string): string {
  if (typeof timeZone !== 'string' || !ZONE_PATTERN.test(timeZone)) {
    throw new ValidationError('timezone must be an IANA time zone name', { code: 'invalid_timezone' });
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new ValidationError(`unknown time zone ${timeZone}`, { code: 'invalid_timezone' });
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Wall-clock time as a "naive" epoch: the milliseconds whose UTC fields equal the
 * local fields in `timeZone`. Lets cron fields be matched with plain UTC arithmetic.
 */
export function toWallClock(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  // formatToParts has no milliseconds; keep the instant's own.
  return wall + (((instantMs % 1000) + 1000) % 1000);
}

/** The zone's UTC offset (ms, east positive) at an instant. */
export function offsetAt(instantMs: number, timeZone: string): number {
  return toWallClock(instantMs, timeZone) - instantMs;
}

const HOUR = 3_600_000;

/**
 * The instant a wall-clock time names in `timeZone`, resolved the way RFC 5545 and
 * Temporal's `compatible` disambiguation do: a time repeated by a fall-back
 * transition is its earlier instant; a time skipped by a spring-forward gap is
 * pushed later by the gap's length (02:30 in a 1-hour gap → 03:30).
 */
export function fromWallClock(wallMs: number, timeZone: string): number {
  // Every offset in use lies within ±14 h, so the answer is in [wall - 14 h, wall + 14 h];
  // the offsets just outside that window are the ones before and after any transition in it.
  const before = offsetAt(wallMs - 15 * HOUR, timeZone);
  const after = offsetAt(wallMs + 15 * HOUR, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallMs - offset)
    .filter((instant) => toWallClock(instant, timeZone) === wallMs)
    .sort((a, b) => a - b);
  const earliest = candidates[0];
  if (earliest !== undefined) return earliest;
  // In a gap: read the wall time with the offset in force before it.
  return wallMs - before;
}
