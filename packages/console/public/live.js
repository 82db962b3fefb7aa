// Live job events over the API's Server-Sent Events route, read with fetch so the
// console header goes along (EventSource cannot send headers, and the token is in
// an HttpOnly cookie the page cannot read). The caller falls back to polling when
// the stream is refused or ends (on AWS the HTTP API does not stream).
import { CONSOLE_HEADERS } from './api.js';

/**
 * Opens `/api/events?<target>` and calls onMessage with each JSON message.
 * Returns { close, done }; `done` settles when the stream ends or fails.
 */
export function openEventStream(target, onMessage) {
  const controller = new AbortController();
  const done = (async () => {
    const response = await fetch(`/api/events?${new URLSearchParams(target)}`, {
      headers: { ...CONSOLE_HEADERS, accept: 'text/event-stream' },
      credentials: 'same-origin',
      signal: controller.signal,
    });
    if (!response.ok || !response.body) throw new Error(`the event stream was refused (${response.status})`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return;
      buffer += value.replace(/\r\n?/g, '\n');
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (data) onMessage(JSON.parse(data));
      }
    }
  })();
  return { close: () => controller.abort(), done };
}

const TERMINAL = new Set(['complete', 'failed', 'cancelled']);

/** True once every job is complete, failed or cancelled. */
export const allSettled = (jobs) => jobs.length > 0 && jobs.every((job) => TERMINAL.has(job.status));

/**
 * A job list with one event or snapshot applied. Events carry the job's current
 * status and progress; a snapshot carries every job at once.
 */
export function applyMessage(jobs, message) {
  if (message.type === 'snapshot' && Array.isArray(message.jobs)) {
    return message.jobs.reduce((list, event) => applyMessage(list, { ...event, type: 'job:snapshot' }), jobs);
  }
  if (typeof message.type !== 'string' || !message.type.startsWith('job:') || !message.job_id) return jobs;
  const index = jobs.findIndex((job) => job.job_id === message.job_id);
  const update = {
    job_id: message.job_id,
    queue: message.queue,
    status: message.status,
    progress: message.progress,
    ...(message.document_id ? { document_id: message.document_id } : {}),
    ...(message.error ? { error: message.error } : { error: undefined }),
  };
  if (index < 0) return [...jobs, update];
  const next = [...jobs];
  next[index] = { ...jobs[index], ...update };
  return next;
}
