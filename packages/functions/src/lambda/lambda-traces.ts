import { lazyLoad } from '@paperlane/adapters/lazy-load';
import type { OtlpTraceExporter } from '@paperlane/adapters/metrics/otlp-traces';
import { describeError, type Logger, type Metrics } from '@paperlane/core';
import { traceExportSettings } from '../config/trace-export';

/** The trace exporter of one Lambda function, as its entry point uses it. */
export interface LambdaTraces {
  /** Facts recorded here become spans once {@link LambdaTraces.ready} has resolved. */
  metrics: Metrics;
  /** Loads the exporter (once per execution environment; never rejects); await it before the invocation's work. */
  ready(): Promise<unknown>;
  /** Sends the invocation's spans: Lambda freezes the environment when the handler returns, and a frozen timer never fires. */
  flush(): Promise<void>;
}

/**
 * OpenTelemetry trace export for a Lambda function when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT
 * is set, else undefined. The exporter is its own chunk, imported on the first
 * invocation: a function without an endpoint carries only the settings parser at init.
 *
 * @param role names the service by default (`paperlane-<role>`).
 * @throws ConfigError naming an invalid OTEL_* variable (at init, like every setting).
 * @example
 * const traces = lambdaTraces(wiring.config.source, 'api', wiring.logger);
 * // per invocation:
 * await traces?.ready();
 * try { return await work(); } finally { await traces?.flush(); }
 */
export function lambdaTraces(
  source: Readonly<Record<string, string | undefined>>,
  role: string,
  logger: Logger,
): LambdaTraces | undefined {
  const settings = traceExportSettings(source, role);
  if (!settings) return undefined;
  let exporter: OtlpTraceExporter | undefined;
  const load = lazyLoad(async () => {
    const { createOtlpTraceExporter } = await import('@paperlane/adapters/metrics/otlp-traces');
    exporter = createOtlpTraceExporter({ ...settings, logger });
    return exporter;
  });
  return {
    metrics: {
      jobAttempt: (fact) => exporter?.jobAttempt(fact),
      queueDepth: () => {},
      webhookDelivery: (fact) => exporter?.webhookDelivery(fact),
      httpRequest: (fact) => exporter?.httpRequest(fact),
    },
    // A chunk that fails to load costs this invocation its spans, never its work (the next one retries).
    ready: () =>
      load().catch((error: unknown) =>
        logger.warn('trace exporter not loaded', { error: describeError(error) }),
      ),
    flush: async () => {
      await exporter?.flush();
    },
  };
}
