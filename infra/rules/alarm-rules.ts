import { QUEUE_NAMES, sstNames } from '@paperlane/core';
import { oldestMessageAgeThresholdSeconds } from '../alarm-thresholds';
import type { RecordedComponent } from '../testing/recorder';
import type { Rule, Violation } from './types';

function alarmsOn(
  alarms: RecordedComponent[],
  recordingResolve: (ref: unknown) => RecordedComponent | undefined,
) {
  return (queue: string, metric: string) =>
    alarms.filter((a) => {
      const args = a.args as unknown as Sst.MetricAlarmArgs;
      return (
        args.namespace === 'AWS/SQS' &&
        args.metricName === metric &&
        recordingResolve(args.dimensions?.QueueName)?.name === queue
      );
    });
}

/** Per queue: the DLQ's depth above zero, and each lane's oldest message age, alarm someone. */
export const alarms: Rule = ({ recording, topology }) => {
  const out: Violation[] = [];
  const find = alarmsOn(recording.ofType('aws.cloudwatch.MetricAlarm'), (ref) => recording.resolve(ref));
  const push = (component: string, message: string) => out.push({ rule: 'alarms', component, message });
  const notifies = (alarm: RecordedComponent) =>
    ((alarm.args as unknown as Sst.MetricAlarmArgs).alarmActions ?? []).length > 0;
  for (const queue of QUEUE_NAMES) {
    const dlq = sstNames.queue(queue, 'dlq');
    const depth = find(dlq, 'ApproximateNumberOfMessagesVisible').find((a) => {
      const args = a.args as unknown as Sst.MetricAlarmArgs;
      return args.threshold === 0 && args.comparisonOperator === 'GreaterThanThreshold';
    });
    if (!depth) push(dlq, `no alarm on ${dlq}'s ApproximateNumberOfMessagesVisible > 0`);
    else if (!notifies(depth)) push(depth.name, 'notifies nobody (no alarmActions)');
    for (const lane of ['high', 'low'] as const) {
      const name = sstNames.queue(queue, lane);
      const age = find(name, 'ApproximateAgeOfOldestMessage')[0];
      if (!age) {
        push(name, `no alarm on ${name}'s ApproximateAgeOfOldestMessage`);
        continue;
      }
      const threshold = (age.args as unknown as Sst.MetricAlarmArgs).threshold;
      const floor = oldestMessageAgeThresholdSeconds(topology[queue], lane);
      if (threshold < floor) {
        push(
          age.name,
          `threshold ${threshold} s is below the ${floor} s a healthy ${queue} message may wait; it would fire on normal retries`,
        );
      }
      if (!notifies(age)) push(age.name, 'notifies nobody (no alarmActions)');
    }
  }
  return out;
};
