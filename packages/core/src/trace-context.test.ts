import { describe, expect, it } from 'vitest';
import {
  childSpan,
  currentTrace,
  formatTraceparent,
  parseTraceparent,
  startTrace,
  withTrace,
} from './trace-context';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent', () => {
  it('parses a version-00 header and formats it back unchanged', () => {
    const context = parseTraceparent(VALID);
    expect(context).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: '01',
    });
    expect(context && formatTraceparent(context)).toBe(VALID);
  });

  it('reads the known fields of a later version and ignores what follows', () => {
    expect(parseTraceparent(`cc-${VALID.slice(3)}-what-the-future-adds`)?.spanId).toBe('00f067aa0ba902b7');
  });

  it.each([
    ['uppercase', VALID.toUpperCase()],
    ['version ff', `ff-${VALID.slice(3)}`],
    ['zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['zero span id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['version 00 with extra fields', `${VALID}-extra`],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['not hex', '00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01'],
    ['padding', ` ${VALID}`],
    ['huge', `cc-${VALID.slice(3)}-${'a'.repeat(10_000)}`],
    ['empty', ''],
    ['a number', 42],
    ['an object', { traceId: 'x' }],
    ['undefined', undefined],
    ['a legacy trace id', 'trace_01JD3Y8K6V'],
  ])('ignores %s (no throw, no context)', (_name, value) => {
    expect(() => parseTraceparent(value)).not.toThrow();
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('a child span keeps the trace and flags and gets a new span id', () => {
    const parent = startTrace();
    const child = childSpan(parent);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.spanId).not.toBe(parent.spanId);
    expect(child.parentSpanId).toBe(parent.spanId);
    // The header carries the span itself, not its parent: a receiver's child points at this span.
    const { parentSpanId: _parent, ...onTheWire } = child;
    expect(parseTraceparent(formatTraceparent(child))).toEqual(onTheWire);
    expect(childSpan(childSpan(child)).parentSpanId).not.toBe(child.spanId);
    expect(childSpan(undefined).traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('the current span follows async calls inside withTrace and nowhere else', async () => {
    const span = startTrace();
    const seen = await withTrace(span, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return currentTrace();
    });
    expect(seen).toEqual(span);
    expect(currentTrace()).toBeUndefined();
  });
});
