import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { createEmfMetrics } from './emf-metrics';

const schema = JSON.parse(readFileSync(new URL('./fixtures/emf-schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);

interface EmfLine {
  _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
  [member: string]: unknown;
}

/** The rules a JSON schema cannot say: every referenced dimension is a string member, every metric a number. */
function targetMembersPresent(line: EmfLine): string[] {
  const problems: string[] = [];
  for (const directive of line._aws.CloudWatchMetrics) {
    for (const key of directive.Dimensions.flat())
      if (typeof line[key] !== 'string') problems.push(`dimension ${key} is not a string member`);
    for (const { Name } of directive.Metrics) {
      const value = line[Name];
      const numbers = Array.isArray(value) ? value : [value];
      if (
        numbers.length === 0 ||
        numbers.length > 100 ||
        !numbers.every((v) => typeof v === 'number' && Number.isFinite(v))
      )
        problems.push(`metric ${Name} is not a number or an array of 1..100 numbers`);
    }
  }
  return problems;
}

function emitAll() {
  const lines: string[] = [];
  const metrics = createEmfMetrics({
    write: (line) => lines.push(line),
    now: () => 1_760_000_000_000,
    base: { service: 'api' },
  });
  metrics.jobAttempt({ queue: 'thumbnail', outcome: 'completed', durationMs: 182.5, attempt: 1 });
  metrics.jobAttempt({ queue: 'invoice-processing', outcome: 'retried', durationMs: 4, attempt: 2 });
  metrics.queueDepth({ queue: 'llm-summary', waiting: 3, inFlight: 1, dlq: 0 });
  metrics.webhookDelivery({ outcome: 'failed', durationMs: 30_000 });
  metrics.httpRequest({ method: 'GET', route: '/api/jobs/:job_id', status: 404, durationMs: 3.2 });
  return lines;
}

describe('CloudWatch EMF metrics', () => {
  it('writes one line per observation, each valid against the EMF schema with its members present', () => {
    const lines = emitAll();
    // Queue depth is not written: SQS publishes it to CloudWatch itself.
    expect(lines).toHaveLength(4);
    for (const text of lines) {
      const line = JSON.parse(text) as EmfLine;
      expect(validate(line), JSON.stringify(validate.errors)).toBe(true);
      expect(targetMembersPresent(line)).toEqual([]);
    }
  });

  it('puts the values where CloudWatch looks for them', () => {
    const http = JSON.parse(emitAll()[3] as string);
    expect(http).toMatchObject({
      _aws: {
        Timestamp: 1_760_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'Paperlane',
            Dimensions: [['service', 'route', 'status_class']],
            Metrics: [{ Name: 'HttpRequestDuration', Unit: 'Milliseconds' }],
          },
        ],
      },
      service: 'api',
      route: '/api/jobs/:job_id',
      status_class: '4xx',
      HttpRequestDuration: 3.2,
      method: 'GET',
      status: 404,
    });
  });

  it('the schema and the member check refuse what CloudWatch would drop', () => {
    const line = JSON.parse(emitAll()[0] as string) as EmfLine;
    expect(validate({ ...line, _aws: { ...line._aws, Timestamp: 'now' } })).toBe(false);
    const badUnit = structuredClone(line);
    (badUnit._aws.CloudWatchMetrics[0]?.Metrics[0] as { Unit?: string }).Unit = 'Millis';
    expect(validate(badUnit)).toBe(false);
    const { queue: _dropped, ...missingDimension } = line;
    expect(targetMembersPresent(missingDimension as EmfLine)).toEqual([
      'dimension queue is not a string member',
    ]);
  });

  it('never throws when the sink does', () => {
    const metrics = createEmfMetrics({
      write: () => {
        throw new Error('stdout closed');
      },
    });
    expect(() => metrics.webhookDelivery({ outcome: 'delivered', durationMs: 1, status: 200 })).not.toThrow();
  });
});
