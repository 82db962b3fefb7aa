/**
 * The webhook catalog of `/openapi.json` (OpenAPI 3.1 `webhooks`) held against real
 * deliveries: real jobs (an invoice read and extracted, a thumbnail that fails), a
 * subscription that answers 410, a digest automation, all delivered by the
 * webhook-delivery worker to a receiver on loopback subscribed to `*`. Every body that
 * arrives must validate against its documented schema (with undocumented fields refused
 * too), and every documented event type must have arrived: a payload that drifts from
 * the document, or an event the document does not list, fails here.
 */
import {
  type ReceivedRequest,
  startTestReceiver,
  type TestReceiver,
} from '@paperlane/adapters/webhooks/test-receiver';
import { PermanentError } from '@paperlane/core';
import { invoiceFixture } from '@paperlane/testing';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobHandlers } from '../src/handlers';
import { type ApiHarness, startApi, uploadForm } from './support/api-harness';

const TENANT = 'catalog-acme';
let receiver: TestReceiver;
let api: ApiHarness;

beforeAll(async () => {
  receiver = await startTestReceiver();
  receiver.on('/gone', (_req, res) => res.writeHead(410).end('unsubscribed'));
  api = await startApi({
    workers: true,
    env: { WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${receiver.port}` },
    // The real jobs, except that every thumbnail fails for good: `job.failed` on demand.
    handlers: (wiring) => ({
      ...createJobHandlers(wiring),
      thumbnail: async () => {
        throw new PermanentError('the renderer refused this file', { code: 'render_refused' });
      },
    }),
  });
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await api.call(TENANT, path, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The first request to `/catalog` of `type` (already arrived or still to come). */
async function arrival(type: string): Promise<ReceivedRequest> {
  for (;;) {
    const found = receiver.received.find((r) => r.path === '/catalog' && JSON.parse(r.body).type === type);
    if (found) return found;
    await receiver.nextRequest();
  }
}

type Schema = Record<string, unknown>;
interface WebhookOperation {
  post: {
    parameters: Array<{ name: string; in: string; required?: boolean }>;
    requestBody: { content: { 'application/json': { schema: Schema } } };
  };
}

/**
 * The schema with every object that lists its properties closed to others: the
 * document promises those fields, so a producer sending one it does not list is drift
 * (receivers still must tolerate additions; this is the test's contract, not theirs).
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closed(v)])) as Schema;
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

describe('the documented webhook catalog against real deliveries', () => {
  it('documents every event Paperlane delivers, and each delivered body validates against its schema', async () => {
    const admin = { authorization: `Bearer ${await api.token(TENANT, 'admin')}` };
    for (const [path, events] of [
      ['/catalog', ['*']],
      ['/gone', ['document.processed']],
    ] as const) {
      const created = await call('POST', '/api/webhooks', { url: `${receiver.origin}${path}`, events });
      expect(created.status).toBe(201);
    }

    // An upload: invoice.processed, document.processed, job.completed, job.failed (the
    // thumbnail), session.completed; /gone answers document.processed with 410: webhook.disabled.
    const pdf = new Blob([await invoiceFixture('en-us-classic.pdf')], { type: 'application/pdf' });
    const upload = await api.call(TENANT, '/api/upload', {
      method: 'POST',
      body: uploadForm([{ name: 'invoice.pdf', blob: pdf }]),
    });
    expect(upload.status).toBe(202);
    // A digest automation run now: automation.digest.
    const automation = await fetch(`${api.url}/api/automations`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Digest', schedule: 'rate(1 hour)', action: { type: 'digest' } }),
    });
    expect(automation.status).toBe(201);
    const { automation_id } = (await automation.json()) as { automation_id: string };
    const run = await fetch(`${api.url}/api/automations/${automation_id}/run`, {
      method: 'POST',
      headers: admin,
    });
    expect(run.status).toBe(202);

    const spec = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      webhooks: Record<string, WebhookOperation>;
      components: { schemas: Record<string, Schema> };
    };
    const documented = Object.keys(spec.webhooks).sort();
    expect(documented).toEqual([
      'automation.digest',
      'document.processed',
      'invoice.processed',
      'job.completed',
      'job.failed',
      'session.completed',
      'webhook.disabled',
    ]);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    // Component refs (`#/components/schemas/X`) resolve inside one document holding them all.
    const root = { $id: 'https://paperlane.test/openapi.json', components: closed(spec.components) };
    ajv.addSchema(root);
    const validators = new Map(
      documented.map((type) => {
        const operation = spec.webhooks[type]?.post;
        const body = closed(operation?.requestBody.content['application/json'].schema) as Schema;
        const rebased = JSON.parse(
          JSON.stringify(body).replaceAll(
            '"#/components/',
            '"https://paperlane.test/openapi.json#/components/',
          ),
        );
        return [type, { validate: ajv.compile(rebased), headers: operation?.parameters ?? [] }];
      }),
    );

    // Every documented type arrives (so each one was exercised), and every body that did validates.
    await Promise.all(documented.map((type) => arrival(type)));
    const delivered = receiver.received.filter((r) => r.path === '/catalog');
    for (const request of delivered) {
      const body = JSON.parse(request.body) as { type: string; data: unknown };
      const documentedAs = validators.get(body.type);
      expect(documentedAs, `${body.type} is delivered but not documented`).toBeDefined();
      const valid = documentedAs?.validate(body);
      expect([body.type, valid ? [] : documentedAs?.validate.errors]).toEqual([body.type, []]);
      for (const header of documentedAs?.headers.filter((h) => h.in === 'header') ?? [])
        expect([body.type, header.name, request.headers[header.name.toLowerCase()]]).toEqual([
          body.type,
          header.name,
          expect.any(String),
        ]);
    }
    expect(new Set(delivered.map((r) => JSON.parse(r.body).type))).toEqual(new Set(documented));
  });

  it('fails a payload with a field the document does not list, or without a required one', async () => {
    const spec = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      components: { schemas: Record<string, Schema> };
    };
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(closed(spec.components.schemas.SessionCompletedEvent) as Schema);
    const good = {
      session_id: 'ses_1',
      counts: { complete: 1, failed: 0, cancelled: 0 },
      document_ids: ['doc_1'],
      completed_at: '2030-01-01T00:00:00.000Z',
    };
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, sessionId: 'ses_1' })).toBe(false);
    const { completed_at: _dropped, ...missing } = good;
    expect(validate(missing)).toBe(false);
    expect(validate({ ...good, completed_at: 'yesterday' })).toBe(false);
  });
});
