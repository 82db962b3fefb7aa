import { infraNames } from '../names';
import { SCHEDULES } from '../schedules';
import { durationSeconds } from './durations';
import { targetFunction } from './functions';
import { SST_DEFAULTS } from './queue-rules';
import type { Rule, Violation } from './types';

function rateSeconds(schedule: unknown): number | undefined {
  const match = typeof schedule === 'string' ? /^rate\((.+)\)$/.exec(schedule) : null;
  return match ? durationSeconds(match[1]) : undefined;
}

/** The sweeper and the ticks are scheduled, and a run ends before the next one starts. */
export const schedules: Rule = ({ recording }) => {
  const out: Violation[] = [];
  for (const { spec } of Object.values(SCHEDULES)) {
    const name = infraNames.schedule(spec.name);
    const cron = recording.find('sst.aws.CronV2', name);
    if (!cron) {
      out.push({ rule: 'schedules', component: name, message: `no schedule runs ${spec.name}` });
      continue;
    }
    const fn = targetFunction(recording, cron, cron.args.function);
    if (!fn) {
      out.push({ rule: 'schedules', component: name, message: 'targets no function of this app' });
      continue;
    }
    const interval = rateSeconds(cron.args.schedule);
    const timeout = durationSeconds(fn.args.timeout) ?? SST_DEFAULTS.functionTimeoutSeconds;
    if (interval !== undefined && timeout >= interval) {
      out.push({
        rule: 'schedules',
        component: name,
        message: `${fn.name}'s timeout ${timeout} s is not below its interval ${interval} s; runs could overlap`,
      });
    }
  }
  return out;
};
