import { ConfigError } from '@paperlane/core';
import { z } from 'zod';

/** Where and how spans are exported, from the standard OpenTelemetry environment variables. */
export interface TraceExportSettings {
  /** The full traces URL (`…/v1/traces`). */
  endpoint: string;
  /** Sent with every export; may hold API keys, so never logged. */
  headers: Record<string, string>;
  serviceName: string;
  /** The rest of `OTEL_RESOURCE_ATTRIBUTES` (deployment.environment, service.version…), `service.name` taken out. */
  resourceAttributes: Record<string, string>;
  scheduleDelayMs: number;
  exportTimeoutMs: number;
}

const MAX_URL = 2_048;
const MAX_HEADERS = 8 * 1024;
/** An HTTP header name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A resource attribute key: printable ASCII without spaces (`,` and `=` separate entries). */
const ATTRIBUTE_KEY = /^[\x21-\x7e]{1,255}$/;

const httpUrl = z
  .string()
  .max(MAX_URL)
  .pipe(z.url({ protocol: /^https?$/ }))
  // fetch refuses a URL with user:password; keys belong in OTEL_EXPORTER_OTLP_HEADERS.
  .refine(
    (value) => !new URL(value).username && !new URL(value).password,
    'credentials belong in the headers',
  );
const millis = (max: number) => z.coerce.number().int().min(0).max(max);
const schema = z.object({
  OTEL_SDK_DISABLED: z.string().max(16).optional(),
  OTEL_TRACES_EXPORTER: z
    .string()
    .max(64)
    .regex(/^\s*(otlp|none)\s*(,\s*(otlp|none)\s*)*$/, 'only otlp or none is supported')
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  // OTLP/HTTP receivers take JSON and protobuf on the same path; gRPC is another port and wire format.
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/json', 'http/protobuf']).optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(['http/json', 'http/protobuf']).optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().max(MAX_HEADERS).optional(),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: z.string().max(MAX_HEADERS).optional(),
  OTEL_EXPORTER_OTLP_TIMEOUT: millis(600_000).optional(),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: millis(600_000).optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(255).optional(),
  OTEL_RESOURCE_ATTRIBUTES: z.string().max(MAX_HEADERS).optional(),
  OTEL_BSP_SCHEDULE_DELAY: millis(3_600_000).optional(),
});

/**
 * `k=v,k2=v2` with percent-encoded values, the format of both the OTLP headers and
 * `OTEL_RESOURCE_ATTRIBUTES`; `key` says which names are allowed.
 *
 * @throws ConfigError naming the variable and the entry's position, never a value (keys may be secrets).
 */
function parseKeyValues(variable: string, text: string | undefined, key: RegExp): Map<string, string> {
  // A Map, so a key such as `__proto__` is only a key.
  const pairs = new Map<string, string>();
  if (!text?.trim()) return pairs;
  text.split(',').forEach((entry, index) => {
    if (!entry.trim()) return;
    const at = entry.indexOf('=');
    const name = at < 0 ? '' : entry.slice(0, at).trim();
    if (!key.test(name))
      throw new ConfigError(`invalid configuration: ${variable}: entry ${index + 1} is not name=value`);
    let value: string;
    try {
      value = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      throw new ConfigError(
        `invalid configuration: ${variable}: entry ${index + 1} has a malformed %-escape`,
      );
    }
    // A line break in a header value would split the request's headers.
    if (/[\r\n\0]/.test(value))
      throw new ConfigError(
        `invalid configuration: ${variable}: entry ${index + 1} holds a control character`,
      );
    pairs.set(name, value);
  });
  return pairs;
}

/** Header names are case-insensitive: lower-cased so the trace-specific set overrides the general one. */
function parseHeaders(variable: string, text: string | undefined): Record<string, string> {
  const pairs = parseKeyValues(variable, text, TOKEN);
  return Object.fromEntries([...pairs].map(([name, value]) => [name.toLowerCase(), value]));
}

/** `<base>/v1/traces`, whether or not the base ends with a slash. */
function tracesUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Reads the OpenTelemetry exporter variables. No endpoint, `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none` mean no exporter (undefined: nothing is loaded, nothing
 * runs). `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is used as is; `OTEL_EXPORTER_OTLP_ENDPOINT`
 * gets `/v1/traces` appended. Trace-specific headers and timeout win over the general ones.
 * `OTEL_RESOURCE_ATTRIBUTES` adds resource attributes; the service name is `OTEL_SERVICE_NAME`,
 * else that variable's `service.name`, else the role's default.
 *
 * @param role what this process is (`api`, `documents`, a queue's consumer): the default
 *   service name is `paperlane-<role>`.
 * @throws ConfigError naming each invalid variable (never its value).
 * @example
 * const settings = traceExportSettings(process.env, 'api');
 * // { endpoint: 'http://localhost:4318/v1/traces', serviceName: 'paperlane-api', … } or undefined
 */
export function traceExportSettings(
  source: Readonly<Record<string, string | undefined>>,
  role: string,
): TraceExportSettings | undefined {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (env.OTEL_TRACES_EXPORTER?.split(',').some((name) => name.trim() === 'none')) return undefined;
  const endpoint =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ? tracesUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT) : undefined);
  if (!endpoint) return undefined;
  const attributes = parseKeyValues('OTEL_RESOURCE_ATTRIBUTES', env.OTEL_RESOURCE_ATTRIBUTES, ATTRIBUTE_KEY);
  const attributeServiceName = attributes.get('service.name')?.trim();
  attributes.delete('service.name');
  if (attributeServiceName && attributeServiceName.length > 255)
    throw new ConfigError('invalid configuration: OTEL_RESOURCE_ATTRIBUTES: service.name is too long');
  return {
    endpoint,
    headers: {
      ...parseHeaders('OTEL_EXPORTER_OTLP_HEADERS', env.OTEL_EXPORTER_OTLP_HEADERS),
      ...parseHeaders('OTEL_EXPORTER_OTLP_TRACES_HEADERS', env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
    },
    serviceName: env.OTEL_SERVICE_NAME ?? (attributeServiceName || `paperlane-${role}`),
    resourceAttributes: Object.fromEntries(attributes),
    scheduleDelayMs: env.OTEL_BSP_SCHEDULE_DELAY ?? 5_000,
    exportTimeoutMs: env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT ?? 10_000,
  };
}
