// What every signed-in user sees: upload, sessions with live progress, documents.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, isUnavailable, query } from './api.js';
import { allSettled, applyMessage, openEventStream } from './live.js';
import {
  ActionButton,
  Choice,
  DOCUMENT_STATUSES,
  html,
  JOB_STATUSES,
  Loading,
  More,
  Problem,
  QUEUE_NAMES,
  Status,
  Table,
  Unavailable,
  useLoad,
  usePages,
  When,
} from './ui.js';

// Sessions uploaded from this tab, so the list has something to show on a server
// without the session list endpoint. Ids and file names only.
const RECENT_KEY = 'paperlane.console.recent';
function recentSessions() {
  try {
    return JSON.parse(sessionStorage.getItem(RECENT_KEY) ?? '[]');
  } catch {
    return [];
  }
}
function remember(session) {
  const list = [session, ...recentSessions().filter((s) => s.session_id !== session.session_id)];
  sessionStorage.setItem(RECENT_KEY, JSON.stringify(list.slice(0, 50)));
}

export function UploadPage() {
  const input = useRef(null);
  const [state, setState] = useState({ busy: false, error: undefined });
  const upload = async (event) => {
    event.preventDefault();
    const files = [...(input.current?.files ?? [])];
    if (files.length === 0) return setState({ busy: false, error: new Error('choose at least one file') });
    const form = new FormData();
    for (const file of files) form.append('files', file, file.name);
    setState({ busy: true, error: undefined });
    try {
      const result = await api('POST', '/api/upload', form);
      remember({
        session_id: result.session_id,
        created_at: new Date().toISOString(),
        files: result.documents.map((d) => d.file_name),
      });
      location.hash = `#/sessions/${result.session_id}`;
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return html`<section>
    <h1>Upload</h1>
    <p class="muted">PDF, PNG or JPEG invoices. Each file becomes a document with its jobs; you follow them live.</p>
    <form onSubmit=${upload} class="upload">
      <input type="file" multiple ref=${input} data-testid="upload-input" accept="application/pdf,image/png,image/jpeg" />
      <button type="submit" disabled=${state.busy} data-testid="upload-submit">${state.busy ? 'Uploading…' : 'Upload'}</button>
    </form>
    <${Problem} error=${state.error} what="Uploading" />
  </section>`;
}

export function SessionsPage() {
  const pages = usePages((cursor) => api('GET', `/api/upload-sessions${query({ limit: 25, cursor })}`), []);
  const unavailable = isUnavailable(pages.error);
  const rows = unavailable ? recentSessions() : pages.items;
  return html`<section>
    <h1>Upload sessions</h1>
    ${unavailable ? html`<${Unavailable} what="Listing upload sessions" /><p class="muted">Sessions uploaded from this tab:</p>` : html`<${Problem} error=${pages.error} what="Listing upload sessions" />`}
    <${Loading} when=${pages.loading && rows.length === 0} />
    <${Table}
      testid="sessions"
      rows=${rows}
      empty="No upload sessions yet."
      columns=${[
        ['Session', (s) => html`<a href=${`#/sessions/${s.session_id}`}>${s.session_id}</a>`],
        ['Status', (s) => (s.status ? html`<${Status} status=${s.status} />` : '')],
        ['Files', (s) => s.files?.join(', ') ?? s.document_ids?.length ?? ''],
        [
          'Jobs',
          (s) =>
            s.counts
              ? `${s.counts.complete} complete, ${s.counts.failed} failed${s.counts.cancelled ? `, ${s.counts.cancelled} cancelled` : ''}`
              : (s.expected_jobs ?? ''),
        ],
        ['Created', (s) => html`<${When} at=${s.created_at} />`],
      ]}
    />
    ${unavailable ? '' : html`<${More} pages=${pages} />`}
  </section>`;
}

/**
 * One session's jobs, kept current by the event stream (snapshot, job events,
 * session:completed) and, when the stream is refused or ends, by polling the
 * session until every job has settled.
 */
function useLiveSession(sessionId) {
  const [session, setSession] = useState(undefined);
  const [jobs, setJobs] = useState([]);
  const [mode, setMode] = useState('connecting');
  const [error, setError] = useState(undefined);
  const [completed, setCompleted] = useState(undefined);
  const [pollKey, setPollKey] = useState(0);
  const refetch = async () => {
    try {
      const view = await api('GET', `/api/upload-sessions/${encodeURIComponent(sessionId)}`);
      setSession(view);
      setJobs(view.jobs);
      setError(undefined);
      return view;
    } catch (caught) {
      setError(caught);
      return undefined;
    }
  };
  useEffect(() => {
    setSession(undefined);
    setJobs([]);
    setCompleted(undefined);
    setMode('connecting');
    let closed = false;
    const stream = openEventStream({ session_id: sessionId }, (message) => {
      if (message.type === 'subscribed') {
        setMode('live');
        // Read the current state only now, so no event between the read and the subscription is lost.
        refetch();
      } else if (message.type === 'session:completed') {
        setCompleted(message.counts ?? {});
        refetch();
      } else if (message.type === 'error') {
        setError(new ApiError(0, message.code, message.message));
      } else {
        setJobs((list) => applyMessage(list, message));
      }
    });
    stream.done
      .catch(() => {})
      .finally(() => {
        if (!closed) {
          setMode('polling');
          setPollKey((key) => key + 1);
        }
      });
    return () => {
      closed = true;
      stream.close();
    };
  }, [sessionId]);
  // Polling: only when the stream is not there, and only until every job has settled.
  useEffect(() => {
    if (mode !== 'polling') return undefined;
    let stopped = false;
    const tick = async () => {
      const view = await refetch();
      if (!stopped && !(view && allSettled(view.jobs))) timer = setTimeout(tick, 1500);
    };
    let timer = setTimeout(tick, 0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [mode, pollKey]);
  const settled = allSettled(jobs);
  // The stream said every job settled: read the final records once (results, errors).
  useEffect(() => {
    if (settled && mode === 'live') refetch();
  }, [settled, mode]);
  return { session, jobs, mode, error, completed, settled, refetch, repoll: () => setPollKey((k) => k + 1) };
}

function useDocumentNames(ids) {
  const [names, setNames] = useState({});
  useEffect(() => {
    for (const id of ids) {
      if (names[id]) continue;
      api('GET', `/api/documents/${encodeURIComponent(id)}`)
        .then((doc) => setNames((known) => ({ ...known, [id]: doc.file_name })))
        .catch(() => {});
    }
  }, [ids.join(',')]);
  return names;
}

async function retryJob(jobId) {
  await api('POST', `/api/jobs/${encodeURIComponent(jobId)}/retry`);
  return 'retrying';
}

export function SessionPage({ id }) {
  const live = useLiveSession(id);
  const documentIds = [
    ...new Set([
      ...(live.session?.document_ids ?? []),
      ...live.jobs.map((j) => j.document_id).filter(Boolean),
    ]),
  ];
  const names = useDocumentNames(documentIds);
  const expected = live.session?.expected_jobs;
  const done = live.jobs.filter((j) => ['complete', 'failed', 'cancelled'].includes(j.status)).length;
  const retry = async (jobId) => {
    const said = await retryJob(jobId);
    if (live.mode === 'polling') live.repoll();
    return said;
  };
  if (live.error && !live.session) {
    return html`<section><h1>Session</h1><${Problem} error=${live.error} what="This session" /></section>`;
  }
  return html`<section>
    <h1>Session <code>${id}</code></h1>
    <p data-testid="session-summary">
      <span class=${`badge ${live.mode}`} data-testid="live-mode">${live.mode === 'live' ? 'live' : live.mode === 'polling' ? 'polling' : 'connecting'}</span>
      ${done} of ${expected ?? live.jobs.length} jobs settled
      ${live.settled ? html` · <strong data-testid="session-settled">all jobs settled</strong>` : ''}
      ${live.completed ? html` · <span data-testid="session-completed">session completed (${live.completed.complete ?? 0} complete, ${live.completed.failed ?? 0} failed)</span>` : ''}
    </p>
    ${documentIds.map(
      (documentId) => html`<article class="file" data-testid="session-file" data-document-id=${documentId}>
        <h2><a href=${`#/documents/${documentId}`}>${names[documentId] ?? documentId}</a></h2>
        <${Table}
          rows=${live.jobs.filter((j) => j.document_id === documentId)}
          empty="No jobs yet."
          columns=${[
            ['Queue', (j) => j.queue],
            [
              'Status',
              (j) => html`<span data-testid=${`job-${j.queue}`}><${Status} status=${j.status} /></span>`,
            ],
            [
              'Progress',
              (j) => html`<progress max="100" value=${j.progress ?? 0}></progress> ${j.progress ?? 0}%`,
            ],
            [
              'Error',
              (j) => (j.status === 'failed' && j.error ? html`<span class="error">${j.error}</span>` : ''),
            ],
            [
              '',
              (j) =>
                j.status === 'failed'
                  ? html`<${ActionButton} label="Retry" testid=${`retry-${j.queue}`} action=${() => retry(j.job_id)} />`
                  : '',
            ],
          ]}
        />
      </article>`,
    )}
    <${Loading} when=${!live.session && !live.error} />
    <${Problem} error=${live.error} what="This session" />
  </section>`;
}

export function DocumentsPage() {
  const [status, setStatus] = useState('');
  const [vendor, setVendor] = useState('');
  const [invoiceNumber, setInvoiceNumber] = useState('');
  const pages = usePages(
    (cursor) =>
      api(
        'GET',
        `/api/documents${query({ status, vendor, invoice_number: invoiceNumber, limit: 25, cursor })}`,
      ),
    [status, vendor, invoiceNumber],
  );
  return html`<section>
    <h1>Documents</h1>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <${Choice} label="Status" value=${status} values=${DOCUMENT_STATUSES} onChange=${setStatus} testid="document-status" />
      <label>Vendor <input value=${vendor} onChange=${(e) => setVendor(e.currentTarget.value.trim())} placeholder="any" /></label>
      <label>Invoice number <input value=${invoiceNumber} onChange=${(e) => setInvoiceNumber(e.currentTarget.value.trim())} placeholder="any" /></label>
    </form>
    <${Problem} error=${pages.error} what="Listing documents" />
    <${Loading} when=${pages.loading && pages.items.length === 0} />
    ${isUnavailable(pages.error) ? html`<p class="muted">Open a document from its <a href="#/sessions">upload session</a>.</p>` : ''}
    <${Table}
      testid="documents"
      rows=${pages.items}
      empty="No documents yet."
      columns=${[
        ['File', (d) => html`<a href=${`#/documents/${d.document_id}`}>${d.file_name}</a>`],
        ['Status', (d) => html`<${Status} status=${d.status} />`],
        ['Type', (d) => d.content_type],
        ['Uploaded', (d) => html`<${When} at=${d.created_at} />`],
      ]}
    />
    <${More} pages=${pages} />
  </section>`;
}

export function JobsPage() {
  const [status, setStatus] = useState('');
  const [queue, setQueue] = useState('');
  const pages = usePages(
    (cursor) => api('GET', `/api/jobs${query({ status, queue, limit: 25, cursor })}`),
    [status, queue],
  );
  return html`<section>
    <h1>Jobs</h1>
    <p class="muted">Newest change first.</p>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <${Choice} label="Status" value=${status} values=${JOB_STATUSES} onChange=${setStatus} testid="job-status" />
      <${Choice} label="Queue" value=${queue} values=${QUEUE_NAMES} onChange=${setQueue} />
    </form>
    <${Problem} error=${pages.error} what="Listing jobs" />
    <${Loading} when=${pages.loading && pages.items.length === 0} />
    <${Table}
      testid="jobs"
      rows=${pages.items}
      empty="No jobs."
      columns=${[
        ['Job', (j) => html`<code>${j.job_id}</code>`],
        ['Queue', (j) => j.queue],
        ['Status', (j) => html`<${Status} status=${j.status} />`],
        ['Attempts', (j) => `${j.attempts}/${j.max_attempts}`],
        ['Error', (j) => (j.error ? html`<span class="error">${j.error_code ?? ''} ${j.error}</span>` : '')],
        ['Document', (j) => (j.document_id ? html`<a href=${`#/documents/${j.document_id}`}>open</a>` : '')],
        ['Updated', (j) => html`<${When} at=${j.updated_at} />`],
        [
          '',
          (j) =>
            j.status === 'failed'
              ? html`<${ActionButton} label="Retry" action=${async () => {
                  const said = await retryJob(j.job_id);
                  pages.reload();
                  return said;
                }} />`
              : '',
        ],
      ]}
    />
    <${More} pages=${pages} />
  </section>`;
}

/** Sign a new link this long before the old one lapses, so a click never lands on an expired one. */
const LINK_MARGIN_MS = 15_000;

/**
 * A short-lived link to a document's original or thumbnail (`POST …/links`): a URL an
 * `<img>` or a download follows with no header (`/files/…` here, S3 on AWS). Signed
 * when the view opens; `fresh()` signs again when the link is about to lapse (a page
 * left open past its five minutes).
 */
function useDocumentLink(documentId, kind, width, wanted = true) {
  const [link, setLink] = useState(undefined);
  const [error, setError] = useState(undefined);
  const sign = async () => {
    try {
      const signed = await api('POST', `/api/documents/${encodeURIComponent(documentId)}/links`, {
        kind,
        ...(width ? { width } : {}),
      });
      setLink(signed);
      setError(undefined);
      return signed;
    } catch (caught) {
      setError(caught);
      return undefined;
    }
  };
  useEffect(() => {
    setLink(undefined);
    if (wanted) sign();
  }, [documentId, kind, width, wanted]);
  const fresh = async () =>
    link && Date.parse(link.expires_at) - Date.now() > LINK_MARGIN_MS ? link : sign();
  return { link, error, sign, fresh };
}

function Thumbnail({ doc }) {
  const item = doc.thumbnails?.items?.[0];
  const { link, error, sign } = useDocumentLink(doc.document_id, 'thumbnail', item?.requested_width, !!item);
  const [retried, setRetried] = useState(false);
  if (!item) return html`<div class="thumb placeholder">No thumbnail yet</div>`;
  if (error)
    return html`<div class="thumb placeholder">Thumbnail unavailable (${error.code ?? error.message})</div>`;
  // A link that lapsed before the image loaded is signed again, once.
  const reload = () => {
    if (retried) return;
    setRetried(true);
    sign();
  };
  return link
    ? html`<img class="thumb" src=${link.url} onError=${reload} alt=${`First page of ${doc.file_name}`} width=${item.width} height=${item.height} data-testid="thumbnail" />`
    : html`<div class="thumb placeholder">Loading…</div>`;
}

/** A plain link (copyable, opens a download): re-signed on click when it is about to lapse. */
function DownloadOriginal({ doc }) {
  const { link, error, fresh } = useDocumentLink(doc.document_id, 'original');
  const click = async (event) => {
    if (link && Date.parse(link.expires_at) - Date.now() > LINK_MARGIN_MS) return;
    event.preventDefault();
    const signed = await fresh();
    if (signed) location.assign(signed.url);
  };
  return html`<p>
    <a class="button secondary" href=${link?.url ?? '#'} download=${doc.file_name} onClick=${click} data-testid="download-original">Download original</a>
    ${error ? html` <span class="outcome error">${error.code ?? ''} ${error.message}</span>` : ''}
  </p>`;
}

function Fields({ fields }) {
  const entries = Object.entries(fields ?? {}).filter(([, value]) => value !== null && value !== undefined);
  if (entries.length === 0) return html`<p class="muted">No fields extracted yet.</p>`;
  const show = (value) => (typeof value === 'object' ? JSON.stringify(value) : String(value));
  return html`<dl class="fields" data-testid="fields">
    ${entries.map(([name, value]) => html`<dt>${name}</dt><dd>${show(value)}</dd>`)}
  </dl>`;
}

export function DocumentPage({ id }) {
  const doc = useLoad(() => api('GET', `/api/documents/${encodeURIComponent(id)}`), [id]);
  const jobs = useLoad(() => api('GET', `/api/jobs${query({ document_id: id, limit: 100 })}`), [id]);
  if (doc.error)
    return html`<section><h1>Document</h1><${Problem} error=${doc.error} what="This document" /></section>`;
  if (!doc.data) return html`<section><${Loading} when=${true} /></section>`;
  const d = doc.data;
  const invoice = d.invoices?.[0];
  return html`<section>
    <h1>${d.file_name}</h1>
    <p><${Status} status=${d.status} /> · ${d.content_type} · ${d.size_bytes} bytes${d.page_count ? ` · ${d.page_count} pages` : ''} · <${When} at=${d.created_at} />
      ${d.session_id ? html` · <a href=${`#/sessions/${d.session_id}`}>session</a>` : ''}</p>
    <div class="document">
      <${Thumbnail} doc=${d} />
      <div>
        <h2>Extracted fields</h2>
        ${invoice ? html`<p class="muted">${invoice.status}${invoice.extractor ? ` · ${invoice.extractor}` : ''}${invoice.ocr_provider ? ` · ${invoice.ocr_provider}` : ''}</p>` : ''}
        <${Fields} fields=${invoice?.fields} />
        <h2>Summary</h2>
        ${d.summary ? html`<p data-testid="summary">${d.summary.summary}</p>` : html`<p class="muted">No summary yet.</p>`}
        <${DownloadOriginal} doc=${d} />
      </div>
    </div>
    <h2>Jobs</h2>
    ${isUnavailable(jobs.error) ? html`<${Unavailable} what="Listing a document's jobs" />` : html`<${Problem} error=${jobs.error} what="Jobs" />`}
    <${Table}
      rows=${jobs.data?.items}
      empty="No jobs listed."
      columns=${[
        ['Queue', (j) => j.queue],
        ['Status', (j) => html`<${Status} status=${j.status} />`],
        ['Attempts', (j) => `${j.attempts}/${j.max_attempts}`],
        ['Error', (j) => j.error ?? ''],
        [
          '',
          (j) =>
            j.status === 'failed'
              ? html`<${ActionButton} label="Retry" action=${async () => {
                  const said = await retryJob(j.job_id);
                  jobs.reload();
                  return said;
                }} />`
              : '',
        ],
      ]}
    />
  </section>`;
}
