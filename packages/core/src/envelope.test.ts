import { describe, expect, it } from 'vitest';
import { type AnyEnvelope, decodeEnvelope, encodeEnvelope, MAX_MESSAGE_BYTES } from './envelope';
import { ValidationError } from './errors';

const valid: AnyEnvelope = {
  version: 1,
  jobId: 'job_01',
  queue: 'invoice-processing',
  tenantId: 'tenant-a',
  payload: { tenantId: 'tenant-a', invoiceId: 'inv_1' },
  traceId: 'trace-1',
  enqueuedAt: '2026-11-22T10:00:00.000Z',
  priority: 'high',
  generation: 0,
};

describe('envelope', () => {
  it('round-trips a valid envelope', () => {
    expect(decodeEnvelope(encodeEnvelope(valid))).toEqual({ ok: true, envelope: valid });
  });

  it('accepts an already-parsed object (BullMQ job data)', () => {
    expect(decodeEnvelope(structuredClone(valid))).toMatchObject({ ok: true });
  });

  it.each([
    ['not JSON', '{"version":1,', 'not-json'],
    ['JSON but not an object', '42', 'invalid-envelope'],
    ['null', 'null', 'invalid-envelope'],
    ['unknown queue', JSON.stringify({ ...valid, queue: 'rm -rf' }), 'unknown-queue'],
    ['wrong version', JSON.stringify({ ...valid, version: 2 }), 'invalid-envelope'],
    ['extra envelope field', JSON.stringify({ ...valid, admin: true }), 'invalid-envelope'],
    ['job id with spaces', JSON.stringify({ ...valid, jobId: 'a b' }), 'invalid-envelope'],
    ['prototype pollution', '{"__proto__":{"polluted":1},"queue":"thumbnail"}', 'invalid-envelope'],
  ])('rejects %s', (_name, body, reason) => {
    const result = decodeEnvelope(body);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ reason });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects oversized bodies before parsing them', () => {
    const body = JSON.stringify({ ...valid, traceId: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(decodeEnvelope(body)).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('reports a payload that fails its queue schema with the job to fail', () => {
    const result = decodeEnvelope(JSON.stringify({ ...valid, payload: { tenantId: 'tenant-a' } }));
    expect(result).toMatchObject({
      ok: false,
      reason: 'invalid-payload',
      jobId: 'job_01',
      queue: 'invoice-processing',
    });
    expect(result.ok === false && result.message).toContain('invoiceId');
  });

  it('fails the job of a payload with a field its queue does not know', () => {
    const result = decodeEnvelope({ ...valid, payload: { ...valid.payload, admin: true } });
    expect(result).toMatchObject({ ok: false, reason: 'invalid-payload', jobId: 'job_01' });
    expect(result.ok === false && result.message).toContain('admin');
  });

  it('defaults a missing generation to 0', () => {
    const { generation: _, ...older } = valid;
    expect(decodeEnvelope(older)).toEqual({ ok: true, envelope: valid });
  });

  it('decodes each queue with its own payload schema', () => {
    const thumbnail = {
      ...valid,
      queue: 'thumbnail',
      payload: { tenantId: 'tenant-a', documentId: 'doc_1' },
    };
    expect(decodeEnvelope(thumbnail)).toEqual({ ok: true, envelope: thumbnail });
    // The invoice payload is not a thumbnail payload, even on a queue decoded before.
    expect(decodeEnvelope({ ...thumbnail, payload: valid.payload })).toMatchObject({
      ok: false,
      reason: 'invalid-payload',
    });
  });

  it('rejects a payload whose tenant differs from the envelope (no cross-tenant smuggling)', () => {
    const result = decodeEnvelope(
      JSON.stringify({ ...valid, payload: { tenantId: 'tenant-b', invoiceId: 'inv_1' } }),
    );
    expect(result).toMatchObject({ ok: false, reason: 'tenant-mismatch' });
  });

  it('refuses to encode an oversized envelope', () => {
    const huge = {
      ...valid,
      queue: 'webhook-delivery',
      payload: {
        tenantId: 'tenant-a',
        webhookId: 'wh_1',
        webhookDeliveryId: 'whd_1',
        event: 'x',
        url: 'https://example.com',
        payload: { blob: 'x'.repeat(MAX_MESSAGE_BYTES) },
      },
    } as AnyEnvelope;
    expect(() => encodeEnvelope(huge)).toThrow(ValidationError);
  });
});
