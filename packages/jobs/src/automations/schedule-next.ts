import { ValidationError } from '@paperlane/core';
import { type ParsedSchedule, parseSchedule, type YearRange } from './schedule';
import { canonicalTimeZone, fromWallClock, offsetAt, toWallClock } from './schedule-zone';
import { compileUtcCron } from './utc-cron';

const HOUR = 3_600_000;
/** Wider than any DST gap: how far past a gap-shifted run an earlier instant may still hide. */
const LOOKBACK_MS = 3 * HOUR;
/** Candidates examined per call before giving up (a sparse year list is jumped, not walked). */
const MAX_CANDIDATES = 20_000;
export const DEFAULT_DUE_RUNS = 100;
export const MAX_DUE_RUNS = 1000;

export interface NextRunOptions {
  /**
   * Where a `rate(...)` schedule counts from: the automation's creation time, so runs
   * land at anchor + k × rate whatever the tick times. Defaults to `after`.
   */
  anchor?: Date;
}

/**
 * The first run strictly after `after`, or `undefined` when the schedule has no
 * more runs (an EventBridge year list in the past).
 *
 * Cron fields are matched against wall-clock time in `timeZone`. Across DST:
 * - a time skipped by spring-forward runs once, later by the gap's length
 *   (02:30 in Europe/Berlin on the last Sunday of March runs at 03:30 CEST;
 *   02:15 in Australia/Lord_Howe's 30-minute gap runs at 02:45);
 * - a time repeated by fall-back runs once, at its first occurrence; this holds for
 *   wildcard hours too, so `cron(0 * * * *)` runs once for the repeated hour and
 *   leaves a two-hour real gap (cron matches the clock, not elapsed time);
 * - `rate(...)` is elapsed time and ignores the zone.
 *
 * @example nextRun('cron(30 2 * * *)', 'Europe/Berlin', new Date('2026-03-28T12:00:00Z'))
 * // 2026-03-29T01:30:00.000Z (03:30 CEST)
 */
export function nextRun(
  schedule: string | ParsedSchedule,
  timeZone: string,
  after: Date,
  options: NextRunOptions = {},
): Date | undefined {
  const parsed = typeof schedule === 'string' ? parseSchedule(schedule) : schedule;
  const zone = canonicalTimeZone(timeZone);
  const afterMs = instant(after, 'after');
  if (parsed.kind === 'rate') {
    const anchorMs = options.anchor === undefined ? afterMs : instant(options.anchor, 'anchor');
    const periods = Math.max(1, Math.floor((afterMs - anchorMs) / parsed.everyMs) + 1);
    return new Date(anchorMs + periods * parsed.everyMs);
  }
  return nextCron(parsed.fields, parsed.years, zone, afterMs);
}

/**
 * Runs in `(from, to]`, oldest first, at most `limit` (default 100, at most 1000).
 *
 * @example dueRuns('rate(1 hour)', 'UTC', from, to, { anchor: createdAt })
 */
export function dueRuns(
  schedule: string | ParsedSchedule,
  timeZone: string,
  from: Date,
  to: Date,
  options: NextRunOptions & { limit?: number } = {},
): Date[] {
  const parsed = typeof schedule === 'string' ? parseSchedule(schedule) : schedule;
  const limit = options.limit ?? DEFAULT_DUE_RUNS;
  if (!Number.isInteger(limit) || limit < 1) throw new ValidationError('limit must be a positive integer');
  const cap = Math.min(limit, MAX_DUE_RUNS);
  const toMs = instant(to, 'to');
  const runs: Date[] = [];
  const anchor = options.anchor ?? from;
  let cursor: Date | undefined = from;
  while (runs.length < cap) {
    cursor = nextRun(parsed, timeZone, cursor, { anchor });
    if (!cursor || cursor.getTime() > toMs) break;
    runs.push(cursor);
  }
  return runs;
}

function nextCron(fields: string, years: YearRange[] | undefined, zone: string, afterMs: number) {
  // A wall time names no instant later than wall - (smallest offset around), so only wall
  // times after `after + smallestOffset` can qualify; near a gap that reaches back far enough
  // to find a run pushed out of it.
  const smallestOffset = Math.min(
    offsetAt(afterMs - 20 * HOUR, zone),
    offsetAt(afterMs, zone),
    offsetAt(afterMs + 20 * HOUR, zone),
  );
  const cron = compileUtcCron(fields);
  let cursor = afterMs + smallestOffset;
  let best: { instant: number; wall: number } | undefined;
  for (let i = 0; i < MAX_CANDIDATES; i++) {
    const wall = cron.next(cursor);
    if (wall === undefined) break;
    cursor = wall;
    if (best && wall > best.wall + LOOKBACK_MS) break;
    const year = new Date(wall).getUTCFullYear();
    if (years && !yearMatches(years, year)) {
      const next = nextYear(years, year);
      if (next === undefined) break;
      if (best) break;
      cursor = Date.UTC(next, 0, 1) - 1;
      continue;
    }
    const at = fromWallClock(wall, zone);
    if (at <= afterMs || (best && at >= best.instant)) continue;
    best = { instant: at, wall };
    // An exact wall time is the earliest; only a gap-shifted one can be beaten by a
    // later wall time that maps to an earlier instant.
    if (toWallClock(at, zone) === wall) break;
  }
  return best ? new Date(best.instant) : undefined;
}

function yearMatches(years: YearRange[], year: number): boolean {
  return years.some((r) => year >= r.from && year <= r.to && (year - r.from) % r.step === 0);
}

function nextYear(years: YearRange[], year: number): number | undefined {
  let found: number | undefined;
  for (const r of years) {
    let candidate = Math.max(r.from, year + 1);
    const offset = (candidate - r.from) % r.step;
    if (offset !== 0) candidate += r.step - offset;
    if (candidate <= r.to && (found === undefined || candidate < found)) found = candidate;
  }
  return found;
}

function instant(date: Date, field: string): number {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new ValidationError(`${field} is not a valid date`);
  }
  return date.getTime();
}

/** The scheduling fields of an automation (a record or one being created). */
export interface SchedulePlan {
  schedule: string;
  timezone: string;
  enabled: boolean;
  /** Anchors `rate(...)` schedules. */
  createdAt: string | Date;
}

/**
 * The `nextRunAt` to store for an automation: its first run after `after`, or
 * `undefined` when it is disabled or its schedule has ended.
 *
 * @example planNextRun({ schedule: 'rate(1 hour)', timezone: 'UTC', enabled: true, createdAt: now }, now)
 */
export function planNextRun(plan: SchedulePlan, after: Date): Date | undefined {
  if (!plan.enabled) return undefined;
  return nextRun(plan.schedule, plan.timezone, after, { anchor: new Date(plan.createdAt) });
}
