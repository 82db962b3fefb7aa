import { spawnSync } from 'node:child_process';
import { ConfigError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { faultDeps, faultHookFromEnv } from './faults';

const POINTS = ['after-claim', 'after-complete', 'after-settled'] as const;

function recorder() {
  const kills: Array<[string, number]> = [];
  return { kills, kill: (point: string, nth: number) => void kills.push([point, nth]) };
}

describe('faultHookFromEnv', () => {
  it('is absent unless a point is asked for', () => {
    expect(faultHookFromEnv({}, POINTS)).toBeUndefined();
    expect(faultHookFromEnv({ PAPERLANE_FAULT_KILL_AT: '' }, POINTS)).toBeUndefined();
  });

  it('kills at the first hit of its point by default, and only there', () => {
    const { kills, kill } = recorder();
    const hook = faultHookFromEnv({ PAPERLANE_FAULT_KILL_AT: 'after-complete' }, POINTS, kill);
    hook?.('after-claim');
    hook?.('after-settled');
    expect(kills).toEqual([]);
    hook?.('after-complete');
    expect(kills).toEqual([['after-complete', 1]]);
  });

  it('kills at the nth hit when asked', () => {
    const { kills, kill } = recorder();
    const hook = faultHookFromEnv(
      { PAPERLANE_FAULT_KILL_AT: 'after-claim', PAPERLANE_FAULT_KILL_NTH: '3' },
      POINTS,
      kill,
    );
    hook?.('after-claim');
    hook?.('after-claim');
    expect(kills).toEqual([]);
    hook?.('after-claim');
    hook?.('after-claim');
    expect(kills).toEqual([['after-claim', 3]]);
  });

  it.each([
    ['an unknown point', { PAPERLANE_FAULT_KILL_AT: 'before-lunch' }, /not a fault point/],
    ['a point in another case', { PAPERLANE_FAULT_KILL_AT: 'AFTER-CLAIM' }, /not a fault point/],
    ['a point with padding', { PAPERLANE_FAULT_KILL_AT: ' after-claim' }, /not a fault point/],
    ['two points', { PAPERLANE_FAULT_KILL_AT: 'after-claim,after-complete' }, /not a fault point/],
    ['a prototype key', { PAPERLANE_FAULT_KILL_AT: '__proto__' }, /not a fault point/],
    [
      'a zero count',
      { PAPERLANE_FAULT_KILL_AT: 'after-claim', PAPERLANE_FAULT_KILL_NTH: '0' },
      /whole number/,
    ],
    ['a negative count', { PAPERLANE_FAULT_KILL_AT: 'after-claim', PAPERLANE_FAULT_KILL_NTH: '-1' }, /whole/],
    ['a fraction', { PAPERLANE_FAULT_KILL_AT: 'after-claim', PAPERLANE_FAULT_KILL_NTH: '1.5' }, /whole/],
    ['an exponent', { PAPERLANE_FAULT_KILL_AT: 'after-claim', PAPERLANE_FAULT_KILL_NTH: '1e3' }, /whole/],
    [
      'a huge count',
      { PAPERLANE_FAULT_KILL_AT: 'after-claim', PAPERLANE_FAULT_KILL_NTH: '9'.repeat(400) },
      /whole/,
    ],
    ['a count without a point', { PAPERLANE_FAULT_KILL_NTH: '2' }, /without PAPERLANE_FAULT_KILL_AT/],
  ])('refuses %s with a ConfigError', (_name, env, message) => {
    const attempt = () => faultHookFromEnv(env, POINTS, () => {});
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('checks the real fault points for the processor and the sweeper', () => {
    expect(faultDeps({})).toEqual({});
    expect(faultDeps({ PAPERLANE_FAULT_KILL_AT: 'after-complete' }).faults).toBeTypeOf('function');
    expect(() => faultDeps({ PAPERLANE_FAULT_KILL_AT: 'after-everything' })).toThrow(ConfigError);
  });

  it('quotes at most 40 characters of a rejected value', () => {
    const attempt = () => faultHookFromEnv({ PAPERLANE_FAULT_KILL_AT: `x${'A'.repeat(10_000)}` }, POINTS);
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(200);
    }
  });

  it('by default SIGKILLs its own process, after one line on stderr', () => {
    const script = [
      `const { faultHookFromEnv } = await import(${JSON.stringify(new URL('./faults.ts', import.meta.url).href)});`,
      "const hook = faultHookFromEnv(process.env, ['after-claim', 'after-complete']);",
      "hook('after-claim');",
      "process.stdout.write('survived the first point\\n');",
      "hook('after-complete');",
      "process.stdout.write('survived the second point\\n');",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, PAPERLANE_FAULT_KILL_AT: 'after-complete' },
      encoding: 'utf8',
    });
    expect(run.signal).toBe('SIGKILL');
    expect(run.stdout).toBe('survived the first point\n');
    expect(run.stderr).toContain('paperlane fault: SIGKILL at after-complete (hit 1)');
  });
});
