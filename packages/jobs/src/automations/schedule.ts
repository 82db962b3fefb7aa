import { ValidationError } from '@paperlane/core';
import { compileUtcCron } from './utc-cron';

/** Longest schedule expression accepted; real ones are a few dozen characters. */
export const MAX_SCHEDULE_LENGTH = 200;

const MINUTE = 60_000;
const RATE_UNITS = { minute: MINUTE, hour: 60 * MINUTE, day: 24 * 60 * MINUTE } as const;
type RateUnit = keyof typeof RATE_UNITS;
/** A rate longer than a year is a misconfiguration, not a schedule. */
const MAX_RATE_MS = 366 * RATE_UNITS.day;

/** Characters a cron field may hold (numbers, names, `* , - / ? L W #`). */
const FIELD_PATTERN = /^[A-Za-z0-9*,/?#-]{1,60}$/;
const YEAR_PATTERN = /^(\*|\d{4}(-\d{4})?(\/\d{1,3})?)(,\d{4}(-\d{4})?(\/\d{1,3})?)*$/;
const MIN_YEAR = 1970;
const MAX_YEAR = 2199;

/** A year range of an EventBridge 6-field expression: `from`..`to`, every `step`. */
export interface YearRange {
  from: number;
  to: number;
  step: number;
}

export type ParsedSchedule =
  | {
      kind: 'cron';
      /** The 5-field expression evaluated (EventBridge forms are translated). */
      fields: string;
      /** Absent: every year. */
      years?: YearRange[];
      source: string;
    }
  | { kind: 'rate'; everyMs: number; source: string };

/**
 * Parses `cron(<5 fields>)`, EventBridge's `cron(min hour dom month dow year)` and
 * `rate(<n> minute|minutes|hour|hours|day|days)`. Throws `ValidationError`
 * (`invalid_schedule`) for anything else: seconds fields, sub-minute rates, huge
 * input, expressions that can never fire.
 *
 * @example parseSchedule('cron(30 2 * * *)') // { kind: 'cron', fields: '30 2 * * *', ... }
 * @example parseSchedule('rate(15 minutes)') // { kind: 'rate', everyMs: 900000, ... }
 */
export function parseSchedule(source: string): ParsedSchedule {
  if (typeof source !== 'string') throw invalid('schedule must be a string');
  if (source.length > MAX_SCHEDULE_LENGTH) {
    throw invalid(`schedule is longer than ${MAX_SCHEDULE_LENGTH} characters`);
  }
  const trimmed = source.trim();
  const rate = /^rate\(\s*(\d{1,7})\s+([a-z]+)\s*\)$/i.exec(trimmed);
  if (rate) return parseRate(Number(rate[1]), (rate[2] ?? '').toLowerCase(), trimmed);
  const cron = /^cron\(([^()]*)\)$/i.exec(trimmed);
  if (cron) return parseCron(cron[1] ?? '', trimmed);
  throw invalid('schedule must be cron(<expression>) or rate(<n> <unit>)');
}

function parseRate(amount: number, unitText: string, source: string): ParsedSchedule {
  const unit = unitText.replace(/s$/, '');
  if (!(unit in RATE_UNITS)) throw invalid('rate unit must be minute(s), hour(s) or day(s)');
  if (!Number.isSafeInteger(amount) || amount < 1) throw invalid('rate must be a positive whole number');
  const everyMs = amount * RATE_UNITS[unit as RateUnit];
  if (everyMs > MAX_RATE_MS) throw invalid('rate must be at most 366 days');
  return { kind: 'rate', everyMs, source };
}

function parseCron(body: string, source: string): ParsedSchedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw invalid('cron needs 5 fields (minute hour day month weekday) or 6 with a year');
  }
  for (const field of fields) {
    if (!FIELD_PATTERN.test(field)) throw invalid(`cron field "${field.slice(0, 20)}" is malformed`);
  }
  let years: YearRange[] | undefined;
  let five = fields;
  if (fields.length === 6) {
    // EventBridge: minute hour day-of-month month day-of-week(1-7, SUN=1) year.
    const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
    // One of the day fields must be `?`, as EventBridge requires; this also refuses a
    // seconds-first 6-field expression (`0 0 * * * *`), which would silently mean something else.
    if ((dom === '?') === (dow === '?')) {
      throw invalid('a 6-field cron needs ? in exactly one of day-of-month and day-of-week');
    }
    years = parseYears(year);
    five = [minute, hour, dom, month, shiftWeekdays(dow)];
  }
  const translated = five.map((field) => (field === '?' ? '*' : field)).join(' ');
  let fires: boolean;
  try {
    // Proves the expression can fire at all (e.g. `0 0 30 2 *` cannot).
    fires = compileUtcCron(translated).next(0) !== undefined;
  } catch (error) {
    throw invalid(`cron expression is invalid: ${error instanceof Error ? error.message : 'unknown'}`);
  }
  if (!fires) throw invalid('cron expression never fires');
  return years
    ? { kind: 'cron', fields: translated, years, source }
    : { kind: 'cron', fields: translated, source };
}

function parseYears(field: string): YearRange[] | undefined {
  if (field === '*') return undefined;
  if (!YEAR_PATTERN.test(field)) throw invalid('cron year must be *, a year, a range or a list');
  return field.split(',').map((part) => {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const [fromText, toText] = range.split('-') as [string, string | undefined];
    const from = Number(fromText);
    const to = toText === undefined ? (stepText === undefined ? from : MAX_YEAR) : Number(toText);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (from < MIN_YEAR || to > MAX_YEAR || from > to || step < 1) {
      throw invalid(`cron years must lie in ${MIN_YEAR}-${MAX_YEAR}`);
    }
    return { from, to, step };
  });
}

/** EventBridge numbers weekdays 1-7 from Sunday; 5-field cron 0-6 (7 also Sunday). Names pass through. */
function shiftWeekdays(field: string): string {
  if (field === '?' || field === '*') return field;
  return field.replace(/(^|[,-])(\d+)/g, (_match, lead: string, day: string) => {
    const n = Number(day);
    if (n < 1 || n > 7) throw invalid('EventBridge weekdays are 1-7 (SUN=1)');
    return `${lead}${n - 1}`;
  });
}

function invalid(message: string): ValidationError {
  return new ValidationError(message, { code: 'invalid_schedule' });
}
