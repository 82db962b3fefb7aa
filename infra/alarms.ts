import { QUEUE_NAMES, type QueueName, sstNames, type Topology } from '@paperlane/core';
import { oldestMessageAgeThresholdSeconds } from './alarm-thresholds';
import { infraNames } from './names';
import type { QueueLanes } from './queues';

export interface AlarmOptions {
  topology: Topology;
  /** Multiplies the age thresholds (dev stages tolerate slower consumers). */
  ageFactor: number;
  /** Subscribed to the alarm topic when set. */
  email?: string;
}

/**
 * Per queue: any message in the DLQ (a job failed for good, or a consumer died on
 * every receive), and each lane's oldest message older than its threshold.
 */
export function queueAlarms(lanes: ReadonlyMap<QueueName, QueueLanes>, options: AlarmOptions) {
  const topic = new sst.aws.SnsTopic(infraNames.alarmTopic);
  if (options.email) {
    new aws.sns.TopicSubscription(infraNames.alarmEmail, {
      topic: topic.arn,
      protocol: 'email',
      endpoint: options.email,
    });
  }
  const actions = { alarmActions: [topic.arn], okActions: [topic.arn] };
  for (const queue of QUEUE_NAMES) {
    const queueLanes = lanes.get(queue);
    if (!queueLanes) throw new Error(`no lanes for ${queue}`);
    const dlqName = sstNames.queue(queue, 'dlq');
    new aws.cloudwatch.MetricAlarm(infraNames.dlqDepthAlarm(dlqName), {
      alarmDescription: `${queue}: messages in the dead-letter queue (failed jobs or a consumer crashing on every receive)`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: queueLanes.dlq.nodes.queue.name },
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      ...actions,
    });
    for (const lane of ['high', 'low'] as const) {
      const threshold = Math.ceil(
        oldestMessageAgeThresholdSeconds(options.topology[queue], lane) * options.ageFactor,
      );
      new aws.cloudwatch.MetricAlarm(infraNames.oldestAgeAlarm(sstNames.queue(queue, lane)), {
        alarmDescription: `${queue} (${lane} lane): oldest message older than ${threshold} s; consumers are falling behind`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: queueLanes[lane].nodes.queue.name },
        statistic: 'Maximum',
        period: 60,
        // Sustained for five minutes, not one slow batch.
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        threshold,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        ...actions,
      });
    }
  }
  return topic;
}
