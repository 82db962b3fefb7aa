import { describe, expect, it } from 'vitest';
import { createJsonLogger, redact } from './json-logger';

describe('JSON logger', () => {
  it('writes one JSON object per line with child fields', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ base: { service: 'api' }, write: (l) => lines.push(l) }).child({
      requestId: 'r1',
    });
    logger.info('started', { port: 3000 });
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({
      level: 'info',
      message: 'started',
      service: 'api',
      requestId: 'r1',
      port: 3000,
    });
  });

  it('never writes secrets, at any depth', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (l) => lines.push(l) });
    logger.warn('mailbox', {
      password: 'hunter2',
      config: { apiKey: 'sk-live-1', headers: { Authorization: 'Bearer abc' }, webhookSecret: 'whsec_x' },
      list: [{ token: 't' }],
    });
    expect(lines[0]).not.toMatch(/hunter2|sk-live-1|Bearer abc|whsec_x|"t"/);
    expect(lines[0]).toContain('[redacted]');
  });

  it('filters below its level and bounds runaway values', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'warn', write: (l) => lines.push(l) });
    logger.info('hidden');
    logger.error('shown', { blob: 'x'.repeat(10_000) });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).blob.length).toBeLessThanOrEqual(2001);
    const cyclic: Record<string, unknown> = {};
    let node = cyclic;
    for (let i = 0; i < 20; i++) node = node.next = {} as Record<string, unknown>;
    expect(JSON.stringify(redact(cyclic))).toContain('[depth]');
  });
});
