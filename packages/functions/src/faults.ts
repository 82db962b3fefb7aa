/**
 * Fault injection for the chaos suite: a process started with
 * `PAPERLANE_FAULT_KILL_AT=<point>` SIGKILLs itself when its job lifecycle reaches
 * that point (the `PAPERLANE_FAULT_KILL_NTH`-th time, default the first), so a test
 * can die between any two writes for real. Unset, there is no hook at all.
 */
import { ConfigError, FAULT_POINTS, type FaultHook } from '@paperlane/core';
import { z } from 'zod';

const nthSchema = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, 'must be a whole number from 1 to 999999')
  .transform(Number);

/** Dies at once, as an OOM kill or a pulled plug would: no handlers, no flushing. */
function killSelf(point: string, nth: number): void {
  process.stderr.write(`paperlane fault: SIGKILL at ${point} (hit ${nth})\n`);
  process.kill(process.pid, 'SIGKILL');
}

/** A short, quoted excerpt of a rejected value: enough to spot a typo, never a wall of text. */
const excerpt = (raw: string) => JSON.stringify(raw.slice(0, 40));

/**
 * The fault hook the environment asks for, or undefined when it asks for none.
 *
 * @throws ConfigError for an unknown point, a malformed count, or a count without a point.
 * @example
 * const faults = faultHookFromEnv(process.env, FAULT_POINTS);
 */
export function faultHookFromEnv<P extends string>(
  env: Readonly<Record<string, string | undefined>>,
  points: readonly [P, ...P[]],
  kill: (point: P, nth: number) => void = killSelf,
): ((point: P) => void) | undefined {
  const at = env.PAPERLANE_FAULT_KILL_AT;
  const nthRaw = env.PAPERLANE_FAULT_KILL_NTH;
  if (at === undefined || at === '') {
    if (nthRaw !== undefined && nthRaw !== '')
      throw new ConfigError('PAPERLANE_FAULT_KILL_NTH is set without PAPERLANE_FAULT_KILL_AT');
    return undefined;
  }
  const point = z.enum(points).safeParse(at);
  if (!point.success)
    throw new ConfigError(
      `PAPERLANE_FAULT_KILL_AT=${excerpt(at)} is not a fault point (one of ${points.join(', ')})`,
    );
  let nth = 1;
  if (nthRaw !== undefined && nthRaw !== '') {
    const parsed = nthSchema.safeParse(nthRaw);
    if (!parsed.success)
      throw new ConfigError(
        `PAPERLANE_FAULT_KILL_NTH=${excerpt(nthRaw)} ${parsed.error.issues[0]?.message ?? 'is invalid'}`,
      );
    nth = parsed.data;
  }
  const target = point.data;
  let hits = 0;
  return (reached) => {
    if (reached !== target) return;
    hits++;
    if (hits === nth) kill(reached, hits);
  };
}

/**
 * The processor's and the sweeper's `faults` dependency from the environment: empty
 * (no hook at all) unless `PAPERLANE_FAULT_KILL_AT` names one of `FAULT_POINTS`.
 *
 * @example const processorDeps = { ...deps, ...faultDeps(config.source) };
 */
export function faultDeps(env: Readonly<Record<string, string | undefined>>): { faults?: FaultHook } {
  const faults = faultHookFromEnv(env, FAULT_POINTS);
  return faults ? { faults } : {};
}
