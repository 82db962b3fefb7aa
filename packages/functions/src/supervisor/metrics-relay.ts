/**
 * Metrics across the processes of `npm start`. Each consumer child counts its own jobs
 * in its own registry; the API child serves `/metrics`. So every child sends its
 * registry's snapshot over IPC (at most once a second, and only when it changed), the
 * supervisor relays it to the API child, and the API merges the latest snapshot of each
 * role into what it renders (counters and histograms summed). A restarted child starts
 * from zero, as any restarted Prometheus target does.
 */
import type { MetricsSnapshot } from '@paperlane/adapters/metrics/prometheus-metrics';
import { z } from 'zod';
import { ROLES } from '../roles/roles';

export const IPC_METRICS = 'paperlane:metrics';

const labelValue = z.union([z.string().max(512), z.number()]);
/** What prom-client's `getMetricsAsJSON()` gives, bounded: a hostile child cannot grow the API's memory. */
const snapshotSchema = z
  .array(
    z.object({
      name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,199}$/),
      help: z.string().max(1024),
      type: z.enum(['counter', 'gauge', 'histogram', 'summary']),
      aggregator: z.enum(['sum', 'first', 'min', 'max', 'average', 'omit']),
      values: z
        .array(
          z.object({
            value: z.number(),
            labels: z.record(z.string().max(100), labelValue),
            metricName: z.string().max(200).optional(),
          }),
        )
        .max(20_000),
    }),
  )
  .max(200);

const relayMessageSchema = z.object({
  kind: z.literal(IPC_METRICS),
  role: z.enum(ROLES),
  snapshot: snapshotSchema,
});
/** Child → supervisor → API child. */
export interface MetricsRelayMessage {
  kind: typeof IPC_METRICS;
  role: z.infer<typeof relayMessageSchema>['role'];
  snapshot: MetricsSnapshot;
}

/**
 * Sends this process's snapshot every `intervalMs` while it differs from the last one
 * sent. Returns a stop function that sends a final snapshot.
 *
 * @example const stop = pushMetrics({ role: 'documents', snapshot: () => metrics.snapshot(), send: tell });
 */
export function pushMetrics(options: {
  role: MetricsRelayMessage['role'];
  snapshot: () => Promise<MetricsSnapshot>;
  send: (message: MetricsRelayMessage) => void;
  intervalMs?: number;
}): () => Promise<void> {
  let last = '';
  const flush = async () => {
    const snapshot = await options.snapshot();
    const text = JSON.stringify(snapshot);
    if (text === last) return;
    last = text;
    options.send({ kind: IPC_METRICS, role: options.role, snapshot });
  };
  const timer = setInterval(() => void flush().catch(() => {}), options.intervalMs ?? 1_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await flush().catch(() => {});
  };
}

/**
 * The API child's view of the other children's metrics: the latest valid snapshot per role.
 *
 * @example if (relayed.accept(message)) return; // else some other IPC message
 */
export function relayedMetrics() {
  const latest = new Map<MetricsRelayMessage['role'], MetricsSnapshot>();
  return {
    /** Takes a relayed message; `false` for anything else (or a malformed snapshot, which is dropped). */
    accept(raw: unknown): boolean {
      if (typeof raw !== 'object' || raw === null || (raw as { kind?: unknown }).kind !== IPC_METRICS)
        return false;
      const message = relayMessageSchema.safeParse(raw);
      if (message.success) latest.set(message.data.role, message.data.snapshot);
      return true;
    },
    snapshots: (): MetricsSnapshot[] => [...latest.values()],
  };
}
