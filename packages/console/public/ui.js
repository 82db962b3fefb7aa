// Shared pieces of every page: htm bound to Preact, the load hook, tables and notices.
import htm from 'htm';
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { isUnavailable } from './api.js';

export const html = htm.bind(h);

/** The queues every deployment has (packages/core QUEUE_NAMES; a test keeps the two equal). */
export const QUEUE_NAMES = [
  'invoice-processing',
  'thumbnail',
  'llm-summary',
  'email-sync',
  'automation',
  'webhook-delivery',
];

/** Job and document statuses the list filters take (core JOB_STATUSES, store DOCUMENT_STATUSES; tested equal). */
export const JOB_STATUSES = ['pending', 'processing', 'complete', 'failed', 'cancelled'];
export const DOCUMENT_STATUSES = ['uploaded', 'processing', 'processed', 'failed'];

/**
 * Runs `load` now, whenever `deps` change, and every `refreshMs` if given; returns
 * { data, error, loading, reload }. A failed load keeps the last data.
 */
export function useLoad(load, deps, refreshMs) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  const latest = useRef(load);
  latest.current = load;
  const reload = useCallback(async () => {
    try {
      const data = await latest.current();
      setState({ data, error: undefined, loading: false });
    } catch (error) {
      setState((previous) => ({ ...previous, error, loading: false }));
    }
  }, []);
  useEffect(() => {
    setState({ data: undefined, error: undefined, loading: true });
    reload();
    if (!refreshMs) return undefined;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, deps);
  return { ...state, reload };
}

/** What a page shows for an endpoint this server does not have. */
export function Unavailable({ what }) {
  return html`<p class="notice unavailable" data-testid="unavailable">
    ${what} is not available on this server.
  </p>`;
}

/** A failed load or action: the unavailable notice, or the API's code and message. */
export function Problem({ error, what }) {
  if (!error) return null;
  if (isUnavailable(error)) return html`<${Unavailable} what=${what} />`;
  return html`<p class="notice error" role="alert">
    ${error.code ? html`<code>${error.code}</code> ` : ''}${error.message}
  </p>`;
}

export function Loading({ when }) {
  return when ? html`<p class="muted">Loading…</p>` : null;
}

/** A table from rows and [heading, cell(row)] columns. */
export function Table({ rows, columns, empty, testid }) {
  if (!rows || rows.length === 0) return html`<p class="muted">${empty ?? 'Nothing here yet.'}</p>`;
  return html`<table data-testid=${testid}>
    <thead><tr>${columns.map(([heading]) => html`<th>${heading}</th>`)}</tr></thead>
    <tbody>${rows.map((row) => html`<tr>${columns.map(([, cell]) => html`<td>${cell(row)}</td>`)}</tr>`)}</tbody>
  </table>`;
}

/**
 * A button that runs an async action, disables itself meanwhile and shows the
 * outcome (or the error) beside it.
 */
export function ActionButton({ label, action, kind, testid }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState(undefined);
  const run = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const said = await action();
      setOutcome(typeof said === 'string' ? { text: said } : undefined);
    } catch (error) {
      setOutcome({ error });
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="action">
    <button class=${kind ?? ''} disabled=${busy} onClick=${run} data-testid=${testid}>${label}</button>
    ${outcome?.text ? html`<span class="outcome">${outcome.text}</span>` : ''}
    ${outcome?.error ? html`<span class="outcome error">${outcome.error.code ?? ''} ${outcome.error.message}</span>` : ''}
  </span>`;
}

export function Status({ status }) {
  return html`<span class=${`status status-${status}`}>${status}</span>`;
}

export function When({ at }) {
  if (!at) return html`<span class="muted">—</span>`;
  return html`<time datetime=${at} title=${at}>${new Date(at).toLocaleString()}</time>`;
}

/**
 * A cursor-paged list over `{ items, next_cursor }` answers: `request(cursor)`
 * fetches one page; `more` is set while there is a next one.
 */
export function usePages(request, deps) {
  const [state, setState] = useState({ items: [], cursor: null, error: undefined, loading: true });
  const latest = useRef(request);
  latest.current = request;
  // Only the newest request may land: a page for filters that changed meanwhile is dropped.
  const generation = useRef(0);
  const fetchPage = async (from) => {
    const mine = from ? generation.current : ++generation.current;
    setState((previous) =>
      from ? { ...previous, loading: true } : { items: [], cursor: null, error: undefined, loading: true },
    );
    try {
      // A filtered page may come back empty with a cursor (the server bounds each page's
      // reads): follow a few such pages rather than show "nothing" above a "Load more".
      let page = await latest.current(from);
      for (let hops = 0; hops < 5 && page.items.length === 0 && page.next_cursor; hops++) {
        if (mine !== generation.current) return;
        page = await latest.current(page.next_cursor);
      }
      if (mine !== generation.current) return;
      setState((previous) => ({
        items: from ? [...previous.items, ...page.items] : page.items,
        cursor: page.next_cursor ?? null,
        error: undefined,
        loading: false,
      }));
    } catch (error) {
      if (mine === generation.current) setState((previous) => ({ ...previous, error, loading: false }));
    }
  };
  useEffect(() => {
    fetchPage(undefined);
  }, deps);
  return {
    items: state.items,
    error: state.error,
    loading: state.loading,
    more: state.cursor ? () => fetchPage(state.cursor) : undefined,
    reload: () => fetchPage(undefined),
  };
}

/** The "Load more" button under a paged list: the next page by its cursor, appended. */
export function More({ pages }) {
  return pages.more
    ? html`<button class="secondary" onClick=${pages.more} disabled=${pages.loading} data-testid="load-more">Load more</button>`
    : null;
}

/** A `<select>` of `values` with an "any" first option; '' means no filter. */
export function Choice({ label, value, values, onChange, testid }) {
  return html`<label>${label} <select value=${value} onChange=${(e) => onChange(e.currentTarget.value)} data-testid=${testid}>
    ${['', ...values].map((v) => html`<option value=${v}>${v || 'any'}</option>`)}
  </select></label>`;
}
