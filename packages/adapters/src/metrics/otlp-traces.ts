import { describeError, type Logger, type Metrics, silentLogger, type TraceContext } from '@paperlane/core';

/** OTLP `SpanKind` values (opentelemetry-proto trace.proto). */
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;
/** OTLP `Status.StatusCode`: UNSET, ERROR. */
const UNSET = 0;
const ERROR = 2;
/** What OTLP/HTTP says a client may retry; any other refusal is final for the batch. */
const RETRYABLE = new Set([429, 502, 503, 504]);
/** OTLP span flags above the W3C byte: whether the parent's remoteness is known, and that it is remote. */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/** An OTLP `AnyValue` as the proto3 JSON mapping writes it (the kinds Paperlane emits). */
export type OtlpAnyValue = { stringValue: string } | { intValue: number };
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
/** One span of an `ExportTraceServiceRequest` in OTLP/HTTP JSON: hex ids, unix nanos as decimal strings. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status: { code: number; message?: string };
  /** The W3C trace flags (bit 0: sampled), plus whether the parent span is another process's (bits 8, 9). */
  flags: number;
}
export interface OtlpTraceRequest {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }>;
  }>;
}

export interface OtlpTraceExporterOptions {
  /** The full traces URL (`…/v1/traces`). */
  endpoint: string;
  /** Sent with every export (vendor API keys); never logged. */
  headers?: Readonly<Record<string, string>>;
  /** `service.name` of the resource. */
  serviceName: string;
  /** More resource attributes (`deployment.environment`, `service.version`…); `serviceName` wins over a `service.name` here. */
  resourceAttributes?: Readonly<Record<string, string>>;
  /** How long a span may wait in memory before its batch is sent (default 5000 ms). */
  scheduleDelayMs?: number;
  /** One export's time limit (default 10000 ms). */
  exportTimeoutMs?: number;
  /**
   * After a failed export, how long `flush()` leaves the collector alone (default the schedule
   * delay): on Lambda, where every invocation flushes, a down collector then costs one
   * invocation per delay a timeout, not every one.
   */
  retryDelayMs?: number;
  /** Spans kept while the collector is slow or down; past it the oldest are dropped (default 2048). */
  maxQueueSize?: number;
  /** Spans per POST; a full batch is sent at once (default 512). */
  maxExportBatchSize?: number;
  logger?: Logger;
  /** Milliseconds since the epoch, fractional; injectable so tests can pin span times. */
  now?: () => number;
}

export interface TraceExportStats {
  /** Spans the collector accepted. */
  exported: number;
  /** Spans lost: pushed out of a full buffer, or in a batch the collector refused for good. */
  dropped: number;
  /** Spans waiting in memory. */
  queued: number;
  /** POSTs that failed (no answer, or a non-2xx status). */
  failedExports: number;
}

export interface OtlpTraceExporter extends Metrics {
  /**
   * Sends every queued span now; resolves (never rejects) once done or once an export failed.
   * Within `retryDelayMs` of a failed export it returns at once.
   */
  flush(): Promise<void>;
  /** Flushes (even within the retry delay), then records nothing more. */
  close(): Promise<void>;
  stats(): TraceExportStats;
}

const sampled = (span: TraceContext) => (Number.parseInt(span.flags, 16) & 1) === 1;
const str = (key: string, value: string): OtlpKeyValue => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): OtlpKeyValue => ({ key, value: { intValue: value } });

/** The URL without credentials, query or fragment: what a log line may show of the endpoint. */
function loggableEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * The metrics port as an OpenTelemetry trace exporter: each fact that carries a sampled
 * span (an HTTP request, a job attempt, a webhook POST) becomes one OTLP span that ends
 * now and started `durationMs` ago, sent as OTLP/HTTP JSON in batches — no OpenTelemetry
 * SDK at run time. Recording never throws and never waits: spans wait in a bounded buffer
 * (oldest dropped and counted when the collector is down), and a failing collector is
 * logged once per outage, without the headers (they carry API keys).
 *
 * @example
 * const traces = createOtlpTraceExporter({ endpoint: 'http://localhost:4318/v1/traces', serviceName: 'paperlane-api' });
 * const metrics = teeMetrics(createPrometheusMetrics(), traces);
 * // …on shutdown, or at the end of a Lambda invocation:
 * await traces.flush();
 */
export function createOtlpTraceExporter(options: OtlpTraceExporterOptions): OtlpTraceExporter {
  const scheduleDelayMs = options.scheduleDelayMs ?? 5_000;
  const exportTimeoutMs = options.exportTimeoutMs ?? 10_000;
  const retryDelayMs = options.retryDelayMs ?? scheduleDelayMs;
  const maxQueueSize = options.maxQueueSize ?? 2_048;
  const maxBatch = Math.min(options.maxExportBatchSize ?? 512, maxQueueSize);
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const headers = { ...options.headers, 'content-type': 'application/json' };
  const resource = {
    attributes: [
      str('service.name', options.serviceName),
      ...Object.entries(options.resourceAttributes ?? {})
        .filter(([key]) => key !== 'service.name')
        .map(([key, value]) => str(key, value)),
    ],
  };
  const scope = { name: 'paperlane' };

  const queue: OtlpSpan[] = [];
  const stats = { exported: 0, dropped: 0, failedExports: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<boolean> | undefined;
  /** Set by a failed export, cleared by the next success: one log line per outage, no size-triggered retries. */
  let failing = false;
  /** `performance.now()` before which flush() does not try a failing collector again. */
  let retryAt = 0;
  let closed = false;

  function schedule(): void {
    if (timer || closed || queue.length === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void exportBatch();
    }, scheduleDelayMs);
    // A pending export never keeps a process alive; close() flushes what is left.
    timer.unref?.();
  }

  function trim(): void {
    const over = queue.length - maxQueueSize;
    if (over > 0) {
      queue.splice(0, over);
      stats.dropped += over;
    }
  }

  function record(
    span: TraceContext | undefined,
    durationMs: number,
    name: string,
    kind: number,
    attributes: OtlpKeyValue[],
    error: string | undefined,
    remoteParent: boolean,
  ): void {
    if (closed || !span || !sampled(span)) return;
    try {
      // Microseconds since the epoch stay below 2^53; the nanosecond strings are them plus "000".
      const endUs = Math.round(now() * 1000);
      const startUs =
        endUs - (Number.isFinite(durationMs) && durationMs > 0 ? Math.round(durationMs * 1000) : 0);
      queue.push({
        traceId: span.traceId,
        spanId: span.spanId,
        ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
        name,
        kind,
        startTimeUnixNano: `${startUs}000`,
        endTimeUnixNano: `${endUs}000`,
        attributes,
        status: error === undefined ? { code: UNSET } : { code: ERROR, message: error },
        flags:
          (Number.parseInt(span.flags, 16) & 0xff) |
          HAS_IS_REMOTE |
          (remoteParent && span.parentSpanId ? IS_REMOTE : 0),
      });
      trim();
      if (queue.length >= maxBatch && !failing) void exportBatch();
      else schedule();
    } catch {
      // A span is never a reason for a job or a request to fail.
    }
  }

  function failed(batch: OtlpSpan[], retryable: boolean, reason: string): false {
    stats.failedExports++;
    retryAt = performance.now() + retryDelayMs;
    if (retryable) {
      // Back at the front, oldest first: the buffer's bound decides what is lost.
      queue.unshift(...batch);
      trim();
    } else {
      stats.dropped += batch.length;
    }
    if (!failing) {
      failing = true;
      logger.warn('trace export failed; spans wait in memory (oldest dropped past the bound)', {
        endpoint: loggableEndpoint(options.endpoint),
        reason,
        queued: queue.length,
        dropped: stats.dropped,
      });
    }
    return false;
  }

  async function send(batch: OtlpSpan[]): Promise<boolean> {
    const body: OtlpTraceRequest = { resourceSpans: [{ resource, scopeSpans: [{ scope, spans: batch }] }] };
    let status: number;
    try {
      const response = await fetch(options.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(exportTimeoutMs),
      });
      status = response.status;
      // Read to the end so the connection goes back to the pool.
      await response.arrayBuffer();
    } catch (error) {
      return failed(batch, true, describeError(error, 200));
    }
    if (status < 200 || status > 299) return failed(batch, RETRYABLE.has(status), `HTTP ${status}`);
    stats.exported += batch.length;
    if (failing) {
      failing = false;
      logger.info('trace export recovered', { dropped: stats.dropped, queued: queue.length });
    }
    return true;
  }

  /** One POST at a time; a call while one is in flight shares it. */
  function exportBatch(): Promise<boolean> {
    if (inFlight) return inFlight;
    if (queue.length === 0) return Promise.resolve(true);
    const batch = queue.splice(0, maxBatch);
    inFlight = send(batch).finally(() => {
      inFlight = undefined;
      schedule();
    });
    return inFlight;
  }

  async function flush(force = false): Promise<void> {
    if (failing && !force && performance.now() < retryAt) return;
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    // What is in flight first, then batch after batch until empty or the collector fails.
    if (inFlight && !(await inFlight)) return;
    while (queue.length > 0) if (!(await exportBatch())) return;
  }

  return {
    jobAttempt: ({ queue: name, outcome, durationMs, attempt, jobId, span }) =>
      record(
        span,
        durationMs,
        `${name} process`,
        CONSUMER,
        [
          str('messaging.destination.name', name),
          str('messaging.operation.type', 'process'),
          ...(jobId ? [str('paperlane.job_id', jobId)] : []),
          int('paperlane.attempt', attempt),
          str('paperlane.outcome', outcome),
        ],
        // A retried attempt failed too; the job's later attempts are spans of their own.
        outcome === 'completed' ? undefined : outcome,
        // The parent is the span stamped into the envelope by whoever enqueued the job.
        true,
      ),
    queueDepth: () => {},
    webhookDelivery: ({ outcome, durationMs, status, span }) =>
      record(
        span,
        durationMs,
        'webhook POST',
        CLIENT,
        [
          str('http.request.method', 'POST'),
          ...(status === undefined ? [] : [int('http.response.status_code', status)]),
          str('paperlane.outcome', outcome),
        ],
        outcome === 'delivered' ? undefined : status === undefined ? 'no answer' : `HTTP ${status}`,
        // The parent is the delivery job's attempt, in this process.
        false,
      ),
    httpRequest: ({ method, route, status, durationMs, span }) =>
      record(
        span,
        durationMs,
        // A request no route matched is named by its method alone (no raw path: ids, tokens).
        route === 'unmatched' ? method : `${method} ${route}`,
        SERVER,
        [
          str('http.request.method', method),
          ...(route === 'unmatched' ? [] : [str('http.route', route)]),
          int('http.response.status_code', status),
        ],
        // On a server span only 5xx is an error: a 4xx is the caller's.
        status >= 500 ? `HTTP ${status}` : undefined,
        // The parent, if any, is the caller's `traceparent`.
        true,
      ),
    flush: () => flush(),
    async close() {
      await flush(true);
      closed = true;
    },
    stats: () => ({ ...stats, queued: queue.length }),
  };
}
