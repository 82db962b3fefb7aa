import { createPrometheusMetrics } from '@paperlane/adapters/metrics/prometheus-metrics';
import { describe, expect, it } from 'vitest';
import { IPC_METRICS, type MetricsRelayMessage, pushMetrics, relayedMetrics } from './metrics-relay';

describe('metrics relay between the processes of npm start', () => {
  it('a child sends its snapshot when it changed; the API merges the latest per role', async () => {
    const documents = createPrometheusMetrics();
    const api = createPrometheusMetrics();
    const sent: MetricsRelayMessage[] = [];
    const stop = pushMetrics({
      role: 'documents',
      snapshot: () => documents.snapshot(),
      send: (m) => sent.push(structuredClone(m)),
      intervalMs: 60_000,
    });
    documents.jobAttempt({ queue: 'thumbnail', outcome: 'completed', durationMs: 30, attempt: 1 });
    await stop(); // the final flush
    expect(sent).toHaveLength(1);

    const relayed = relayedMetrics();
    // The same role twice: the later snapshot replaces the earlier, it does not add to it.
    for (const message of [...sent, ...sent]) expect(relayed.accept(message)).toBe(true);
    const text = await api.render(relayed.snapshots());
    expect(text).toContain('paperlane_job_duration_seconds_count{queue="thumbnail",outcome="completed"} 1');
  });

  it('sends nothing when nothing changed since the last snapshot', async () => {
    const metrics = createPrometheusMetrics();
    const sent: unknown[] = [];
    const first = pushMetrics({
      role: 'integrations',
      snapshot: () => metrics.snapshot(),
      send: (m) => sent.push(m),
    });
    await first();
    const second = pushMetrics({
      role: 'integrations',
      snapshot: () => metrics.snapshot(),
      send: (m) => sent.push(m),
    });
    await second();
    expect(sent).toHaveLength(2); // each pusher sends once; neither repeats an unchanged snapshot
  });

  it.each([
    ['not an array', { kind: IPC_METRICS, role: 'documents', snapshot: 'x' }],
    ['an unknown role', { kind: IPC_METRICS, role: 'mallory', snapshot: [] }],
    [
      'a bad metric name',
      {
        kind: IPC_METRICS,
        role: 'documents',
        snapshot: [{ name: 'a b', help: '', type: 'counter', aggregator: 'sum', values: [] }],
      },
    ],
    [
      'too many metrics',
      {
        kind: IPC_METRICS,
        role: 'documents',
        snapshot: Array.from({ length: 201 }, () => ({
          name: 'a',
          help: '',
          type: 'counter',
          aggregator: 'sum',
          values: [],
        })),
      },
    ],
    [
      'a non-numeric value',
      {
        kind: IPC_METRICS,
        role: 'documents',
        snapshot: [
          { name: 'a', help: '', type: 'counter', aggregator: 'sum', values: [{ value: '1', labels: {} }] },
        ],
      },
    ],
  ])('drops a relayed message with %s (consumed, not kept, no throw)', (_name, message) => {
    const relayed = relayedMetrics();
    expect(relayed.accept(message)).toBe(true);
    expect(relayed.snapshots()).toEqual([]);
  });

  it('leaves other IPC messages to their handlers', () => {
    const relayed = relayedMetrics();
    expect(relayed.accept({ kind: 'paperlane:stop' })).toBe(false);
    expect(relayed.accept(null)).toBe(false);
    expect(relayed.accept('paperlane:metrics')).toBe(false);
  });
});
