import { ValidationError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { parseSchedule } from './schedule';
import { dueRuns, MAX_DUE_RUNS, nextRun } from './schedule-next';
import { canonicalTimeZone } from './schedule-zone';

const d = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe('cron schedules across DST', () => {
  it('Europe/Berlin spring-forward: 02:30 does not exist and runs once, at 03:30 CEST', () => {
    expect(nextRun('cron(30 2 * * *)', 'Europe/Berlin', d('2026-03-28T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    expect(
      iso(dueRuns('cron(30 2 * * *)', 'Europe/Berlin', d('2026-03-28T12:00:00Z'), d('2026-03-30T12:00:00Z'))),
    ).toEqual(['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('a run pushed out of the gap is still found from a moment inside the gap', () => {
    // 01:10Z is 03:10 CEST: past the wall time 02:30, before its shifted run.
    expect(nextRun('cron(30 2 * * *)', 'Europe/Berlin', d('2026-03-29T01:10:00Z'))?.toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('Europe/Berlin fall-back: 02:30 happens twice on the clock and runs once, at the first', () => {
    expect(
      iso(dueRuns('cron(30 2 * * *)', 'Europe/Berlin', d('2026-10-24T12:00:00Z'), d('2026-10-26T12:00:00Z'))),
    ).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    // Asked from between the two 02:30s, the repeated one is not run again.
    expect(nextRun('cron(30 2 * * *)', 'Europe/Berlin', d('2026-10-25T00:45:00Z'))?.toISOString()).toBe(
      '2026-10-26T01:30:00.000Z',
    );
  });

  it('America/New_York: 02:30 on spring-forward runs at 03:30 EDT, 01:30 on fall-back once', () => {
    expect(nextRun('cron(30 2 * * *)', 'America/New_York', d('2026-03-07T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(
      iso(
        dueRuns('cron(30 1 * * *)', 'America/New_York', d('2026-10-31T12:00:00Z'), d('2026-11-02T12:00:00Z')),
      ),
    ).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('Australia/Lord_Howe: the 30-minute gap pushes 02:15 to 02:45, the repeated half hour runs once', () => {
    // DST starts 2026-10-04 02:00 (+10:30 → +11); 02:15 + 10:30 offset = 02:45 LHDT.
    expect(
      iso(
        dueRuns(
          'cron(15 2 * * *)',
          'Australia/Lord_Howe',
          d('2026-10-03T00:00:00Z'),
          d('2026-10-05T00:00:00Z'),
        ),
      ),
    ).toEqual(['2026-10-03T15:45:00.000Z', '2026-10-04T15:15:00.000Z']);
    // DST ends 2026-04-05 02:00 (+11 → +10:30): 01:45 happens twice.
    expect(
      iso(
        dueRuns(
          'cron(45 1 * * *)',
          'Australia/Lord_Howe',
          d('2026-04-04T00:00:00Z'),
          d('2026-04-06T00:00:00Z'),
        ),
      ),
    ).toEqual(['2026-04-04T14:45:00.000Z', '2026-04-05T15:15:00.000Z']);
  });

  it('a half-hourly schedule through the Berlin gap runs every 30 real minutes, never twice at once', () => {
    expect(
      iso(
        dueRuns('cron(*/30 * * * *)', 'Europe/Berlin', d('2026-03-29T00:00:00Z'), d('2026-03-29T02:00:00Z')),
      ),
    ).toEqual([
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ]);
  });

  it('an hourly cron runs once for the repeated fall-back hour (clock time, not elapsed time)', () => {
    expect(
      iso(dueRuns('cron(0 * * * *)', 'Europe/Berlin', d('2026-10-24T23:30:00Z'), d('2026-10-25T03:00:00Z'))),
    ).toEqual([
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T02:00:00.000Z', // 03:00 CET; 02:00 CET is not run again
      '2026-10-25T03:00:00.000Z',
    ]);
  });

  it('UTC and weekday fields', () => {
    // 2026-01-02 is a Friday: the next weekday 09:00 is Monday the 5th.
    expect(nextRun('cron(0 9 * * 1-5)', 'UTC', d('2026-01-02T09:00:00Z'))?.toISOString()).toBe(
      '2026-01-05T09:00:00.000Z',
    );
  });

  it('day-of-month or weekday, last day, nth weekday and Sunday as 7, as cron means them', () => {
    const next = (schedule: string, after: string) => nextRun(schedule, 'UTC', d(after))?.toISOString();
    // Both day fields restricted: either matches (Monday the 5th comes before the 1st of February).
    expect(next('cron(0 9 1 * 1)', '2026-01-02T00:00:00Z')).toBe('2026-01-05T09:00:00.000Z');
    expect(next('cron(0 18 L * *)', '2026-02-10T00:00:00Z')).toBe('2026-02-28T18:00:00.000Z');
    expect(next('cron(0 0 * * 7)', '2026-01-01T00:00:00Z')).toBe('2026-01-04T00:00:00.000Z');
    // EventBridge: 6 is Friday; the third Friday of January 2026 is the 16th.
    expect(next('cron(0 10 ? * 6#3 *)', '2026-01-01T00:00:00Z')).toBe('2026-01-16T10:00:00.000Z');
  });
});

describe('EventBridge 6-field cron', () => {
  it('numbers weekdays from Sunday = 1 and honours the year', () => {
    // 2 = Monday; the first Monday of 2027 is 4 January.
    expect(nextRun('cron(0 8 ? * 2 2027)', 'UTC', d('2026-06-01T00:00:00Z'))?.toISOString()).toBe(
      '2027-01-04T08:00:00.000Z',
    );
    expect(nextRun('cron(0 12 ? * MON-FRI *)', 'UTC', d('2026-01-03T00:00:00Z'))?.toISOString()).toBe(
      '2026-01-05T12:00:00.000Z',
    );
  });

  it('has no next run once its years are over', () => {
    expect(nextRun('cron(0 0 1 1 ? 2020)', 'UTC', d('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('refuses a seconds-first 6-field expression', () => {
    expect(() => parseSchedule('cron(0 0 * * * *)')).toThrow(/exactly one/);
  });
});

describe('rate schedules', () => {
  it('are anchored to the creation time, not to when the tick asks', () => {
    const created = d('2026-05-01T10:07:13Z');
    expect(
      nextRun('rate(15 minutes)', 'UTC', d('2026-05-01T12:00:00Z'), { anchor: created })?.toISOString(),
    ).toBe('2026-05-01T12:07:13.000Z');
    expect(nextRun('rate(1 day)', 'Europe/Berlin', created, { anchor: created })?.toISOString()).toBe(
      '2026-05-02T10:07:13.000Z',
    );
    expect(
      iso(dueRuns('rate(2 hours)', 'UTC', created, d('2026-05-01T16:07:13Z'), { anchor: created })),
    ).toEqual(['2026-05-01T12:07:13.000Z', '2026-05-01T14:07:13.000Z', '2026-05-01T16:07:13.000Z']);
  });

  it('parse singular and plural units', () => {
    expect(parseSchedule('rate(1 minute)')).toMatchObject({ kind: 'rate', everyMs: 60_000 });
    expect(parseSchedule('rate(3 Hours)')).toMatchObject({ kind: 'rate', everyMs: 3 * 3_600_000 });
  });
});

describe('due runs are capped', () => {
  it('at the requested limit and never above the maximum', () => {
    const from = d('2026-01-01T00:00:00Z');
    const to = d('2026-01-03T00:00:00Z');
    expect(dueRuns('cron(* * * * *)', 'UTC', from, to)).toHaveLength(100);
    expect(dueRuns('cron(* * * * *)', 'UTC', from, to, { limit: 10_000 })).toHaveLength(MAX_DUE_RUNS);
    expect(() => dueRuns('cron(* * * * *)', 'UTC', from, to, { limit: 0 })).toThrow(ValidationError);
  });
});

describe('hostile schedules and zones', () => {
  const refused = [
    'cron(* * * * * * *)',
    `cron(${'1,'.repeat(5_000)}1 * * * *)`,
    `cron(${'*'.repeat(10_240)})`,
    'rate(0 minutes)',
    'rate(1 second)',
    'rate(10 seconds)',
    'rate(-5 minutes)',
    'rate(1.5 hours)',
    'rate(400 days)',
    'rate(99999999 minutes)',
    'cron(0 0 30 2 *)',
    'cron(61 * * * *)',
    'cron(0 0 * * * 1969)',
    'cron()',
    '@daily',
    '0 0 * * *',
    'cron(0 0 * * *) ; rm -rf /',
    'cron(0 0 $(id) * *)',
  ];
  it.each(refused.map((s) => [s.slice(0, 40), s]))('refuses %s', (_label, schedule) => {
    expect(() => parseSchedule(schedule)).toThrow(ValidationError);
  });

  it('refuses unknown and malformed time zones, and canonicalises known ones', () => {
    for (const zone of [
      'Mars/Olympus_Mons',
      '',
      '../../etc/passwd',
      'Europe/Berlin; DROP',
      'x'.repeat(10_000),
    ]) {
      expect(() => nextRun('cron(0 0 * * *)', zone, d('2026-01-01T00:00:00Z'))).toThrow(ValidationError);
    }
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('Australia/Lord_Howe')).toBe('Australia/Lord_Howe');
  });

  it('refuses an invalid date', () => {
    expect(() => nextRun('rate(1 hour)', 'UTC', new Date(Number.NaN))).toThrow(ValidationError);
  });
});
