import { randomBytes } from 'node:crypto';
import { createInProcessEventBus } from '@paperlane/adapters';
import { createLocalSecretCipher } from '@paperlane/adapters/crypto';
import { createSmtpEmailSender } from '@paperlane/adapters/email/smtp-email-sender';
import { parseAllowedHosts } from '@paperlane/adapters/net/index';
import { createWebhookHttpSender } from '@paperlane/adapters/webhooks/index';
import { startTestReceiver, type TestReceiver } from '@paperlane/adapters/webhooks/test-receiver';
import {
  discardDomainEvents,
  type FaultPoint,
  type JobHandler,
  PermanentError,
  RetryableError,
  resolveTopology,
  silentLogger,
} from '@paperlane/core';
import { sessionCompletedEventId } from '@paperlane/jobs/sessions/session-completion';
import { createWebhookDeliveryHandler } from '@paperlane/jobs/webhooks/delivery-handler';
import { generateWebhookSecret } from '@paperlane/jobs/webhooks/signature';
import {
  createDispatcher,
  createProcessor,
  FAULT_POINTS,
  isInjectedFault,
  type Outcome,
  type OutgoingMessage,
  sweepOnce,
  type Transport,
} from '@paperlane/runtime';
import { type Store, webhookSecretContext } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { type SmtpTestServer, startSmtpServer } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDomainEvents, jobSettledEventId, jobSettledHook } from './domain-events';

/**
 * The durable-effects invariant, point by point: the process "dies" at each named point
 * between two writes of a job's lifecycle (the fault hook throws, and the in-flight
 * delivery is abandoned: no further writes by it), its message comes back, leases lapse
 * and the sweeper runs, on a fake clock. Whatever the point, the job ends in the right
 * state once, its `job.*` webhook reaches a real loopback receiver exactly once, the
 * session's completion email reaches a real loopback SMTP server exactly once, and the
 * invoice and document say what happened.
 */

const LEASE_MS = 30_000;
const GRACE_MS = 60_000;
const topology = resolveTopology({ JOB_RETRY_ATTEMPTS: '3', JOB_RETRY_BACKOFF_MS: '10' });

let dynamo: TestDynamo;
let store: Store;
let receiver: TestReceiver;
let smtp: SmtpTestServer;
let nowMs = Date.parse('2030-01-01T00:00:00Z');
const clock = { now: () => new Date(nowMs) };
const cipher = createLocalSecretCipher({ key: randomBytes(32).toString('base64') });

beforeAll(async () => {
  [dynamo, receiver, smtp] = await Promise.all([startTestDynamo(), startTestReceiver(), startSmtpServer()]);
  store = await dynamo.freshStore('settle');
});
afterAll(async () => {
  await smtp?.stop();
  await receiver?.close();
  await dynamo?.stop();
});

type Scenario = 'completes' | 'fails' | 'retries' | 'consumer-lost';
const SCENARIOS: Scenario[] = ['completes', 'fails', 'retries', 'consumer-lost'];

/** What each scenario must end with. */
const EXPECTED: Record<
  Scenario,
  { status: 'complete' | 'failed'; invoice: string; document: string; errorCode?: string }
> = {
  completes: { status: 'complete', invoice: 'processed', document: 'processed' },
  fails: { status: 'failed', invoice: 'error', document: 'failed', errorCode: 'unreadable' },
  retries: { status: 'complete', invoice: 'processed', document: 'processed' },
  'consumer-lost': { status: 'failed', invoice: 'error', document: 'failed', errorCode: 'consumer_lost' },
};

/** Handler runs per invoice, to fail the first run of a `retries` invoice only. */
const runs = new Map<string, number>();

/** The invoice job: marks its invoice and document the way the real handler ends. */
const invoiceHandler: JobHandler<'invoice-processing'> = async (ctx) => {
  const { tenantId, invoiceId } = ctx.payload;
  const scenario = tenantId.split('-')[1] as Scenario;
  const run = (runs.get(invoiceId) ?? 0) + 1;
  runs.set(invoiceId, run);
  const invoice = await store.invoices.get({ tenantId, invoiceId });
  if (!invoice) throw new PermanentError('no invoice');
  if (scenario === 'retries' && run === 1) throw new RetryableError('OCR provider busy');
  const now = clock.now();
  if (scenario === 'fails') {
    await store.invoices.update({ tenantId, invoiceId, status: 'error', error: 'unreadable', now });
    await store.documents.update({
      tenantId,
      documentId: invoice.documentId,
      status: 'failed',
      error: 'unreadable',
      now,
    });
    throw new PermanentError('the file is not a readable invoice', { code: 'unreadable' });
  }
  await store.invoices.update({ tenantId, invoiceId, status: 'processed', now });
  await store.documents.update({ tenantId, documentId: invoice.documentId, status: 'processed', now });
  return { fields: 3 };
};

/**
 * One "deployment": the in-memory message list stands in for the queue (what matters
 * here is what the store, processor and sweeper do, and a message that comes back).
 */
function world(faults: (point: FaultPoint) => void) {
  const queued: OutgoingMessage[] = [];
  const transport: Transport = {
    name: 'memory',
    send: async (messages) => {
      queued.push(...messages);
      return [];
    },
    close: async () => {},
  };
  const common = { topology, clock, logger: silentLogger, sweepGraceMs: GRACE_MS };
  const dispatcher = createDispatcher({ ...common, store: store.jobs, transport });
  const domainEvents = createDomainEvents(store, dispatcher);
  const events = createInProcessEventBus(silentLogger);
  const email = createSmtpEmailSender({ url: smtp.url, from: 'paperlane@example.com' });
  const onSettled = jobSettledHook({ store, domainEvents, events, email, clock });
  const sessionAnnouncements: string[] = [];
  events.subscribe((event) => {
    if (event.type === 'session:completed') sessionAnnouncements.push(event.sessionId);
  });
  const handlers = {
    'invoice-processing': invoiceHandler,
    'webhook-delivery': createWebhookDeliveryHandler({
      store,
      cipher,
      clock,
      events: discardDomainEvents,
      sender: createWebhookHttpSender({ allowedHosts: parseAllowedHosts('127.0.0.1'), timeoutMs: 2_000 }),
    }),
  };
  const processor = createProcessor({
    ...common,
    store: store.jobs,
    events,
    handlers,
    leaseMs: LEASE_MS,
    onSettled,
    faults,
  });
  const sweepDeps = { ...common, store: store.jobs, dispatcher, events, onSettled, faults };
  return { queued, dispatcher, processor, sweepDeps, sessionAnnouncements };
}

/** Delivers, lets time pass, sweeps, until nothing is queued and nothing is due, ever. */
async function drain(w: ReturnType<typeof world>): Promise<{ dead: Outcome[] }> {
  const dead: Outcome[] = [];
  for (let round = 0; round < 40; round++) {
    const later: OutgoingMessage[] = [];
    while (w.queued.length > 0) {
      const message = w.queued.shift() as OutgoingMessage;
      let outcome: Outcome;
      try {
        outcome = await w.processor.process({ queue: message.envelope.queue, body: message.envelope });
      } catch (error) {
        if (!isInjectedFault(error)) throw error;
        later.push(message); // the process died holding it: the message comes back later
        continue;
      }
      if (outcome.kind === 'retry' || outcome.kind === 'defer') later.push(message);
      if (outcome.kind === 'dead') dead.push(outcome);
    }
    // Past every lease, retry backoff and sweep grace.
    nowMs += LEASE_MS + GRACE_MS + 1_000;
    w.queued.push(...later);
    try {
      await sweepOnce(w.sweepDeps);
    } catch (error) {
      if (!isInjectedFault(error)) throw error;
    }
    const due = await store.jobs.listDue(new Date(nowMs + 365 * 24 * 3_600_000), 1000);
    if (w.queued.length === 0 && due.length === 0) return { dead };
  }
  throw new Error('did not settle within 40 rounds');
}

async function seed(tenantId: string) {
  const now = clock.now();
  const documentId = `doc-${tenantId}`;
  const invoiceId = `inv-${tenantId}`;
  const sessionId = `ses-${tenantId}`;
  await store.sessions.create({
    tenantId,
    sessionId,
    expectedJobs: 1,
    notifyEmail: `ap+${tenantId}@example.com`,
    now,
  });
  await store.documents.create({
    tenantId,
    documentId,
    fileName: 'invoice.pdf',
    contentType: 'application/pdf',
    sizeBytes: 10,
    sha256: '0'.repeat(64),
    blobKey: `blobs/${documentId}`,
    now,
  });
  await store.invoices.create({ tenantId, invoiceId, documentId, source: 'upload', now });
  const webhookId = `wh-${tenantId}`;
  await store.webhooks.create({
    tenantId,
    webhookId,
    url: `${receiver.origin}/hook/${tenantId}`,
    events: ['job.*', 'session.completed'],
    active: true,
    secretCiphertext: await cipher.encrypt(
      generateWebhookSecret(),
      webhookSecretContext(tenantId, webhookId),
    ),
    now,
  });
  return { documentId, invoiceId, webhookId, sessionId };
}

/** Each fault point, and what to arm for it: a sweeper-only point needs the processor to die first. */
function armFor(point: FaultPoint): FaultPoint[] {
  return point === 'after-settle-take' ? ['after-hook', point] : [point];
}

const hitPoints = new Set<FaultPoint>();
let caseNo = 0;

describe.each(FAULT_POINTS)('a process that dies at %s', (point) => {
  it.each(SCENARIOS)(
    'leaves a job that %s finished once, announced once, its invoice right, its session announced once',
    async (scenario) => {
      const tenantId = `t-${scenario}-${++caseNo}`;
      const { documentId, invoiceId, webhookId, sessionId } = await seed(tenantId);
      const armed = armFor(point);
      const hits: FaultPoint[] = [];
      const w = world((reached) => {
        if (armed[0] !== reached) return;
        hits.push(armed.shift() as FaultPoint);
        throw new Error(`simulated death at ${reached}`);
      });
      const { job } = await w.dispatcher.enqueue(
        'invoice-processing',
        { tenantId, invoiceId },
        { documentId, sessionId },
      );
      if (scenario === 'consumer-lost') {
        // Every attempt's consumer died holding the claim (an OOM on this file, say).
        for (let i = 0; i < job.maxAttempts; i++) {
          expect((await store.jobs.claim({ ...job, now: clock.now(), leaseMs: LEASE_MS })).outcome).toBe(
            'claimed',
          );
          nowMs += LEASE_MS + 1;
        }
      }
      await drain(w);
      if (hits.includes(point)) hitPoints.add(point);

      const expected = EXPECTED[scenario];
      const final = await store.jobs.get(job);
      expect(final).toMatchObject({ status: expected.status });
      if (expected.errorCode) expect(final?.errorCode).toBe(expected.errorCode);
      expect(final?.settleAt).toBeUndefined();
      // A lost last attempt is never run again (it may be what killed its consumers).
      if (scenario === 'consumer-lost') expect(runs.get(invoiceId)).toBeUndefined();

      expect((await store.invoices.get({ tenantId, invoiceId }))?.status).toBe(expected.invoice);
      expect((await store.documents.get({ tenantId, documentId }))?.status).toBe(expected.document);

      const eventId = jobSettledEventId({ status: expected.status, jobId: job.jobId, generation: 0 });
      const sessionEventId = sessionCompletedEventId(sessionId);
      const received = receiver.received.filter((r) => r.path === `/hook/${tenantId}`);
      expect(received.map((r) => r.headers['webhook-id']).sort()).toEqual([eventId, sessionEventId].sort());
      const bodies = received.map(
        (r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> },
      );
      expect(bodies.find((b) => b.type !== 'session.completed')).toMatchObject({
        type: expected.status === 'complete' ? 'job.completed' : 'job.failed',
        data: { job_id: job.jobId },
      });
      const counts = {
        complete: expected.status === 'complete' ? 1 : 0,
        failed: expected.status === 'failed' ? 1 : 0,
        cancelled: 0,
      };
      expect(bodies.find((b) => b.type === 'session.completed')).toMatchObject({
        data: { session_id: sessionId, counts },
      });
      const deliveries = await store.webhookDeliveries.listByWebhook({ tenantId, webhookId });
      expect(deliveries.items.map((d) => [d.eventId, d.status]).sort()).toEqual(
        [
          [eventId, 'succeeded'],
          [sessionEventId, 'succeeded'],
        ].sort(),
      );
      // The realtime announcement: exactly once, and the session record says so.
      expect(w.sessionAnnouncements).toEqual([sessionId]);
      expect(await store.sessions.get({ tenantId, sessionId })).toMatchObject({
        status: 'complete',
        counts,
        announcedAt: expect.any(String),
        notifiedAt: expect.any(String),
      });
      // The uploader's email: exactly once, with the counts.
      const emails = smtp.received.filter((m) => m.to.includes(`ap+${tenantId}@example.com`));
      expect(emails).toHaveLength(1);
      expect(emails[0]?.raw).toContain(`Jobs complete: ${counts.complete}`);
      expect(emails[0]?.raw).toContain(`Jobs failed: ${counts.failed}`);
    },
  );
});

describe('the fault points', () => {
  it('were each reached by at least one scenario above', () => {
    expect([...hitPoints].sort()).toEqual([...FAULT_POINTS].sort());
  });
});

describe('jobSettledEventId', () => {
  it('is the same for every run of one outcome, and new for the outcome of a retry by hand', () => {
    const job = { jobId: 'job_1', generation: 0 };
    expect(jobSettledEventId({ ...job, status: 'complete' })).toBe('job.completed:job_1');
    expect(jobSettledEventId({ ...job, status: 'failed' })).toBe('job.failed:job_1');
    expect(jobSettledEventId({ ...job, status: 'failed', generation: 2 })).toBe('job.failed:job_1:g2');
  });
});
