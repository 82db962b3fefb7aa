import {
  currentTrace,
  type JobRecord,
  type Metrics,
  noMetrics,
  parseTraceparent,
  type TraceContext,
} from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { processorDeps, useSqsEnvironment } from '../../test/support/sqs-environment';
import { toMessage } from '../dispatcher/dispatcher';
import { createProcessor } from './process-delivery';

const env = useSqsEnvironment();

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const JOB_SPAN = '00f067aa0ba902b7';

/**
 * The attempt's span travels explicitly (the job's context, the metrics fact), not in
 * AsyncLocalStorage: a follow-up continues the trace only when given `ctx.span`.
 */
describe("an attempt's span", () => {
  it('reaches the handler, the follow-up jobs it names as parent and the metrics fact; nothing implicit', async () => {
    const facts: Parameters<Metrics['jobAttempt']>[0][] = [];
    const seen: Array<{ span: TraceContext; current: TraceContext | undefined }> = [];
    const followUps: JobRecord[] = [];
    const processor = createProcessor({
      ...processorDeps(env()),
      metrics: { ...noMetrics, jobAttempt: (fact) => void facts.push(fact) },
      handlers: {
        thumbnail: async (ctx) => {
          seen.push({ span: ctx.span, current: currentTrace() });
          const { tenantId, documentId } = ctx.payload;
          const named = await env().dispatcher.enqueue(
            'llm-summary',
            { tenantId, documentId },
            { parent: ctx.span, dedupeKey: `named:${documentId}` },
          );
          const unnamed = await env().dispatcher.enqueue(
            'llm-summary',
            { tenantId, documentId },
            { dedupeKey: `unnamed:${documentId}` },
          );
          followUps.push(named.job, unnamed.job);
          if (documentId === 'doc-flaky') throw new Error('try again');
          return { ok: true };
        },
      },
    });
    const run = async (documentId: string) => {
      const { job } = await env().dispatcher.enqueue(
        'thumbnail',
        { tenantId: 'tenant-t', documentId },
        { traceId: `00-${TRACE_ID}-${JOB_SPAN}-01` },
      );
      return processor.process({ queue: 'thumbnail', body: toMessage(job, new Date()).envelope });
    };
    expect((await run('doc-good')).kind).toBe('ack');
    expect((await run('doc-flaky')).kind).toBe('retry');

    // Each attempt is a new span under the job's own, in the job's trace.
    expect(seen.map((s) => [s.span.traceId, s.span.parentSpanId])).toEqual([
      [TRACE_ID, JOB_SPAN],
      [TRACE_ID, JOB_SPAN],
    ]);
    expect(seen[0]?.span.spanId).not.toBe(seen[1]?.span.spanId);
    // No AsyncLocalStorage on the job path: its promise hooks would tax every await of the worker.
    expect(seen.map((s) => s.current)).toEqual([undefined, undefined]);
    // The metrics fact of each outcome carries that attempt's span.
    expect(facts.map((f) => [f.outcome, f.span])).toEqual([
      ['completed', seen[0]?.span],
      ['retried', seen[1]?.span],
    ]);
    // A follow-up given the span continues the trace; one not given it starts its own.
    const traces = followUps.map((job) => parseTraceparent(job.traceId)?.traceId);
    expect(traces[0]).toBe(TRACE_ID);
    expect(traces[1]).not.toBe(TRACE_ID);
    expect(traces[2]).toBe(TRACE_ID);
    expect(traces[3]).not.toBe(TRACE_ID);
  });
});
