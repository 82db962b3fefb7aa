import {
  maxReceiveCount,
  QUEUE_NAMES,
  type QueueName,
  type QueueTopology,
  sstNames,
  type Topology,
} from '@paperlane/core';
import { laneConcurrency } from './concurrency';
import { DAY_SECONDS, seconds } from './durations';
import { type LambdaOptions, lambdaArgs } from './lambda';
import { lambdaSpecs } from './needs';
import { keepOnRemoval } from './removal';

type Queue = InstanceType<typeof sst.aws.Queue>;
type Fn = InstanceType<typeof sst.aws.Function>;

/** A job queue on SQS: two lanes (SQS has no priorities) sharing one dead-letter queue. */
export interface QueueLanes {
  high: Queue;
  low: Queue;
  dlq: Queue;
}

export interface QueueLaneOptions {
  topology: Topology;
  /** Lane retention; production keeps the topology's, dev stages less. */
  messageRetentionDays: (queue: QueueTopology) => number;
}

/**
 * Every queue's DLQ and lanes, from the topology. Lanes redrive to the DLQ after
 * `maxReceiveCount(topology)` receives: the job record counts attempts, so redrive is
 * only the backstop for a consumer that dies on every receive.
 */
export function queueLanes(options: QueueLaneOptions): Map<QueueName, QueueLanes> {
  const lanes = new Map<QueueName, QueueLanes>();
  for (const queue of QUEUE_NAMES) {
    const topology = options.topology[queue];
    // Queued jobs and failed ones awaiting redrive outlive a removed production stage.
    const dlq = new sst.aws.Queue(
      sstNames.queue(queue, 'dlq'),
      { transform: { queue: { messageRetentionSeconds: topology.dlqRetentionDays * DAY_SECONDS } } },
      keepOnRemoval(),
    );
    const lane = (name: string) =>
      new sst.aws.Queue(
        name,
        {
          visibilityTimeout: seconds(topology.visibilityTimeoutSeconds),
          dlq: { queue: dlq.arn, retry: maxReceiveCount(topology) },
          transform: {
            queue: { messageRetentionSeconds: options.messageRetentionDays(topology) * DAY_SECONDS },
          },
        },
        keepOnRemoval(),
      );
    lanes.set(queue, {
      high: lane(sstNames.queue(queue, 'high')),
      low: lane(sstNames.queue(queue, 'low')),
      dlq,
    });
  }
  return lanes;
}

export interface QueueConsumerOptions extends Omit<LambdaOptions, 'timeoutSeconds' | 'memoryMb'> {
  topology: Topology;
  /** The queue's concurrency for this stage (production: the topology's). */
  concurrency: (queue: QueueTopology) => number;
}

/**
 * One consumer function per queue, subscribed to both lanes with partial batch
 * responses. The low lane's event source gets the lower maximum concurrency.
 */
export function queueConsumers(
  lanes: ReadonlyMap<QueueName, QueueLanes>,
  options: QueueConsumerOptions,
): Map<QueueName, Fn> {
  const consumers = new Map<QueueName, Fn>();
  for (const [queue, { high, low }] of lanes) {
    const topology = options.topology[queue];
    const spec = lambdaSpecs.consumer(queue);
    const fn = new sst.aws.Function(
      spec.name,
      lambdaArgs(spec, {
        ...options,
        timeoutSeconds: topology.timeoutSeconds,
        memoryMb: topology.memoryMb,
        description: `Consumes the ${queue} queue (both lanes)`,
      }),
    );
    const concurrency = laneConcurrency(options.concurrency(topology));
    const subscribe = (lane: Queue, maximumConcurrency: number) =>
      lane.subscribe(fn.arn, {
        batch: {
          size: topology.batchSize,
          window: seconds(topology.batchWindowSeconds),
          partialResponses: true,
        },
        // SST's subscriber has no concurrency option; the event source mapping takes it.
        transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency } } },
      });
    subscribe(high, concurrency.high);
    subscribe(low, concurrency.low);
    consumers.set(queue, fn);
  }
  return consumers;
}
