// What a tenant's admin sees: its own failed jobs, webhooks, mailboxes, automations.
import { useState } from 'preact/hooks';
import { api, isUnavailable, query } from './api.js';
import { ActionButton, html, Loading, Problem, QUEUE_NAMES, Status, Table, useLoad, When } from './ui.js';

const retryOne = async (jobId) => {
  await api('POST', `/api/jobs/${encodeURIComponent(jobId)}/retry`);
  return 'retrying';
};

/** Retries (or, dry, counts) one group's failed jobs, in the queue the page is filtered to. */
function bulkRetry(group, dryRun, queue) {
  return api('POST', '/api/jobs/bulk-retry', {
    error_code: group.error_code,
    ...(queue ? { queue } : {}),
    dry_run: dryRun,
  });
}

/** Without the grouped endpoint: each queue's failed jobs of this tenant, from the queue admin routes. */
function FailedByQueue() {
  const failed = useLoad(async () => {
    const lists = await Promise.all(
      QUEUE_NAMES.map((queue) =>
        api('GET', `/admin/queues/${queue}/failed?limit=50`).then((page) =>
          page.jobs.map((job) => ({ ...job, queue })),
        ),
      ),
    );
    return lists.flat();
  }, []);
  return html`<h2>Failed jobs by queue</h2>
    <${Problem} error=${failed.error} what="The failed job lists" />
    <${Loading} when=${failed.loading} />
    <${Table}
      testid="failed-jobs"
      rows=${failed.data}
      empty="No failed jobs."
      columns=${[
        ['Job', (j) => html`<code>${j.job_id}</code>`],
        ['Queue', (j) => j.queue],
        ['Error', (j) => j.error ?? j.error_code ?? ''],
        ['', (j) => html`<${ActionButton} label="Retry" action=${() => retryOne(j.job_id)} />`],
      ]}
    />`;
}

export function FailedPage() {
  const [queue, setQueue] = useState('');
  // The last bulk retry's answer, kept on the page: the group's row goes once it is retried.
  const [retried, setRetried] = useState(undefined);
  const groups = useLoad(() => api('GET', `/api/failed-jobs/groups${query({ queue })}`), [queue]);
  const unavailable = isUnavailable(groups.error);
  const retryAll = async (g) => {
    const result = await bulkRetry(g, false, queue);
    setRetried(
      `${g.error_code}: ${result.retried} of ${result.matched} retried${result.truncated ? '; more remain, retry again' : ''}`,
    );
    groups.reload();
  };
  return html`<section>
    <h1>Failed jobs</h1>
    <p class="muted">Your tenant's failed jobs, grouped by error code (read from the job records). A dry run counts what a retry would requeue; one retry requeues at most 500.</p>
    <label>Queue <select value=${queue} onChange=${(e) => setQueue(e.currentTarget.value)}>
      ${['', ...QUEUE_NAMES].map((q) => html`<option value=${q}>${q || 'every queue'}</option>`)}
    </select></label>
    <${Problem} error=${groups.error} what="Grouping failed jobs by error" />
    <${Loading} when=${groups.loading} />
    ${retried ? html`<p class="notice" data-testid="bulk-outcome">${retried}</p>` : ''}
    ${groups.data?.truncated ? html`<p class="muted">Only the newest failed jobs are counted; there are more.</p>` : ''}
    ${
      unavailable
        ? html`<${FailedByQueue} />`
        : html`<${Table}
            testid="failed-groups"
            rows=${groups.data?.groups}
            empty="No failed jobs."
            columns=${[
              ['Error', (g) => html`<code>${g.error_code}</code>`],
              ['Jobs', (g) => html`<span data-testid=${`count-${g.error_code}`}>${g.count}</span>`],
              ['Queues', (g) => g.queues.join(', ')],
              ['Latest', (g) => html`<${When} at=${g.latest_at} />`],
              [
                'Samples',
                (g) =>
                  g.sample_job_ids.map(
                    (id) =>
                      html`<div><code>${id}</code> <${ActionButton} label="Retry" action=${() => retryOne(id)} /></div>`,
                  ),
              ],
              [
                '',
                (
                  g,
                ) => html`<${ActionButton} label="Dry run" kind="secondary" testid=${`dry-run-${g.error_code}`} action=${async () => `${(await bulkRetry(g, true, queue)).matched} would be retried`} />
                  <${ActionButton} label="Retry all" testid=${`retry-all-${g.error_code}`} action=${() => retryAll(g)} />`,
              ],
            ]}
          />`
    }
  </section>`;
}

function Deliveries({ webhook }) {
  const deliveries = useLoad(
    () => api('GET', `/api/webhooks/${encodeURIComponent(webhook.webhook_id)}/deliveries?limit=50`),
    [webhook.webhook_id],
    // Deliveries are sent by a worker: refreshed while open, so attempts show as they land.
    3000,
  );
  const redeliver = async (d) => {
    await api(
      'POST',
      `/api/webhooks/${encodeURIComponent(webhook.webhook_id)}/deliveries/${encodeURIComponent(d.delivery_id)}/redeliver`,
    );
    deliveries.reload();
    return 'queued';
  };
  return html`<h2>Deliveries to ${webhook.url}</h2>
    <${Problem} error=${deliveries.error} what="The delivery log" />
    <${Table}
      testid="deliveries"
      rows=${deliveries.data?.deliveries}
      empty="No deliveries yet."
      columns=${[
        ['Event', (d) => (d.redelivery_of ? `${d.event} (redelivery)` : d.event)],
        ['Status', (d) => html`<${Status} status=${d.status} />`],
        ['HTTP', (d) => d.last_status_code ?? ''],
        ['Attempts', (d) => d.attempts],
        ['Took', (d) => (d.duration_ms !== undefined ? `${d.duration_ms} ms` : '')],
        ['Error', (d) => d.error ?? ''],
        ['At', (d) => html`<${When} at=${d.last_attempt_at ?? d.created_at} />`],
        ['', (d) => html`<${ActionButton} label="Redeliver" action=${() => redeliver(d)} />`],
      ]}
    />`;
}

export function WebhooksPage() {
  const webhooks = useLoad(() => api('GET', '/api/webhooks?limit=100'), []);
  const [open, setOpen] = useState(undefined);
  return html`<section>
    <h1>Webhooks</h1>
    <${Problem} error=${webhooks.error} what="Webhooks" />
    <${Loading} when=${webhooks.loading} />
    <${Table}
      testid="webhooks"
      rows=${webhooks.data?.webhooks}
      empty="No webhooks. Register one with POST /api/webhooks."
      columns=${[
        ['URL', (w) => w.url],
        ['Events', (w) => w.events.join(', ')],
        [
          'Active',
          (w) =>
            w.active
              ? 'yes'
              : html`<span class="error">no${w.disabled_reason ? ` (${w.disabled_reason})` : ''}</span>`,
        ],
        ['Last delivery', (w) => html`<${When} at=${w.last_delivery_at} /> ${w.last_status_code ?? ''}`],
        ['', (w) => html`<button class="secondary" onClick=${() => setOpen(w)}>Deliveries</button>`],
      ]}
    />
    ${open ? html`<${Deliveries} webhook=${open} />` : ''}
  </section>`;
}

function Syncs({ mailbox }) {
  const syncs = useLoad(
    () => api('GET', `/api/mailboxes/${encodeURIComponent(mailbox.mailbox_id)}/syncs`),
    [mailbox.mailbox_id],
    3000,
  );
  return html`<h2>Syncs of ${mailbox.name}</h2>
    <${Problem} error=${syncs.error} what="The sync log" />
    <${Table}
      testid="syncs"
      rows=${syncs.data?.syncs}
      empty="No syncs yet."
      columns=${[
        ['Started', (s) => html`<${When} at=${s.started_at} />`],
        ['Status', (s) => html`<${Status} status=${s.status} />`],
        ['Fetched', (s) => s.fetched],
        ['Imported', (s) => s.imported],
        ['Skipped', (s) => s.skipped],
        ['Errors', (s) => s.errors],
      ]}
    />`;
}

export function MailboxesPage() {
  const mailboxes = useLoad(() => api('GET', '/api/mailboxes?limit=100'), []);
  const [open, setOpen] = useState(undefined);
  return html`<section>
    <h1>Mailboxes</h1>
    <${Problem} error=${mailboxes.error} what="Mailboxes" />
    <${Loading} when=${mailboxes.loading} />
    <${Table}
      testid="mailboxes"
      rows=${mailboxes.data?.mailboxes}
      empty="No mailboxes. Connect one with POST /api/mailboxes."
      columns=${[
        ['Name', (m) => m.name],
        ['Account', (m) => `${m.user}@${m.host}:${m.port} ${m.folder}`],
        ['Enabled', (m) => (m.enabled ? 'yes' : 'no')],
        ['Last sync', (m) => html`<${When} at=${m.last_sync_at} />`],
        ['Last error', (m) => (m.last_error ? html`<span class="error">${m.last_error.code}</span>` : '')],
        [
          '',
          (m) => html`<${ActionButton} label="Sync now" action=${async () => {
            await api('POST', `/api/mailboxes/${encodeURIComponent(m.mailbox_id)}/sync`);
            setOpen(m);
            return 'queued';
          }} />
          <button class="secondary" onClick=${() => setOpen(m)}>Syncs</button>`,
        ],
      ]}
    />
    ${open ? html`<${Syncs} mailbox=${open} />` : ''}
  </section>`;
}

export function AutomationsPage() {
  // A run is a job: refreshed, so its outcome shows once the worker has recorded it.
  const automations = useLoad(() => api('GET', '/api/automations?limit=100'), [], 3000);
  return html`<section>
    <h1>Automations</h1>
    <${Problem} error=${automations.error} what="Automations" />
    <${Loading} when=${automations.loading} />
    <${Table}
      testid="automations"
      rows=${automations.data?.automations}
      empty="No automations. Create one with POST /api/automations."
      columns=${[
        ['Name', (a) => a.name],
        ['Schedule', (a) => html`<code>${a.schedule}</code> ${a.timezone}`],
        ['Action', (a) => a.action?.type ?? ''],
        ['Enabled', (a) => (a.enabled ? 'yes' : 'no')],
        ['Next run', (a) => html`<${When} at=${a.next_run_at} />`],
        ['Last run', (a) => html`<${When} at=${a.last_run_at} />`],
        [
          'Result',
          (a) =>
            a.last_result
              ? html`<${Status} status=${a.last_result.status} /> ${a.last_result.error ?? ''}`
              : '',
        ],
        [
          '',
          (a) =>
            html`<${ActionButton} label="Run now" action=${async () => {
              await api('POST', `/api/automations/${encodeURIComponent(a.automation_id)}/run`);
              automations.reload();
              return 'queued';
            }} />`,
        ],
      ]}
    />
  </section>`;
}
