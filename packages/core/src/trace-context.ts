import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';
import { z } from 'zod';

/** One W3C Trace Context position: the trace, the current span, and the flags (bit 0: sampled). */
export interface TraceContext {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** 16 lowercase hex digits, not all zero: the span that is the parent of what comes next. */
  spanId: string;
  /** 2 hex digits. */
  flags: string;
  /** The span this one was started under (absent for a trace's root or a parsed header). */
  parentSpanId?: string;
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * `traceparent` as W3C Trace Context level 1 defines it: version-traceid-parentid-flags,
 * lowercase hex. Version `ff` and all-zero ids are invalid. A later version may append
 * `-`-separated fields, which are ignored; version 00 has exactly four fields.
 */
const traceparentSchema = z
  .string()
  .max(512)
  .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?$/)
  .refine((value) => {
    const version = value.slice(0, 2);
    if (version === 'ff') return false;
    if (version === '00' && value.length !== 55) return false;
    return value.slice(3, 35) !== ZERO_TRACE && value.slice(36, 52) !== ZERO_SPAN;
  });

/**
 * Reads a `traceparent` header (or a stored one). Anything malformed — wrong length,
 * uppercase, zero ids, version ff, not a string — is `undefined`: the caller starts a
 * new trace instead of failing the request.
 *
 * @example parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId
 */
export function parseTraceparent(value: unknown): TraceContext | undefined {
  // The fields are sliced here rather than in a zod transform: a transform made the parse
  // three times dearer, and every job attempt parses its envelope's traceparent.
  if (!traceparentSchema.safeParse(value).success) return undefined;
  const header = value as string;
  return { traceId: header.slice(3, 35), spanId: header.slice(36, 52), flags: header.slice(53, 55) };
}

/** The version-00 header for a context. @example formatTraceparent(startTrace()) // '00-…-…-01' */
export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.flags}`;
}

// Span ids come from one buffer of crypto bytes refilled every 512 spans: a crypto call
// per span was a tenth of the processor's per-job CPU (bench:processor). The buffer is
// hex-encoded once per refill and ids are slices of that text: encoding 8 bytes per span
// (a call into C++ each time) cost as much as the rest of the span.
const pool = Buffer.alloc(4096);
let hexPool = '';
let poolOffset = pool.length;

function randomHex(bytes: number, zero: string): string {
  // An all-zero id is invalid; 2^-64 odds, but the spec forbids it, so draw again.
  for (;;) {
    if (poolOffset + bytes > pool.length) {
      randomFillSync(pool);
      hexPool = pool.toString('hex');
      poolOffset = 0;
    }
    const hex = hexPool.slice(2 * poolOffset, 2 * (poolOffset + bytes));
    poolOffset += bytes;
    if (hex !== zero) return hex;
  }
}

/** A new trace with a new root span, sampled. @example const root = startTrace(); */
export function startTrace(): TraceContext {
  return { traceId: randomHex(16, ZERO_TRACE), spanId: randomHex(8, ZERO_SPAN), flags: '01' };
}

/**
 * A new span in the same trace: what a request, a job attempt or a webhook POST is to
 * the context that caused it. Without a parent it starts a trace.
 *
 * @example const attemptSpan = childSpan(parseTraceparent(job.traceId));
 */
export function childSpan(parent: TraceContext | undefined): TraceContext {
  return parent
    ? {
        traceId: parent.traceId,
        spanId: randomHex(8, ZERO_SPAN),
        flags: parent.flags,
        parentSpanId: parent.spanId,
      }
    : startTrace();
}

const storage = new AsyncLocalStorage<TraceContext>();

/**
 * Runs `fn` with `context` as the current span, so what it enqueues or sends (follow-up
 * jobs, webhook POSTs) continues the same trace without threading it through every call.
 *
 * @example await withTrace(childSpan(parseTraceparent(header)), () => next());
 */
export function withTrace<T>(context: TraceContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current span, if any code up the async call chain set one with {@link withTrace}. */
export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}

/** Log fields for a span: every log line of a request or a job carries them. */
export function traceFields(context: TraceContext): { traceId: string; spanId: string } {
  return { traceId: context.traceId, spanId: context.spanId };
}
