import { createHmac, randomBytes } from 'node:crypto';
import { createLocalSecretCipher } from '@paperlane/adapters/crypto';
import { parseAllowedHosts } from '@paperlane/adapters/net/index';
import { createWebhookHttpSender } from '@paperlane/adapters/webhooks/index';
import { instrumentedWebhookSender } from '@paperlane/adapters/webhooks/instrumented-sender';
import { startTestReceiver, type TestReceiver } from '@paperlane/adapters/webhooks/test-receiver';
import {
  AbortedError,
  childSpan,
  DEFAULT_TOPOLOGY,
  type DomainEvent,
  decideRetry,
  discardDomainEvents,
  type EnqueueResult,
  type JobRecord,
  noMetrics,
  PermanentError,
  parseTraceparent,
  payloadSchemas,
  RetryableError,
  silentLogger,
  startTrace,
  ValidationError,
} from '@paperlane/core';
import { type Store, webhookDeliveryId, webhookSecretContext } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordingQueue } from '../automations/test-queue';
import { createWebhookDeliveryHandler } from './delivery-handler';
import { createWebhookFanout, fanOutEvent } from './fanout';
import { redeliverWebhook } from './redeliver';
import { generateWebhookSecret } from './signature';

let dynamo: TestDynamo;
let store: Store;
let receiver: TestReceiver;
let now = new Date('2030-01-01T00:00:00Z');
const clock = { now: () => now };
const cipher = createLocalSecretCipher({ key: randomBytes(32).toString('base64') });
const published: DomainEvent[] = [];
let queue: ReturnType<typeof recordingQueue>;
let fanout: ReturnType<typeof createWebhookFanout>;
let handler: ReturnType<typeof createWebhookDeliveryHandler>;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  receiver = await startTestReceiver();
  receiver.on('/fail', (_req, res) => res.writeHead(500).end('boom'));
  receiver.on('/busy', (_req, res) => res.writeHead(429, { 'retry-after': '30' }).end());
  receiver.on('/unavailable', (req, res) => {
    const asked = new URL(req.path, 'http://x').searchParams.get('retry-after');
    res.writeHead(503, asked ? { 'retry-after': asked } : {}).end();
  });
  receiver.on('/gone', (_req, res) => res.writeHead(410).end());
  receiver.on('/moved', (_req, res) => res.writeHead(302, { location: `${receiver.origin}/ok` }).end());
  receiver.on('/hang', () => {});
  receiver.on('/huge', (_req, res) => res.writeHead(200).end('y'.repeat(100_000)));
});
afterAll(async () => {
  await receiver?.close();
  await dynamo?.stop();
});
beforeEach(async () => {
  store = await dynamo.freshStore('webhook-jobs');
  published.length = 0;
  now = new Date('2030-01-01T00:00:00Z');
  queue = recordingQueue(store.jobs, clock.now);
  fanout = createWebhookFanout({ store, queue: queue.queue, clock });
  const events = {
    publish: async (event: DomainEvent) => {
      published.push(event);
      await fanout.publish(event);
    },
  };
  handler = createWebhookDeliveryHandler({
    store,
    cipher,
    clock,
    events,
    sender: createWebhookHttpSender({ allowedHosts: parseAllowedHosts('127.0.0.1'), timeoutMs: 300 }),
    disableAfterMs: 60 * 60_000,
  });
});

async function register(
  tenantId: string,
  webhookId: string,
  path: string,
  options: { events?: string[]; active?: boolean; url?: string } = {},
) {
  const secret = generateWebhookSecret();
  await store.webhooks.create({
    tenantId,
    webhookId,
    url: options.url ?? `${receiver.origin}${path}`,
    events: options.events ?? ['*'],
    active: options.active ?? true,
    secretCiphertext: await cipher.encrypt(secret, webhookSecretContext(tenantId, webhookId)),
    now,
  });
  return secret;
}

/** The job's context for one attempt, as the processor would give it. */
function contextOf(job: JobRecord, attempt = 1, span = startTrace()) {
  return {
    job,
    payload: job.payload as never,
    attempt,
    signal: new AbortController().signal,
    progress: async () => true as const,
    logger: silentLogger,
    span,
  };
}

function run(job: JobRecord, attempt = 1) {
  return handler(contextOf(job, attempt));
}

/** The job enqueued for a webhook by the last publish. */
function jobFor(results: EnqueueResult[], webhookId: string): JobRecord {
  const found = results.find((r) => (r.job.payload as { webhookId: string }).webhookId === webhookId);
  if (!found) throw new Error(`no job for ${webhookId}`);
  return found.job;
}

async function publishAndCollect(event: DomainEvent): Promise<EnqueueResult[]> {
  const before = queue.requests.length;
  await fanout.publish(event);
  return Promise.all(
    queue.requests.slice(before).map(async (request) => {
      const [result] = await queue.queue.enqueueMany([request]);
      return result!;
    }),
  );
}

describe('webhook fan-out', () => {
  it('creates one delivery and one job per matching active subscription, once', async () => {
    await register('acme', 'wh_inv', '/ok', { events: ['invoice.*'] });
    await register('acme', 'wh_all', '/ok');
    await register('acme', 'wh_entry', '/ok', { events: ['entry.approved'] });
    await register('acme', 'wh_off', '/ok', { active: false });
    await register('globex', 'wh_other', '/ok');

    const event = {
      tenantId: 'acme',
      type: 'invoice.processed',
      id: 'evt_A',
      payload: { invoice_id: 'inv_1' },
    };
    const first = await fanOutEvent({ store, queue: queue.queue, clock }, event);
    expect(first.deliveries.map((d) => [d.webhookId, d.created])).toEqual([
      ['wh_all', true],
      ['wh_inv', true],
    ]);
    const jobsAfterFirst = queue.requests.length;
    expect(queue.requests.map((r) => r.dedupeKey)).toEqual([
      webhookDeliveryId('evt_A', 'wh_all'),
      webhookDeliveryId('evt_A', 'wh_inv'),
    ]);

    const second = await fanOutEvent(
      { store, queue: queue.queue, clock },
      { ...event, payload: { changed: true } },
    );
    expect(second.deliveries.every((d) => !d.created)).toBe(true);
    // Re-enqueued with the same dedupe keys: the same job records, none new.
    const again = await queue.queue.enqueueMany(queue.requests.slice(jobsAfterFirst));
    expect(again.every((r) => !r.created)).toBe(true);
    const listed = await store.webhookDeliveries.listByWebhook({ tenantId: 'acme', webhookId: 'wh_all' });
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]?.payload).toEqual({ invoice_id: 'inv_1' });
    // The message carries references and the URL, never the secret.
    const payload = JSON.stringify(queue.requests[0]?.payload);
    expect(payload).not.toMatch(/whsec_|secret/i);
    expect(
      (await store.webhookDeliveries.listByWebhook({ tenantId: 'globex', webhookId: 'wh_other' })).items,
    ).toEqual([]);
  });

  it('refuses hostile events', async () => {
    const publish = (event: Partial<DomainEvent>) =>
      fanout.publish({ tenantId: 'acme', type: 'entry.approved', payload: {}, ...event } as DomainEvent);
    await expect(publish({ type: 'Entry Approved' })).rejects.toThrow(ValidationError);
    await expect(publish({ type: 'noDots' })).rejects.toThrow(ValidationError);
    await expect(publish({ tenantId: 'T#x' })).rejects.toThrow(ValidationError);
    await expect(publish({ id: 'a b' })).rejects.toThrow(ValidationError);
    await expect(publish({ payload: [] as unknown as Record<string, unknown> })).rejects.toThrow(
      ValidationError,
    );
    await expect(publish({ payload: { blob: 'x'.repeat(70_000) } })).rejects.toMatchObject({
      code: 'payload_too_large',
    });
  });
});

describe("a delivery's trace", () => {
  it("naming a parent keeps the fan-out's own fault hook (a publish's options add, they don't erase)", async () => {
    await register('acme', 'wh_faulted', '/ok', { events: ['entry.approved'] });
    const reached: string[] = [];
    const faulted = createWebhookFanout({
      store,
      queue: queue.queue,
      clock,
      faults: (p) => void reached.push(p),
    });
    await faulted.publish(
      { tenantId: 'acme', type: 'entry.approved', id: 'evt_faulted', payload: {} },
      { parent: startTrace() },
    );
    expect(reached).toEqual(['after-delivery-record', 'after-delivery-enqueue']);
  });

  it('continues the span that published the event, down to the POST it sends', async () => {
    await register('acme', 'wh_traced', '/ok', { events: ['entry.approved'] });
    const publisher = startTrace();
    const before = queue.requests.length;
    await fanout.publish(
      { tenantId: 'acme', type: 'entry.approved', id: 'evt_traced', payload: {} },
      { parent: publisher },
    );
    const [request] = queue.requests.slice(before);
    expect(request?.parent).toEqual(publisher);
    const [result] = await queue.queue.enqueueMany([request!]);
    const attempt = childSpan(publisher);
    const traced = createWebhookDeliveryHandler({
      store,
      cipher,
      clock,
      events: discardDomainEvents,
      sender: instrumentedWebhookSender(
        createWebhookHttpSender({ allowedHosts: parseAllowedHosts('127.0.0.1'), timeoutMs: 300 }),
        noMetrics,
      ),
    });
    const arrived = receiver.nextRequest();
    await traced(contextOf(result!.job, 1, attempt));
    const header = parseTraceparent((await arrived).headers.traceparent);
    expect(header?.traceId).toBe(publisher.traceId);
    expect([publisher.spanId, attempt.spanId]).not.toContain(header?.spanId);
  });
});

describe('webhook-delivery job against a loopback receiver', () => {
  it('signs and delivers, and records the success', async () => {
    const secret = await register('acme', 'wh_ok', '/ok');
    const [result] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_ok',
      payload: { entry_id: 'e1' },
    });
    const arrived = receiver.nextRequest();
    const summary = await run(result!.job);
    const seen = await arrived;
    expect(summary).toMatchObject({ status: 'succeeded', status_code: 200, attempts: 1 });
    expect(JSON.parse(seen.body)).toEqual({
      id: 'evt_ok',
      type: 'entry.approved',
      timestamp: now.toISOString(),
      data: { entry_id: 'e1' },
    });
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key)
      .update(`evt_ok.${seen.headers['webhook-timestamp']}.${seen.body}`)
      .digest('base64');
    expect(seen.headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(seen.headers['x-signature-256']).toBe(
      `sha256=${createHmac('sha256', secret).update(seen.body).digest('hex')}`,
    );
    const delivery = await store.webhookDeliveries.get({
      tenantId: 'acme',
      deliveryId: webhookDeliveryId('evt_ok', 'wh_ok'),
    });
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200 });
    expect(delivery?.durationMs).toBeGreaterThanOrEqual(0);
    // A duplicate message of a finished delivery sends nothing. (It runs as attempt 2: the
    // runtime's claim counts every run, and only attempt 1 of generation 0 skips the read.)
    const before = receiver.received.length;
    expect(await run(result!.job, 2)).toMatchObject({ skipped: 'succeeded' });
    expect(receiver.received.length).toBe(before);
  });

  describe('the event carried in the message', () => {
    /** The handler over a store whose delivery reads are counted. */
    function countingHandler() {
      const reads = { count: 0 };
      const counted = createWebhookDeliveryHandler({
        store: {
          webhooks: store.webhooks,
          webhookDeliveries: {
            ...store.webhookDeliveries,
            get: async (ref) => {
              reads.count++;
              return store.webhookDeliveries.get(ref);
            },
          },
        },
        cipher,
        clock,
        events: { publish: async () => {} },
        sender: createWebhookHttpSender({ allowedHosts: parseAllowedHosts('127.0.0.1'), timeoutMs: 300 }),
      });
      const runCounted = (job: JobRecord, attempt = 1, payload: unknown = job.payload) =>
        counted({
          job,
          payload: payload as never,
          attempt,
          signal: new AbortController().signal,
          progress: async () => true,
          logger: silentLogger,
          span: startTrace(),
        });
      return { reads, run: runCounted };
    }

    it('sends a first attempt without reading the delivery, later ones read it and send the same bytes', async () => {
      await register('acme', 'wh_carry', '/fail');
      const [result] = await publishAndCollect({
        tenantId: 'acme',
        type: 'entry.approved',
        id: 'evt_carry',
        payload: { entry_id: 'e9', amount: 12.5 },
      });
      expect(result!.job.payload).toMatchObject({ eventId: 'evt_carry', eventAt: now.toISOString() });
      const counting = countingHandler();
      const first = receiver.nextRequest();
      await expect(counting.run(result!.job)).rejects.toBeInstanceOf(RetryableError);
      expect(counting.reads.count).toBe(0);
      const firstBody = (await first).body;
      expect(JSON.parse(firstBody)).toEqual({
        id: 'evt_carry',
        type: 'entry.approved',
        timestamp: now.toISOString(),
        data: { entry_id: 'e9', amount: 12.5 },
      });
      now = new Date(now.getTime() + 60_000);
      await store.webhooks.update({
        tenantId: 'acme',
        webhookId: 'wh_carry',
        url: `${receiver.origin}/ok`,
        now,
      });
      const second = receiver.nextRequest();
      expect(await counting.run(result!.job, 2)).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(counting.reads.count).toBe(1);
      expect((await second).body).toBe(firstBody);
      expect(
        await store.webhookDeliveries.get({
          tenantId: 'acme',
          deliveryId: webhookDeliveryId('evt_carry', 'wh_carry'),
        }),
      ).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200 });
    });

    it('delivers a message enqueued before the event was carried, from the stored delivery', async () => {
      await register('acme', 'wh_legacy', '/ok');
      const [result] = await publishAndCollect({
        tenantId: 'acme',
        type: 'entry.approved',
        id: 'evt_legacy',
        payload: { entry_id: 'e1' },
      });
      const {
        eventId: _eventId,
        eventAt: _eventAt,
        ...legacy
      } = result!.job.payload as Record<string, unknown>;
      const counting = countingHandler();
      const arrived = receiver.nextRequest();
      expect(await counting.run(result!.job, 1, legacy)).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(counting.reads.count).toBe(1);
      expect(JSON.parse((await arrived).body)).toEqual({
        id: 'evt_legacy',
        type: 'entry.approved',
        timestamp: now.toISOString(),
        data: { entry_id: 'e1' },
      });
    });

    it('reads the delivery on a requeued job (a new generation) and sends nothing for a finished one', async () => {
      await register('acme', 'wh_requeue', '/ok');
      const [result] = await publishAndCollect({
        tenantId: 'acme',
        type: 'entry.approved',
        id: 'evt_requeue',
        payload: {},
      });
      await run(result!.job);
      const counting = countingHandler();
      const before = receiver.received.length;
      const requeued = { ...result!.job, generation: 1 };
      expect(await counting.run(requeued, 1)).toMatchObject({ skipped: 'succeeded' });
      expect(counting.reads.count).toBe(1);
      expect(receiver.received.length).toBe(before);
    });

    it('records a first attempt only over the pending delivery it started from', async () => {
      await register('acme', 'wh_raced', '/ok');
      const [result] = await publishAndCollect({
        tenantId: 'acme',
        type: 'entry.approved',
        id: 'evt_raced',
        payload: {},
      });
      const ref = { tenantId: 'acme', deliveryId: webhookDeliveryId('evt_raced', 'wh_raced') };
      // Another run already finished it (out of the runtime's order): this one's record is refused.
      await store.webhookDeliveries.recordAttempt({
        ...ref,
        status: 'succeeded',
        attempts: 1,
        lastStatusCode: 204,
        at: now,
      });
      await run(result!.job);
      expect(await store.webhookDeliveries.get(ref)).toMatchObject({
        status: 'succeeded',
        lastStatusCode: 204,
      });
    });

    it('refuses a message whose carried event is tampered with, before any job runs', () => {
      const schema = payloadSchemas['webhook-delivery'];
      const good = {
        tenantId: 'acme',
        webhookId: 'wh_1',
        webhookDeliveryId: 'whd_1',
        event: 'entry.approved',
        url: 'https://hooks.example.com/in',
        payload: {},
        eventId: 'evt_1',
        eventAt: '2030-01-01T00:00:00.000Z',
      };
      expect(schema.safeParse(good).success).toBe(true);
      for (const tampered of [
        { eventId: 'evt 1#WHD' },
        { eventId: '' },
        { eventId: 42 },
        { eventAt: 'yesterday' },
        { eventAt: '2030-01-01' },
        { eventAt: null },
        { secret: 'whsec_x' },
      ]) {
        expect(schema.safeParse({ ...good, ...tampered }).success, JSON.stringify(tampered)).toBe(false);
      }
    });
  });

  for (const { label, loseClaim } of [
    {
      label:
        'rides out a store outage after the receiver answered: one POST, recorded once the store is back',
      loseClaim: false,
    },
    // The lease keeper cannot renew during the outage either: a take-over must find the POST recorded.
    { label: 'records the POST through an outage even after the claim is lost', loseClaim: true },
  ]) {
    it(label, async () => {
      const webhookId = `wh_outage_${loseClaim}`;
      const eventId = `evt_outage_${loseClaim}`;
      await register('acme', webhookId, '/ok');
      const [result] = await publishAndCollect({
        tenantId: 'acme',
        type: 'entry.approved',
        id: eventId,
        payload: { entry_id: 'e1' },
      });
      const claim = new AbortController();
      let refusals = 2;
      const outage = () =>
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
      const flaky = createWebhookDeliveryHandler({
        store: {
          webhooks: {
            ...store.webhooks,
            recordDeliveryResult: async () => {
              throw outage();
            },
          },
          webhookDeliveries: {
            ...store.webhookDeliveries,
            recordAttempt: async (input) => {
              if (loseClaim && refusals === 2)
                queueMicrotask(() => claim.abort(new AbortedError('lease lapsed', { code: 'claim_lost' })));
              if (refusals-- > 0) throw outage();
              return store.webhookDeliveries.recordAttempt(input);
            },
          },
        },
        cipher,
        clock,
        events: { publish: async () => {} },
        sender: createWebhookHttpSender({ allowedHosts: parseAllowedHosts('127.0.0.1'), timeoutMs: 300 }),
      });
      const before = receiver.received.length;
      const summary = await flaky({
        job: result!.job,
        payload: result!.job.payload as never,
        attempt: 1,
        signal: claim.signal,
        progress: async () => true,
        logger: silentLogger,
        span: startTrace(),
      });
      expect(summary).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(refusals).toBe(-1);
      expect(claim.signal.aborted).toBe(loseClaim);
      expect(receiver.received.length - before).toBe(1);
      const delivery = await store.webhookDeliveries.get({
        tenantId: 'acme',
        deliveryId: webhookDeliveryId(eventId, webhookId),
      });
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1 });
    });
  }

  it("writes the subscription's health only when it changes or a minute has passed", async () => {
    await register('acme', 'wh_health', '/ok');
    const ref = { tenantId: 'acme', webhookId: 'wh_health' };
    const deliverAt = async (id: string, path = '/ok') => {
      await store.webhooks.update({ ...ref, url: `${receiver.origin}${path}`, now });
      const [result] = await publishAndCollect({ tenantId: 'acme', type: 'entry.approved', id, payload: {} });
      return run(result!.job).catch((e: unknown) => e);
    };
    await deliverAt('evt_h1');
    const first = await store.webhooks.get(ref);
    expect(first).toMatchObject({ lastDeliveryAt: now.toISOString(), lastStatusCode: 200 });
    // Ten seconds later, still healthy: the delivery is recorded, the subscription is not rewritten.
    now = new Date(now.getTime() + 10_000);
    expect(await deliverAt('evt_h2')).toMatchObject({ status: 'succeeded' });
    expect((await store.webhooks.get(ref))?.lastDeliveryAt).toBe(first?.lastDeliveryAt);
    // A minute on, it is refreshed.
    now = new Date(now.getTime() + 60_000);
    await deliverAt('evt_h3');
    expect((await store.webhooks.get(ref))?.lastDeliveryAt).toBe(now.toISOString());
    // A failure starts a failing run; the next success, however soon, ends it.
    now = new Date(now.getTime() + 1_000);
    expect(await deliverAt('evt_h4', '/fail')).toBeInstanceOf(RetryableError);
    expect((await store.webhooks.get(ref))?.consecutiveFailureSince).toBe(now.toISOString());
    now = new Date(now.getTime() + 1_000);
    await deliverAt('evt_h5');
    expect(await store.webhooks.get(ref)).toMatchObject({
      lastStatusCode: 200,
      lastDeliveryAt: now.toISOString(),
    });
    expect((await store.webhooks.get(ref))?.consecutiveFailureSince).toBeUndefined();
  });

  it('retries a 500 and fails the delivery on the last attempt', async () => {
    await register('acme', 'wh_500', '/fail');
    const [result] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_500',
      payload: {},
    });
    const error = await run(result!.job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBeUndefined();
    const ref = { tenantId: 'acme', deliveryId: webhookDeliveryId('evt_500', 'wh_500') };
    expect(await store.webhookDeliveries.get(ref)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 500,
      error: 'HTTP 500',
      responseExcerpt: 'boom',
    });
    expect(
      (await store.webhooks.get({ tenantId: 'acme', webhookId: 'wh_500' }))?.consecutiveFailureSince,
    ).toBe(now.toISOString());
    await expect(run(result!.job, result!.job.maxAttempts)).rejects.toBeInstanceOf(RetryableError);
    expect(await store.webhookDeliveries.get(ref)).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    await register('acme', 'wh_429', '/busy');
    const [result] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_429',
      payload: {},
    });
    const error = (await run(result!.job).catch((e: unknown) => e)) as RetryableError;
    expect(error.retryAfterMs).toBe(30_000);
    expect(
      await store.webhookDeliveries.get({
        tenantId: 'acme',
        deliveryId: webhookDeliveryId('evt_429', 'wh_429'),
      }),
    ).toMatchObject({ lastStatusCode: 429, nextAttemptAt: new Date(now.getTime() + 30_000).toISOString() });
  });

  it('honours a 503 Retry-After in seconds or as a date, caps a huge one, and backs off without one', async () => {
    const inTwoMinutes = new Date(now.getTime() + 120_000).toUTCString();
    const cases: Array<[string, number | undefined]> = [
      ['?retry-after=45', 45_000],
      [`?retry-after=${encodeURIComponent(inTwoMinutes)}`, 120_000],
      ['?retry-after=86400', 6 * 60 * 60_000],
      ['?retry-after=soon', undefined],
      ['', undefined],
    ];
    for (const [index, [query, expected]] of cases.entries()) {
      await register('acme', `wh_503_${index}`, `/unavailable${query}`);
      const results = await publishAndCollect({
        tenantId: 'acme',
        type: 'entry.approved',
        id: `evt_503_${index}`,
        payload: {},
      });
      const error = (await run(jobFor(results, `wh_503_${index}`)).catch(
        (e: unknown) => e,
      )) as RetryableError;
      expect(error).toBeInstanceOf(RetryableError);
      expect([query, error.retryAfterMs]).toEqual([query, expected]);
      const delivery = await store.webhookDeliveries.get({
        tenantId: 'acme',
        deliveryId: webhookDeliveryId(`evt_503_${index}`, `wh_503_${index}`),
      });
      expect(delivery).toMatchObject({ status: 'pending', lastStatusCode: 503 });
      expect(delivery?.nextAttemptAt).toBe(
        expected === undefined ? undefined : new Date(now.getTime() + expected).toISOString(),
      );
    }
  });

  it('retries with exponential backoff and jitter for about a day, then fails the delivery', async () => {
    // The runtime's own retry decision over the queue's topology, on a fake clock.
    const topology = DEFAULT_TOPOLOGY['webhook-delivery'];
    const daylong = createWebhookDeliveryHandler({
      store,
      cipher,
      clock,
      events: { publish: async (event) => void published.push(event) },
      sender: createWebhookHttpSender({ allowedHosts: parseAllowedHosts('127.0.0.1'), timeoutMs: 300 }),
    });
    await register('acme', 'wh_day', '/fail');
    const [result] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_day',
      payload: {},
    });
    const job = { ...result!.job, maxAttempts: topology.attempts };
    const ref = { tenantId: 'acme', deliveryId: webhookDeliveryId('evt_day', 'wh_day') };
    const started = now.getTime();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= topology.attempts; attempt++) {
      const error = await daylong({
        job,
        payload: job.payload as never,
        attempt,
        signal: new AbortController().signal,
        progress: async () => true,
        logger: silentLogger,
        span: startTrace(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryableError);
      const delivery = await store.webhookDeliveries.get(ref);
      expect(delivery).toMatchObject({ attempts: attempt, lastStatusCode: 500 });
      const decision = decideRetry({
        error,
        attempt,
        maxAttempts: topology.attempts,
        backoff: topology.backoff,
      });
      if (!decision.retry) {
        expect(attempt).toBe(topology.attempts);
        expect(decision.reason).toBe('exhausted');
        expect(delivery?.status).toBe('failed');
        break;
      }
      expect(delivery?.status).toBe('pending');
      delays.push(decision.delayMs);
      now = new Date(now.getTime() + decision.delayMs);
    }
    expect(delays).toHaveLength(topology.attempts - 1);
    // Each wait is between half and all of min(1 min × 2^(n-1), 6 h): exponential with jitter.
    for (const [index, delay] of delays.entries()) {
      const ceiling = Math.min(topology.backoff.maxMs, topology.backoff.baseMs * 2 ** index);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
    const spanHours = (now.getTime() - started) / 3_600_000;
    expect(spanHours).toBeGreaterThan(13);
    expect(spanHours).toBeLessThan(27);
    // Failing for a day is under the default span: the subscription stays on, nothing announced.
    expect(await store.webhooks.get({ tenantId: 'acme', webhookId: 'wh_day' })).toMatchObject({
      active: true,
      consecutiveFailureSince: new Date(started).toISOString(),
    });
    expect(published).toEqual([]);
    // Jitter: the same attempt waits differently from one delivery to the next.
    const spread = new Set(
      Array.from({ length: 50 }, () =>
        decideRetry({
          error: new RetryableError('x'),
          attempt: 5,
          maxAttempts: topology.attempts,
          backoff: topology.backoff,
        }),
      ).map((d) => (d.retry ? d.delayMs : 0)),
    );
    expect(spread.size).toBeGreaterThan(40);
  });

  it('disables the subscription on 410 Gone and announces it', async () => {
    await register('acme', 'wh_410', '/gone', { events: ['entry.*'] });
    await register('acme', 'wh_ops', '/ok', { events: ['webhook.disabled'] });
    const [result] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_410',
      payload: {},
    });
    expect(await run(result!.job)).toMatchObject({ status: 'failed', disabled: true, status_code: 410 });
    expect(await store.webhooks.get({ tenantId: 'acme', webhookId: 'wh_410' })).toMatchObject({
      active: false,
      disabledReason: 'endpoint answered 410 Gone',
    });
    expect(published.map((e) => [e.type, e.payload.webhook_id])).toEqual([['webhook.disabled', 'wh_410']]);
    // The announcement itself fanned out to the subscription that listens for it.
    const ops = await store.webhookDeliveries.listByWebhook({ tenantId: 'acme', webhookId: 'wh_ops' });
    expect(ops.items.map((d) => d.event)).toEqual(['webhook.disabled']);
    // Later events skip it; a delivery still queued for it is cancelled, not sent.
    const again = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_after',
      payload: {},
    });
    expect(again).toEqual([]);
    const { delivery } = await store.webhookDeliveries.create({
      tenantId: 'acme',
      deliveryId: 'whd_stale',
      webhookId: 'wh_410',
      event: 'entry.approved',
      eventId: 'evt_stale',
      payload: {},
      now,
    });
    const stale = {
      ...result!.job,
      payload: { ...result!.job.payload, webhookDeliveryId: delivery.deliveryId },
    };
    const before = receiver.received.length;
    expect(await run(stale as JobRecord)).toMatchObject({ skipped: 'inactive' });
    expect(receiver.received.length).toBe(before);
    expect(await store.webhookDeliveries.get({ tenantId: 'acme', deliveryId: 'whd_stale' })).toMatchObject({
      status: 'cancelled',
    });
  });

  it('treats a redirect as a failure without following it', async () => {
    await register('acme', 'wh_302', '/moved');
    const [result] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_302',
      payload: {},
    });
    const before = receiver.received.length;
    await expect(run(result!.job)).rejects.toThrow(/302/);
    expect(receiver.received.slice(before).map((r) => r.path)).toEqual(['/moved']);
  });

  it('times out a receiver that never answers, and caps a huge answer', async () => {
    await register('acme', 'wh_slow', '/hang');
    await register('acme', 'wh_huge', '/huge');
    const results = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_t',
      payload: {},
    });
    await expect(run(jobFor(results, 'wh_slow'))).rejects.toThrow(/timeout/);
    expect(await run(jobFor(results, 'wh_huge'))).toMatchObject({ status: 'succeeded' });
    const huge = await store.webhookDeliveries.get({
      tenantId: 'acme',
      deliveryId: webhookDeliveryId('evt_t', 'wh_huge'),
    });
    expect(huge?.responseExcerpt).toHaveLength(4096);
  });

  it('disables an endpoint that keeps failing past the configured span', async () => {
    await register('acme', 'wh_flaky', '/fail');
    const [first] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_f1',
      payload: {},
    });
    await expect(run(first!.job)).rejects.toBeInstanceOf(RetryableError);
    now = new Date(now.getTime() + 2 * 60 * 60_000);
    const [second] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_f2',
      payload: {},
    });
    expect(await run(second!.job)).toMatchObject({ disabled: true });
    expect(await store.webhooks.get({ tenantId: 'acme', webhookId: 'wh_flaky' })).toMatchObject({
      active: false,
    });
    expect(published.map((e) => e.type)).toEqual(['webhook.disabled']);
  });

  it('signs with both secrets during a rotation grace period, then only the new one', async () => {
    const old = await register('acme', 'wh_rot', '/ok');
    const fresh = generateWebhookSecret();
    const context = webhookSecretContext('acme', 'wh_rot');
    await store.webhooks.rotateSecret({
      tenantId: 'acme',
      webhookId: 'wh_rot',
      secretCiphertext: await cipher.encrypt(fresh, context),
      previousSecretCiphertext: await cipher.encrypt(old, context),
      previousExpiresAt: new Date(now.getTime() + 60_000),
      now,
    });
    const sign = (secret: string, seen: { headers: Record<string, unknown>; body: string }, id: string) =>
      `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
        .update(`${id}.${seen.headers['webhook-timestamp']}.${seen.body}`)
        .digest('base64')}`;

    const [during] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_r1',
      payload: {},
    });
    let arrived = receiver.nextRequest();
    await run(during!.job);
    let seen = await arrived;
    expect(seen.headers['webhook-signature']).toBe(
      `${sign(fresh, seen, 'evt_r1')} ${sign(old, seen, 'evt_r1')}`,
    );

    now = new Date(now.getTime() + 120_000);
    const [after] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_r2',
      payload: {},
    });
    arrived = receiver.nextRequest();
    await run(after!.job);
    seen = await arrived;
    expect(seen.headers['webhook-signature']).toBe(sign(fresh, seen, 'evt_r2'));
  });

  it('refuses a target the SSRF guard rejects at connect time, for good', async () => {
    await register('acme', 'wh_ssrf', '', { url: 'https://10.0.0.1/hook' });
    const [result] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_s',
      payload: {},
    });
    const error = await run(result!.job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'unsafe_webhook_url' });
    expect(
      await store.webhookDeliveries.get({
        tenantId: 'acme',
        deliveryId: webhookDeliveryId('evt_s', 'wh_ssrf'),
      }),
    ).toMatchObject({ status: 'failed' });
  });

  it('redelivers as a new delivery of the same event', async () => {
    await register('acme', 'wh_re', '/ok');
    const [result] = await publishAndCollect({
      tenantId: 'acme',
      type: 'entry.approved',
      id: 'evt_re',
      payload: { a: 1 },
    });
    const first = receiver.nextRequest();
    await run(result!.job);
    const sent = await first;
    const original = webhookDeliveryId('evt_re', 'wh_re');
    const deps = { store, queue: queue.queue, clock };
    const createdAt = now.toISOString();
    now = new Date(now.getTime() + 3_600_000);
    const redone = await redeliverWebhook(deps, {
      tenantId: 'acme',
      webhookId: 'wh_re',
      deliveryId: original,
    });
    expect(redone).toMatchObject({
      outcome: 'ok',
      delivery: {
        redeliveryOf: original,
        eventId: 'evt_re',
        eventAt: createdAt,
        status: 'pending',
        payload: { a: 1 },
      },
    });
    expect(queue.requests.at(-1)?.dedupeKey).toBe(redone.outcome === 'ok' ? redone.delivery.deliveryId : '');
    // The receiver gets the same body (event time included), signed afresh.
    const [again] = await queue.queue.enqueueMany([queue.requests.at(-1)!]);
    const second = receiver.nextRequest();
    expect(await run(again!.job)).toMatchObject({ status: 'succeeded' });
    const resent = await second;
    expect(resent.body).toBe(sent.body);
    expect(resent.headers['webhook-id']).toBe('evt_re');
    expect(Number(resent.headers['webhook-timestamp'])).toBe(
      Number(sent.headers['webhook-timestamp']) + 3600,
    );
    expect(
      await redeliverWebhook(deps, { tenantId: 'globex', webhookId: 'wh_re', deliveryId: original }),
    ).toEqual({
      outcome: 'not_found',
    });
  });
});
