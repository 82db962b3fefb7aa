import { maxReceiveCount, QUEUE_NAMES, sstNames, VISIBILITY_TO_TIMEOUT_RATIO } from '@paperlane/core';
import { ESM_MAX_CONCURRENCY, ESM_MIN_CONCURRENCY } from '../concurrency';
import { DAY_SECONDS } from '../durations';
import type { RecordedComponent, Recording } from '../testing/recorder';
import { durationSeconds } from './durations';
import { applyTransform, targetFunction } from './functions';
import type { Rule, Violation } from './types';

/** SST's defaults, for args a component leaves out. */
export const SST_DEFAULTS = {
  visibilitySeconds: 30,
  functionTimeoutSeconds: 20,
  functionMemoryMb: 1024,
} as const;
/** SQS's default and maximum retention. */
const SQS_DEFAULT_RETENTION_SECONDS = 4 * DAY_SECONDS;
export const DLQ_RETENTION_SECONDS = 14 * DAY_SECONDS;

interface Redrive {
  target?: RecordedComponent;
  retry: unknown;
}

function redriveOf(recording: Recording, queue: RecordedComponent): Redrive | undefined {
  const dlq = queue.args.dlq;
  if (dlq === undefined || dlq === null) return undefined;
  if (typeof dlq === 'object' && 'queue' in dlq) {
    const { queue: target, retry } = dlq as { queue: unknown; retry: unknown };
    return { target: recording.resolve(target), retry };
  }
  // A bare ARN: SST redrives after 3 receives.
  return { target: recording.resolve(dlq), retry: 3 };
}

function retentionSeconds(queue: RecordedComponent): number {
  const transform = (queue.args.transform as { queue?: unknown } | undefined)?.queue;
  const effective = applyTransform<Sst.SqsQueueArgs>(transform, {});
  return effective.messageRetentionSeconds ?? SQS_DEFAULT_RETENTION_SECONDS;
}

function subscriberOf(recording: Recording, queue: string): RecordedComponent | undefined {
  return recording.ofType('sst.aws.QueueSubscriber').find((s) => s.args.queue === queue);
}

const violation = (rule: Violation['rule'], component: string, message: string): Violation => ({
  rule,
  component,
  message,
});

/** Every topology queue has both lanes and a DLQ, and its consumer subscribes to both lanes. */
export const queueCoverage: Rule = ({ recording }) => {
  const out: Violation[] = [];
  for (const queue of QUEUE_NAMES) {
    const consumer = sstNames.consumer(queue);
    for (const lane of ['high', 'low', 'dlq'] as const) {
      const name = sstNames.queue(queue, lane);
      if (!recording.find('sst.aws.Queue', name)) {
        out.push(violation('queue-coverage', name, `queue ${queue} has no ${lane} queue ${name}`));
        continue;
      }
      if (lane === 'dlq') continue;
      const subscriber = subscriberOf(recording, name);
      const target = subscriber && targetFunction(recording, subscriber, subscriber.args.subscriber);
      if (target?.name !== consumer) {
        out.push(violation('queue-coverage', name, `${name} is not consumed by ${consumer}`));
      }
    }
  }
  return out;
};

/** Consumed queues redrive to a DLQ of this app; DLQs keep messages 14 days; no queue is orphaned. */
export const deadLetter: Rule = ({ recording }) => {
  const out: Violation[] = [];
  const queues = recording.ofType('sst.aws.Queue');
  const dlqs = new Set(
    queues.flatMap((q) => {
      const target = redriveOf(recording, q)?.target;
      return target ? [target.name] : [];
    }),
  );
  for (const queue of queues) {
    const consumed = subscriberOf(recording, queue.name) !== undefined;
    const isDlq = dlqs.has(queue.name);
    if (consumed || !isDlq) {
      const redrive = redriveOf(recording, queue);
      if (!redrive) {
        out.push(
          violation(
            'dead-letter',
            queue.name,
            `queue ${queue.name} has no dead-letter queue (set dlq): a message that keeps failing would be retried until it expires, then lost`,
          ),
        );
      } else if (redrive.target?.type !== 'sst.aws.Queue') {
        out.push(
          violation('dead-letter', queue.name, `queue ${queue.name}'s dlq is not a queue of this app`),
        );
      }
    }
    if (!consumed && !isDlq) {
      out.push(
        violation(
          'dead-letter',
          queue.name,
          `queue ${queue.name} is neither consumed nor a dead-letter queue`,
        ),
      );
    }
    if (isDlq && retentionSeconds(queue) !== DLQ_RETENTION_SECONDS) {
      out.push(
        violation(
          'dead-letter',
          queue.name,
          `dead-letter queue ${queue.name} keeps messages ${retentionSeconds(queue) / DAY_SECONDS} days; keep them 14 (SQS's maximum) so failed jobs can be inspected and redriven`,
        ),
      );
    }
  }
  return out;
};

/** Lanes, subscriptions and consumers carry the topology's values. */
export const topologyMatch: Rule = ({ recording, topology }) => {
  const out: Violation[] = [];
  for (const queue of QUEUE_NAMES) {
    const t = topology[queue];
    const dlqName = sstNames.queue(queue, 'dlq');
    const consumer = recording.find('sst.aws.Function', sstNames.consumer(queue));
    if (consumer) {
      const timeout = durationSeconds(consumer.args.timeout);
      if (timeout !== t.timeoutSeconds) {
        out.push(
          violation(
            'topology',
            consumer.name,
            `timeout ${timeout ?? 'unset'} s differs from the topology's ${t.timeoutSeconds} s`,
          ),
        );
      }
      if (consumer.args.memory !== `${t.memoryMb} MB`) {
        out.push(
          violation(
            'topology',
            consumer.name,
            `memory ${String(consumer.args.memory)} differs from the topology's ${t.memoryMb} MB`,
          ),
        );
      }
    }
    for (const lane of ['high', 'low'] as const) {
      const name = sstNames.queue(queue, lane);
      const component = recording.find('sst.aws.Queue', name);
      if (!component) continue;
      const visibility = durationSeconds(component.args.visibilityTimeout) ?? SST_DEFAULTS.visibilitySeconds;
      if (visibility !== t.visibilityTimeoutSeconds) {
        out.push(
          violation(
            'topology',
            name,
            `visibility timeout ${visibility} s differs from the topology's ${t.visibilityTimeoutSeconds} s`,
          ),
        );
      }
      const redrive = redriveOf(recording, component);
      if (redrive && redrive.retry !== maxReceiveCount(t)) {
        out.push(
          violation(
            'topology',
            name,
            `redrives after ${String(redrive.retry)} receives; the topology says ${maxReceiveCount(t)} (attempts ${t.attempts} + the receive allowance)`,
          ),
        );
      }
      if (redrive?.target && redrive.target.name !== dlqName) {
        out.push(
          violation('topology', name, `redrives to ${redrive.target.name}, not its queue's ${dlqName}`),
        );
      }
      const subscriber = subscriberOf(recording, name);
      const batch = subscriber?.args.batch as Sst.QueueSubscriberArgs['batch'];
      if (subscriber && (batch?.size ?? 10) !== t.batchSize) {
        out.push(
          violation(
            'topology',
            name,
            `batch size ${batch?.size ?? 10} differs from the topology's ${t.batchSize}`,
          ),
        );
      }
      if (subscriber && (durationSeconds(batch?.window) ?? 0) !== t.batchWindowSeconds) {
        out.push(
          violation(
            'topology',
            name,
            `batch window ${durationSeconds(batch?.window) ?? 0} s differs from the topology's ${t.batchWindowSeconds} s`,
          ),
        );
      }
    }
  }
  return out;
};

/** A queue's visibility covers its consumer's timeout six times over, plus the batch window (AWS's guidance). */
export const visibility: Rule = ({ recording }) => {
  const out: Violation[] = [];
  for (const subscriber of recording.ofType('sst.aws.QueueSubscriber')) {
    const queue = recording.find('sst.aws.Queue', String(subscriber.args.queue));
    const fn = targetFunction(recording, subscriber, subscriber.args.subscriber);
    if (!queue || !fn) continue;
    const visible = durationSeconds(queue.args.visibilityTimeout) ?? SST_DEFAULTS.visibilitySeconds;
    const timeout = durationSeconds(fn.args.timeout) ?? SST_DEFAULTS.functionTimeoutSeconds;
    const window = durationSeconds((subscriber.args.batch as Sst.QueueSubscriberArgs['batch'])?.window) ?? 0;
    const needed = VISIBILITY_TO_TIMEOUT_RATIO * timeout + window;
    if (visible < needed) {
      out.push(
        violation(
          'visibility',
          queue.name,
          `visibility timeout ${visible} s is below ${VISIBILITY_TO_TIMEOUT_RATIO} × ${fn.name}'s timeout (${timeout} s) + batch window (${window} s) = ${needed} s; messages would reappear while their consumer still runs`,
        ),
      );
    }
  }
  return out;
};

/** Consumers report failed messages one by one. */
export const partialResponses: Rule = ({ recording }) =>
  recording
    .ofType('sst.aws.QueueSubscriber')
    .filter((s) => (s.args.batch as Sst.QueueSubscriberArgs['batch'])?.partialResponses !== true)
    .map((s) =>
      violation(
        'partial-responses',
        String(s.args.queue),
        `the subscriber of ${String(s.args.queue)} does not set batch.partialResponses: true; one failed message would send its whole batch back`,
      ),
    );

function maximumConcurrency(subscriber: RecordedComponent): number | undefined {
  const transform = (subscriber.args.transform as Sst.QueueSubscriberArgs['transform'])?.eventSourceMapping;
  return applyTransform<Sst.EventSourceMappingArgs>(transform, {}).scalingConfig?.maximumConcurrency;
}

/** Every event source is capped, within Lambda's bounds, and a queue's low lane below its high lane. */
export const concurrency: Rule = ({ recording }) => {
  const out: Violation[] = [];
  for (const subscriber of recording.ofType('sst.aws.QueueSubscriber')) {
    const max = maximumConcurrency(subscriber);
    const queue = String(subscriber.args.queue);
    if (max === undefined) {
      out.push(
        violation(
          'concurrency',
          queue,
          `the event source of ${queue} has no maximum concurrency (transform.eventSourceMapping.scalingConfig.maximumConcurrency); a burst would scale its consumer unbounded`,
        ),
      );
    } else if (!Number.isInteger(max) || max < ESM_MIN_CONCURRENCY || max > ESM_MAX_CONCURRENCY) {
      out.push(
        violation(
          'concurrency',
          queue,
          `maximum concurrency ${max} is outside Lambda's ${ESM_MIN_CONCURRENCY}-${ESM_MAX_CONCURRENCY} for SQS event sources`,
        ),
      );
    }
  }
  for (const queue of QUEUE_NAMES) {
    const [high, low] = (['high', 'low'] as const).map((lane) => {
      const subscriber = subscriberOf(recording, sstNames.queue(queue, lane));
      return subscriber ? maximumConcurrency(subscriber) : undefined;
    });
    if (high === undefined || low === undefined) continue;
    if (low > high || (low === high && high > ESM_MIN_CONCURRENCY)) {
      out.push(
        violation(
          'concurrency',
          sstNames.queue(queue, 'low'),
          `the low lane's maximum concurrency ${low} is not below the high lane's ${high}; batch work could crowd out user work`,
        ),
      );
    }
  }
  return out;
};

export const queueRules: Rule[] = [
  queueCoverage,
  deadLetter,
  topologyMatch,
  visibility,
  partialResponses,
  concurrency,
];
