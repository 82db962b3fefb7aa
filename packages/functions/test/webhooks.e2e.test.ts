/**
 * Signed webhooks through the stack `npm start` wires: registration and app events
 * through the HTTP API, business events from real jobs (an upload's OCR and
 * extraction), the webhook-delivery worker with the SSRF-guarded sender, and a real
 * receiver on loopback that verifies both signature schemes with its own code.
 * Retry timing, the failure-span rule and rotation expiry run on a fake clock in
 * jobs/src/webhooks/webhooks.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ReceivedRequest,
  startTestReceiver,
  type TestReceiver,
} from '@paperlane/adapters/webhooks/test-receiver';
import { expectedInvoiceFields, invoiceFixture } from '@paperlane/testing';
import { verifyStandardWebhooks, verifyXSignature256 } from '@paperlane/testing/webhook-verifiers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalProcess, startLocal } from '../src/local/start-local';
import { uploadForm } from './support/api-harness';
import { apiClient, recordingLogger, watchJobEvents } from './support/local-stack';

// The receiver's verification is written from the two specs (@paperlane/testing), sharing no code with the sender.

function verifiesBoth(secret: string, request: Pick<ReceivedRequest, 'body' | 'headers'>): boolean {
  return (
    verifyXSignature256(secret, request.body, request.headers['x-signature-256']) &&
    verifyStandardWebhooks(secret, request.body, request.headers)
  );
}

/** The same request with one byte of the body changed. */
function tampered(request: ReceivedRequest, at = Math.floor(request.body.length / 2)) {
  const bytes = Buffer.from(request.body, 'utf8');
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return { ...request, body: bytes.toString('utf8') };
}

// --- The stack. ---

let receiver: TestReceiver;
let local: LocalProcess;
let dataDir: string;
let events: ReturnType<typeof watchJobEvents>;
/** Secrets each receiver path accepts (the subscriber's own configuration). */
const accepted = new Map<string, string[]>();
let flakyCalls = 0;

beforeAll(async () => {
  receiver = await startTestReceiver();
  // A subscriber answers 200 only to requests it can verify with a secret it holds.
  const verifying = (path: string) =>
    receiver.on(path, (request, res) => {
      const ok = (accepted.get(path) ?? []).some((secret) => verifiesBoth(secret, request));
      res.writeHead(ok ? 200 : 401).end(ok ? 'verified' : 'bad signature');
    });
  for (const path of ['/erp', '/ops', '/rotating']) verifying(path);
  receiver.on('/gone', (_req, res) => res.writeHead(410).end('unsubscribed'));
  receiver.on('/flaky', (_req, res) => {
    flakyCalls++;
    if (flakyCalls === 1) res.writeHead(503, { 'retry-after': '1' }).end('busy');
    else res.writeHead(200).end('ok');
  });
  dataDir = await mkdtemp(join(tmpdir(), 'paperlane-webhooks-e2e-'));
  local = await startLocal({
    env: {
      DATA_DIR: dataDir,
      PORT: '0',
      JWT_SECRET: 'webhooks-e2e-secret-that-is-long-enough-for-hs256',
      WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${receiver.port}`,
    },
    sweeper: false,
    logger: recordingLogger(),
  });
  events = watchJobEvents(local.container.events);
});
afterAll(async () => {
  events?.stop();
  await local?.close();
  await receiver?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The first request to reach the receiver that matches (already arrived or still to come). */
async function arrival(match: (request: ReceivedRequest) => boolean): Promise<ReceivedRequest> {
  for (;;) {
    const found = receiver.received.find(match);
    if (found) return found;
    await receiver.nextRequest();
  }
}

const typed = (path: string, type: string) => (r: ReceivedRequest) =>
  r.path === path && JSON.parse(r.body).type === type;

/** Resolves when the delivery's job has finished (its record is final then). */
function deliverySettled(deliveryId: string) {
  return events.next(
    (e) =>
      e.queue === 'webhook-delivery' &&
      (e.type === 'job:complete' || e.type === 'job:failed') &&
      e.result?.delivery_id === deliveryId,
  );
}

async function register(api: ReturnType<typeof apiClient>, path: string, eventNames: string[]) {
  const created = await api.call('POST', '/api/webhooks', {
    url: `${receiver.origin}${path}`,
    events: eventNames,
  });
  expect(created.status).toBe(201);
  accepted.set(path, [created.body.secret]);
  return created.body as { webhook_id: string; secret: string };
}

describe('webhooks end to end (npm start wiring, loopback receiver)', () => {
  const api = () => apiClient(local, { tenantId: 'hooks-acme' });

  it('delivers app and job events signed both ways; the receiver verifies them; one changed byte fails', async () => {
    const client = api();
    const erp = await register(client, '/erp', ['entry.approved', 'job.completed', 'invoice.processed']);
    expect(erp.secret).toMatch(/^whsec_/);
    const shown = await client.call('GET', `/api/webhooks/${erp.webhook_id}`);
    expect(shown.text).not.toContain(erp.secret);

    const published = await client.call('POST', '/api/events', {
      event: 'entry.approved',
      payload: { entry_id: 'e-1', amount: 1250 },
    });
    expect(published).toMatchObject({ status: 202, body: { deliveries: 1 } });
    const approved = await arrival(typed('/erp', 'entry.approved'));
    expect(JSON.parse(approved.body)).toMatchObject({
      id: published.body.event_id,
      type: 'entry.approved',
      data: { entry_id: 'e-1', amount: 1250 },
    });
    expect(approved.headers['webhook-id']).toBe(published.body.event_id);
    expect(verifiesBoth(erp.secret, approved)).toBe(true);
    // One changed byte anywhere in the body breaks both signatures.
    for (const at of [0, 10, approved.body.length - 1]) {
      const forged = tampered(approved, at);
      expect(verifyXSignature256(erp.secret, forged.body, forged.headers['x-signature-256'])).toBe(false);
      expect(verifyStandardWebhooks(erp.secret, forged.body, forged.headers)).toBe(false);
    }
    // So does a changed id or timestamp, or another secret.
    const later = String(Number(approved.headers['webhook-timestamp']) + 1);
    expect(
      verifyStandardWebhooks(erp.secret, approved.body, { ...approved.headers, 'webhook-timestamp': later }),
    ).toBe(false);
    expect(
      verifyStandardWebhooks(erp.secret, approved.body, { ...approved.headers, 'webhook-id': 'evt_x' }),
    ).toBe(false);
    expect(verifiesBoth(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, approved)).toBe(false);

    // An upload's jobs complete: job.completed for each, invoice.processed for the invoice.
    const pdf = new Blob([await invoiceFixture('en-us-classic.pdf')], { type: 'application/pdf' });
    const token = await local.token('hooks-acme');
    const upload = await fetch(`${local.url}/api/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: uploadForm([{ name: 'invoice.pdf', blob: pdf }]),
    });
    expect(upload.status).toBe(202);
    const uploaded = (await upload.json()) as {
      documents: Array<{ document_id: string }>;
      jobs: Array<{ job_id: string; queue: string }>;
    };
    const invoiceJob = uploaded.jobs.find((j) => j.queue === 'invoice-processing')?.job_id;
    const thumbnailJob = uploaded.jobs.find((j) => j.queue === 'thumbnail')?.job_id;
    const processed = await arrival(typed('/erp', 'invoice.processed'));
    const completed = await Promise.all(
      [invoiceJob, thumbnailJob].map((jobId) =>
        arrival((r) => typed('/erp', 'job.completed')(r) && JSON.parse(r.body).data.job_id === jobId),
      ),
    );
    for (const request of [processed, ...completed]) expect(verifiesBoth(erp.secret, request)).toBe(true);
    const expected = await expectedInvoiceFields('en-us-classic');
    expect(JSON.parse(processed.body).data).toMatchObject({
      document_id: uploaded.documents[0]?.document_id,
      invoice_number: expected.invoiceNumber,
      total: expected.total,
    });
    expect(completed.map((r) => JSON.parse(r.body).data)).toEqual([
      expect.objectContaining({ job_id: invoiceJob, queue: 'invoice-processing', status: 'complete' }),
      expect.objectContaining({ job_id: thumbnailJob, queue: 'thumbnail', status: 'complete' }),
    ]);
    // The receiver's answers are the record: every delivery it verified is a success.
    const eventIds = [approved, processed, ...completed].map((r) => r.headers['webhook-id']);
    const listed = await client.call('GET', `/api/webhooks/${erp.webhook_id}/deliveries?limit=200`);
    expect(listed.status).toBe(200);
    for (const eventId of eventIds) {
      const delivery = listed.body.deliveries.find((d: { event_id: string }) => d.event_id === eventId);
      if (delivery.status === 'pending') await deliverySettled(delivery.delivery_id);
    }
    const settled = await client.call('GET', `/api/webhooks/${erp.webhook_id}/deliveries?limit=200`);
    const mine = settled.body.deliveries.filter((d: { event_id: string }) => eventIds.includes(d.event_id));
    expect(mine).toHaveLength(4);
    for (const delivery of mine) {
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, last_status_code: 200 });
      expect(delivery.duration_ms).toBeGreaterThanOrEqual(0);
      expect(delivery.last_attempt_at).toBeTypeOf('string');
    }
    expect(mine.map((d: { event: string }) => d.event).sort()).toEqual([
      'entry.approved',
      'invoice.processed',
      'job.completed',
      'job.completed',
    ]);
    // Webhook deliveries do not announce themselves as job.completed.
    expect(
      receiver.received.filter(
        (r) => r.path === '/erp' && JSON.parse(r.body).data.queue === 'webhook-delivery',
      ),
    ).toEqual([]);

    // Redeliver: a new delivery of the same event, with the same webhook-id for the receiver's dedupe.
    const original = mine.find((d: { event: string }) => d.event === 'entry.approved');
    const before = receiver.received.length;
    const redo = await client.call(
      'POST',
      `/api/webhooks/${erp.webhook_id}/deliveries/${original.delivery_id}/redeliver`,
    );
    expect(redo).toMatchObject({
      status: 202,
      body: { redelivery_of: original.delivery_id, event_id: original.event_id, status: 'pending' },
    });
    const again = await arrival(
      (r) => receiver.received.indexOf(r) >= before && r.headers['webhook-id'] === original.event_id,
    );
    expect(again.headers['webhook-id']).toBe(original.event_id);
    expect(again.body).toBe(approved.body);
    expect(verifiesBoth(erp.secret, again)).toBe(true);
    await deliverySettled(redo.body.delivery_id);
    // Newest first; the session's own session.completed may have landed since.
    const recent = await client.call('GET', `/api/webhooks/${erp.webhook_id}/deliveries?limit=5`);
    expect(
      (recent.body.deliveries as Array<{ delivery_id: string }>).find(
        (d) => d.delivery_id === redo.body.delivery_id,
      ),
    ).toMatchObject({
      delivery_id: redo.body.delivery_id,
      status: 'succeeded',
      attempts: 1,
    });
  });

  it('after a secret rotation both secrets verify during the grace period; X-Signature-256 uses the new one', async () => {
    const client = api();
    const hook = await register(client, '/rotating', ['entry.*']);
    const rotated = await client.call('POST', `/api/webhooks/${hook.webhook_id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    expect(Date.parse(rotated.body.previous_secret_expires_at)).toBeGreaterThan(Date.now() + 60 * 60_000);
    // A subscriber that has not updated its configuration yet still verifies...
    accepted.set('/rotating', [hook.secret]);
    const published = await client.call('POST', '/api/events', {
      event: 'entry.rejected',
      payload: { n: 1 },
    });
    const seen = await arrival(
      (r) => r.path === '/rotating' && r.headers['webhook-id'] === published.body.event_id,
    );
    expect(verifyStandardWebhooks(hook.secret, seen.body, seen.headers)).toBe(true);
    expect(verifyStandardWebhooks(rotated.body.secret, seen.body, seen.headers)).toBe(true);
    expect(String(seen.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyXSignature256(rotated.body.secret, seen.body, seen.headers['x-signature-256'])).toBe(true);
    expect(verifyXSignature256(hook.secret, seen.body, seen.headers['x-signature-256'])).toBe(false);
    // ...by the Standard Webhooks signature, which its answer reflects.
    accepted.set('/rotating', [hook.secret, rotated.body.secret]);
  });

  it('honours 503 Retry-After through the real queue, and 410 disables the subscription and announces it', async () => {
    const client = api();
    const flaky = await register(client, '/flaky', ['report.ready']);
    const published = await client.call('POST', '/api/events', { event: 'report.ready', payload: {} });
    const [delivery] = (await client.call('GET', `/api/webhooks/${flaky.webhook_id}/deliveries`)).body
      .deliveries;
    expect(delivery.event_id).toBe(published.body.event_id);
    const done = await deliverySettled(delivery.delivery_id);
    expect(done).toMatchObject({ type: 'job:complete', attempt: 2, result: { status: 'succeeded' } });
    expect(flakyCalls).toBe(2);
    const retried = (await client.call('GET', `/api/webhooks/${flaky.webhook_id}/deliveries`)).body
      .deliveries[0];
    expect(retried).toMatchObject({ status: 'succeeded', attempts: 2, last_status_code: 200 });

    const ops = await register(client, '/ops', ['webhook.disabled']);
    const gone = await register(client, '/gone', ['report.*']);
    await client.call('POST', '/api/events', { event: 'report.archived', payload: {} });
    const announced = await arrival(typed('/ops', 'webhook.disabled'));
    expect(verifiesBoth(ops.secret, announced)).toBe(true);
    expect(JSON.parse(announced.body).data).toMatchObject({
      webhook_id: gone.webhook_id,
      reason: 'endpoint answered 410 Gone',
    });
    const after = await client.call('GET', `/api/webhooks/${gone.webhook_id}`);
    expect(after.body).toMatchObject({ active: false, disabled_reason: 'endpoint answered 410 Gone' });
    const goneDeliveries = (await client.call('GET', `/api/webhooks/${gone.webhook_id}/deliveries`)).body
      .deliveries;
    expect(goneDeliveries[0]).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 410 });
    // A disabled subscription gets nothing more.
    const next = await client.call('POST', '/api/events', { event: 'report.deleted', payload: {} });
    expect(next.body.deliveries).toBe(0);
  });

  it('refuses SSRF targets at registration with 422 even with a loopback receiver allowlisted', async () => {
    const client = api();
    for (const url of [
      `http://127.0.0.2:${receiver.port}/erp`,
      `http://localhost:${receiver.port}/erp`,
      `http://127.0.0.1:${receiver.port + 1}/erp`,
      'https://169.254.169.254/latest/meta-data/',
      'https://[::ffff:127.0.0.1]/',
      'https://0177.0.0.1/',
      'https://2130706433/',
      'https://10.0.0.1/',
    ]) {
      const refused = await client.call('POST', '/api/webhooks', { url, events: ['*'] });
      expect([url, refused.status, refused.body.error.code]).toEqual([url, 422, 'unsafe_webhook_url']);
    }
  });
});
