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

describe('tenant budget settings', () => {
  it('has no policy until a budget is set; tenant budgets override the defaults', () => {
    expect(loadConfig({}).budgets).toBeUndefined();
    const config = loadConfig({
      TENANT_BUDGET_OCR_PAGES: '100',
      TENANT_BUDGET_PERIOD: 'day',
      TENANT_BUDGETS: JSON.stringify({ big: { ocr_pages: 5000, llm_tokens: 10 } }),
    });
    expect(config.budgets?.period).toBe('day');
    expect(config.budgets?.limits('t1')).toEqual({ ocr_pages: 100 });
    expect(config.budgets?.limits('big')).toEqual({ ocr_pages: 5000, llm_tokens: 10 });
  });

  it.each([
    ['not JSON', '{'],
    ['a negative budget', '{"a":{"ocr_pages":-1}}'],
    ['an unknown metric', '{"a":{"pages":1}}'],
    ['a bare number', '{"a":5}'],
    ['a hostile tenant id', '{"a#b":{"ocr_pages":1}}'],
  ])('refuses TENANT_BUDGETS with %s', (_, value) => {
    expect(() => loadConfig({ TENANT_BUDGETS: value })).toThrow(ConfigError);
  });

  it.each([
    ['TENANT_BUDGET_PERIOD', 'week'],
    ['TENANT_BUDGET_OCR_PAGES', '-5'],
    ['TENANT_BUDGET_LLM_TOKENS', '1.5'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
  });
});
