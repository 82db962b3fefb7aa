import { ConfigError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('fair-share settings', () => {
  it("defaults each queue's cap to its worker concurrency, overridable globally and per tenant", () => {
    const base = loadConfig({});
    expect(base.fairShare?.caps('t1', 'invoice-processing')).toBe(
      base.topology['invoice-processing'].concurrency,
    );
    expect(base.fairShare?.recheckMs).toBe(60_000);

    const tuned = loadConfig({
      FAIR_SHARE_MAX_IN_FLIGHT: '3',
      FAIR_SHARE_TENANT_CAPS: JSON.stringify({ big: 16, mixed: { thumbnail: 1 } }),
    });
    expect(tuned.fairShare?.caps('t1', 'thumbnail')).toBe(3);
    expect(tuned.fairShare?.caps('big', 'thumbnail')).toBe(16);
    expect(tuned.fairShare?.caps('mixed', 'thumbnail')).toBe(1);
    expect(tuned.fairShare?.caps('mixed', 'automation')).toBe(3);
    expect(loadConfig({ FAIR_SHARE: 'off' }).fairShare).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"a":'],
    ['a zero cap', '{"a":0}'],
    ['a cap over 1,000', '{"a":100000}'],
    ['a fractional cap', '{"a":1.5}'],
    ['a queue that does not exist', '{"a":{"mine":2}}'],
    ['a tenant id with the key separator', '{"a#b":2}'],
    ['an array', '[1,2]'],
    ['a string cap', '{"a":"4"}'],
  ])('refuses FAIR_SHARE_TENANT_CAPS with %s, without echoing it', (_, value) => {
    expect(() => loadConfig({ FAIR_SHARE_TENANT_CAPS: value })).toThrow(ConfigError);
    try {
      loadConfig({ FAIR_SHARE_TENANT_CAPS: value });
    } catch (error) {
      expect((error as Error).message).toContain('FAIR_SHARE_TENANT_CAPS');
      expect((error as Error).message).not.toContain(value);
    }
  });

  it.each([
    ['FAIR_SHARE', 'maybe'],
    ['FAIR_SHARE_MAX_IN_FLIGHT', '0'],
    ['FAIR_SHARE_MAX_IN_FLIGHT', '1001'],
    ['FAIR_SHARE_RECHECK_MS', '10'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
  });
});
