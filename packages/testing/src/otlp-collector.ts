import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

// The OTLP/HTTP JSON shape of an ExportTraceServiceRequest (opentelemetry-proto, proto3 JSON
// mapping), written from the spec: ids are hex, times are unix nanos (string or number).
const hex = (digits: number) => z.string().regex(new RegExp(`^[0-9a-f]{${digits}}$`));
const nanos = z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]);
const anyValue = z.union([
  z.object({ stringValue: z.string() }),
  z.object({ intValue: z.union([z.number().int(), z.string().regex(/^-?\d+$/)]) }),
  z.object({ doubleValue: z.number() }),
  z.object({ boolValue: z.boolean() }),
]);
const keyValues = z.array(z.object({ key: z.string().min(1), value: anyValue })).max(128);
const spanSchema = z.object({
  traceId: hex(32),
  spanId: hex(16),
  parentSpanId: z.union([hex(16), z.literal('')]).optional(),
  name: z.string().min(1).max(1024),
  kind: z.number().int().min(0).max(5),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes: keyValues.optional(),
  status: z.object({ code: z.number().int().min(0).max(2), message: z.string().optional() }).optional(),
  flags: z.number().int().nonnegative().optional(),
});
const requestSchema = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: keyValues.optional() }).optional(),
      scopeSpans: z.array(
        z.object({
          scope: z.object({ name: z.string(), version: z.string().optional() }).optional(),
          spans: z.array(spanSchema),
        }),
      ),
    }),
  ),
});

/** One span as the collector kept it: attributes flattened to a record, times as bigint nanos. */
export interface CollectedSpan {
  serviceName: string | undefined;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  startNanos: bigint;
  endNanos: bigint;
  attributes: Record<string, string | number | boolean>;
  status: { code: number; message?: string };
}

export interface OtlpCollector {
  /** The base URL (what OTEL_EXPORTER_OTLP_ENDPOINT is set to). */
  url: string;
  /** `<url>/v1/traces`. */
  tracesUrl: string;
  /** Every valid span received, in arrival order. */
  spans: CollectedSpan[];
  /** The resource of every `resourceSpans` entry received (attributes flattened), in arrival order. */
  resources: Array<Record<string, string | number | boolean>>;
  /** The headers of every export request received (valid or not). */
  requests: IncomingHttpHeaders[];
  /** While set, every export is answered with this status (503: a collector that is overloaded). */
  answerWith(status: number | undefined): void;
  /** Resolves once the kept spans satisfy `done` (checked now and after every export). */
  waitFor(done: (spans: readonly CollectedSpan[]) => boolean): Promise<CollectedSpan[]>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function flatten(values: z.infer<typeof keyValues> | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of values ?? []) {
    if ('stringValue' in value) out[key] = value.stringValue;
    else if ('intValue' in value) out[key] = Number(value.intValue);
    else if ('doubleValue' in value) out[key] = value.doubleValue;
    else out[key] = value.boolValue;
  }
  return out;
}

/**
 * Test support: a real OTLP/HTTP JSON trace receiver on loopback. It answers `POST
 * /v1/traces` with 200 after validating the body against the OTLP JSON shape (400
 * for a malformed one, 415 for another content type) and keeps the spans for
 * assertions. `port` lets a test start it where an exporter was already pointing
 * while nothing listened (a collector that was down, then up).
 *
 * @example
 * const collector = await startOtlpCollector();
 * const env = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url };
 * const [span] = await collector.waitFor((spans) => spans.length > 0);
 */
export async function startOtlpCollector(options: { port?: number } = {}): Promise<OtlpCollector> {
  const spans: CollectedSpan[] = [];
  const resources: OtlpCollector['resources'] = [];
  const requests: IncomingHttpHeaders[] = [];
  const waiters: Array<() => void> = [];
  let forced: number | undefined;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      requests.push(req.headers);
      const answer = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/v1/traces')
        return answer(404, { message: 'not found' });
      if (forced !== undefined) return answer(forced, { message: 'unavailable' });
      if (!String(req.headers['content-type']).startsWith('application/json'))
        return answer(415, { message: 'only application/json' });
      if (size > MAX_BODY_BYTES) return answer(413, { message: 'too large' });
      let parsed: z.infer<typeof requestSchema>;
      try {
        parsed = requestSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        return answer(400, { message: error instanceof Error ? error.message.slice(0, 500) : 'malformed' });
      }
      for (const { resource, scopeSpans } of parsed.resourceSpans) {
        const attributes = flatten(resource?.attributes);
        resources.push(attributes);
        const serviceName = attributes['service.name'];
        for (const scoped of scopeSpans) {
          for (const span of scoped.spans) {
            spans.push({
              serviceName: typeof serviceName === 'string' ? serviceName : undefined,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              kind: span.kind,
              startNanos: BigInt(span.startTimeUnixNano),
              endNanos: BigInt(span.endTimeUnixNano),
              attributes: flatten(span.attributes),
              status: span.status ?? { code: 0 },
            });
          }
        }
      }
      answer(200, {});
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    spans,
    resources,
    requests,
    answerWith(status) {
      forced = status;
    },
    async waitFor(done) {
      while (!done(spans)) await new Promise<void>((resolve) => waiters.push(resolve));
      return spans;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
