import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { JobContext } from '@paperlane/core';
import type { SQSBatchItemFailure } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsWiring } from '../src/lambda/aws-wiring';
import { awaitJobsSettled } from './support/api-harness';
import { startLambdaEnvironment } from './support/lambda-environment';
import { type ConsumerLambda, startSqsEventSource } from './support/sqs-event-source';

/**
 * Fair share through the deployed consumer path: the automation queue's Lambda handler
 * (`createConsumer`, wired from the environment SST gives a function) fed by an emulated
 * SQS event source on fauxqs, job records and slots in dynalite. The producer runs with
 * fair share off (a process on an older deploy, or `FAIR_SHARE=off`), so every job of the
 * flood reaches SQS and only the consumer's gate stands between it and the workers.
 */
let environment: Awaited<ReturnType<typeof startLambdaEnvironment>>;

beforeAll(async () => {
  environment = await startLambdaEnvironment({
    name: 'fair-lambda',
    functionName: 'paperlane-test-automation',
  });
});

afterAll(async () => {
  await environment?.stop();
});

/** Jobs labelled `block.*` wait until released; what started, and the most of one tenant at once. */
function jobControl() {
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const running = new Map<string, number>();
  const peak = new Map<string, number>();
  let letGo = false;
  return {
    started,
    peak,
    async run(ctx: JobContext<'automation'>) {
      const tenant = ctx.job.tenantId;
      running.set(tenant, (running.get(tenant) ?? 0) + 1);
      peak.set(tenant, Math.max(peak.get(tenant) ?? 0, running.get(tenant) ?? 0));
      started.push(ctx.payload.tenantUserId);
      try {
        if (ctx.payload.tenantUserId.startsWith('block.') && !letGo) {
          await new Promise<void>((resolve) => releases.set(ctx.payload.tenantUserId, resolve));
        }
      } finally {
        running.set(tenant, (running.get(tenant) ?? 1) - 1);
      }
      return undefined;
    },
    /** From now on nothing blocks; the blocked ones go on. */
    releaseAll() {
      letGo = true;
      for (const release of releases.values()) release();
    },
  };
}

/** Resolves once `count` calls of the wiring's backlog write happened (it still writes). */
function countHolds(wiring: AwsWiring) {
  const store = wiring.store.fairShare;
  const hold = store.hold.bind(store);
  let holds = 0;
  const waiters = new Set<() => void>();
  store.hold = async (input) => {
    const result = await hold(input);
    holds++;
    for (const waiter of waiters) waiter();
    return result;
  };
  return (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (holds < count) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
}

describe('fair share on the SQS consumer Lambda', () => {
  it("holds a tenant's messages over its cap in the backlog and runs each of them once, later; another tenant goes first", async () => {
    const { sqs, urls } = environment;
    const { createAwsWiring } = await import('../src/lambda/aws-wiring');
    const { createConsumer } = await import('../src/lambda/consumer');
    const producer = createAwsWiring({ ...process.env, FAIR_SHARE: 'off' });
    const wiring = createAwsWiring({ ...process.env, FAIR_SHARE_MAX_IN_FLIGHT: '1' });
    const holdsReached = countHolds(wiring);
    const control = jobControl();
    const consume = createConsumer('automation', () => (ctx) => control.run(ctx), wiring);
    const failures: SQSBatchItemFailure[] = [];
    const consumer: ConsumerLambda = async (event, context) => {
      const result = await consume(event, context);
      failures.push(...(result?.batchItemFailures ?? []));
      return result;
    };

    const a = 'fair-a';
    const flood = await producer.dispatcher.enqueueMany(
      ['block.0', 'block.1', 'block.2', 'block.3'].map((label) => ({
        queue: 'automation' as const,
        payload: { tenantId: a, tenantUserId: label },
      })),
    );
    expect(flood.map((f) => f.sent)).toEqual([true, true, true, true]);

    // Two pollers per lane: Lambda runs several invocations of a consumer at once.
    const sources = [0, 1].map(() => startSqsEventSource(sqs, urls, { automation: consumer }));
    try {
      // One of A's jobs runs; its other three messages were taken off the queue into the backlog.
      await holdsReached(3);
      const held = await wiring.store.fairShare.held({ tenantId: a, queue: 'automation', limit: 10 });
      expect(held).toHaveLength(3);
      const b = await producer.dispatcher.enqueue('automation', { tenantId: 'fair-b', tenantUserId: 'ok.b' });
      await awaitJobsSettled(wiring, 'fair-b', [b.job.jobId]);
      // B finished while A's running job still blocks: it queued behind none of A's backlog.
      expect(control.started).toEqual([expect.stringMatching(/^block\./), 'ok.b']);

      control.releaseAll();
      const ids = flood.map(({ job }) => job.jobId);
      expect(await awaitJobsSettled(wiring, a, ids)).toEqual(new Map(ids.map((id) => [id, 'complete'])));
      const records = await Promise.all(ids.map((jobId) => wiring.store.jobs.get({ tenantId: a, jobId })));
      // Waiting in the backlog cost no attempt; each job ran exactly once, never two of A's at once.
      expect(records.map((r) => r?.attempts)).toEqual([1, 1, 1, 1]);
      expect([...control.started].sort()).toEqual(['block.0', 'block.1', 'block.2', 'block.3', 'ok.b']);
      expect(control.peak.get(a)).toBe(1);
    } finally {
      control.releaseAll();
      await Promise.all(sources.map((source) => source.stop()));
    }
    for (const source of sources) expect(source.errors).toEqual([]);
    // Held messages were acknowledged, not failed back into the queue, and none went to the DLQ.
    expect(failures).toEqual([]);
    const dlq = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: urls.automation.dlq,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(dlq.Attributes?.ApproximateNumberOfMessages).toBe('0');
    expect(await wiring.store.fairShare.held({ tenantId: a, queue: 'automation', limit: 10 })).toEqual([]);
    expect(await wiring.store.fairShare.slots({ tenantId: a, queue: 'automation' })).toEqual(new Map());
  });
});
