// What the deployment's operator sees: every queue's depth, age, throughput, failure
// rate and durations, with pause/resume and DLQ redrive.
import { useState } from 'preact/hooks';
import { api, isUnavailable } from './api.js';
import { ActionButton, html, Loading, Problem, Table, Unavailable, useLoad } from './ui.js';

const REFRESH_MS = 2000;

/** The stats endpoint's shape, or the older depth-only `/admin/queues` turned into it. */
async function loadQueues() {
  try {
    return { full: true, queues: (await api('GET', '/admin/queues/stats?window_minutes=60')).queues };
  } catch (error) {
    if (!isUnavailable(error)) throw error;
    const { queues } = await api('GET', '/admin/queues');
    return {
      full: false,
      queues: queues.map((q) => ({
        name: q.queue,
        depth: q.waiting + q.delayed,
        in_flight: q.in_flight,
        dlq_depth: q.failed,
        paused: q.paused,
      })),
    };
  }
}

const seconds = (value) => (value === null || value === undefined ? '—' : `${Math.round(value)} s`);
const ms = (value) => (value === null || value === undefined ? '—' : `${Math.round(value)} ms`);
const percent = (value) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`);
const rate = (value) => (value === null || value === undefined ? '—' : value.toFixed(1));

function Redrive({ queue, after }) {
  const [armed, setArmed] = useState(false);
  if (!armed)
    return html`<button class="secondary" onClick=${() => setArmed(true)} data-testid=${`redrive-${queue.name}`}>Redrive DLQ</button>`;
  return html`<${ActionButton}
    label=${`Confirm: redrive ${queue.dlq_depth ?? ''}`}
    kind="danger"
    testid=${`redrive-confirm-${queue.name}`}
    action=${async () => {
      const result = await api('POST', `/admin/queues/${queue.name}/redrive`, {});
      setArmed(false);
      after();
      return `${result.redriven} redriven`;
    }}
  />`;
}

export function QueuesPage() {
  const data = useLoad(loadQueues, [], REFRESH_MS);
  const act = async (queue, verb) => {
    await api('POST', `/admin/queues/${queue.name}/${verb}`);
    await data.reload();
    return verb === 'pause' ? 'paused' : 'resumed';
  };
  return html`<section>
    <h1>Queues</h1>
    <p class="muted">Every tenant's jobs. Refreshes every ${REFRESH_MS / 1000} s; durations and rates over the last 60 minutes.</p>
    <${Problem} error=${data.error} what="Queue statistics" />
    <${Loading} when=${data.loading} />
    ${data.data && !data.data.full ? html`<${Unavailable} what="Throughput, failure rate and durations (GET /admin/queues/stats)" />` : ''}
    <${Table}
      testid="queues"
      rows=${data.data?.queues}
      columns=${[
        [
          'Queue',
          (q) =>
            html`<strong>${q.name}</strong>${q.paused ? html` <span class="badge paused" data-testid=${`paused-${q.name}`}>paused</span>` : ''}`,
        ],
        ['Depth', (q) => html`<span data-testid=${`depth-${q.name}`}>${q.depth}</span>`],
        ['In flight', (q) => q.in_flight],
        ['Oldest', (q) => seconds(q.oldest_age_seconds)],
        ['DLQ', (q) => q.dlq_depth],
        ['Done/min', (q) => rate(q.throughput_per_minute)],
        ['Failure rate', (q) => percent(q.failure_rate)],
        ['p50', (q) => ms(q.p50_ms)],
        ['p95', (q) => ms(q.p95_ms)],
        [
          '',
          (q) => html`${
            q.paused
              ? html`<${ActionButton} label="Resume" testid=${`resume-${q.name}`} action=${() => act(q, 'resume')} />`
              : html`<${ActionButton} label="Pause" kind="secondary" testid=${`pause-${q.name}`} action=${() => act(q, 'pause')} />`
          }
            <${Redrive} queue=${q} after=${data.reload} />`,
        ],
      ]}
    />
  </section>`;
}
