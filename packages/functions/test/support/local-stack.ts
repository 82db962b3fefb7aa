import { type EventBus, isJobEvent, type JobEvent, type LogFields, type Logger } from '@paperlane/core';
import type { LocalProcess } from '../../src/local/start-local';

/** A logger that keeps every line (level, message, fields) as JSON, to search for leaked secrets. */
export function recordingLogger(lines: string[] = [], base: LogFields = {}): Logger & { lines: string[] } {
  const write = (level: string) => (message: string, fields?: LogFields) => {
    lines.push(JSON.stringify({ level, message, ...base, ...fields }));
  };
  return {
    lines,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => recordingLogger(lines, { ...base, ...fields }),
  };
}

export interface ApiResponse {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
  body: any;
}

/**
 * A JSON client for a started local process, as one tenant user. Every answer's
 * text is kept in `seen` (shared between clients when given), so a suite can
 * assert that no response ever carried a secret.
 */
export function apiClient(
  local: Pick<LocalProcess, 'url' | 'token'>,
  who: { tenantId: string; userId?: string; role?: 'user' | 'admin' },
  seen: string[] = [],
) {
  let token: Promise<string> | undefined;
  return {
    seen,
    async call(method: string, path: string, body?: unknown): Promise<ApiResponse> {
      token ??= local.token(who.tenantId, { userId: who.userId ?? 'user-1', role: who.role ?? 'user' });
      const response = await fetch(`${local.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      seen.push(text);
      return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
    },
  };
}

/**
 * Every job event from the moment of the call. `next` resolves with the first event
 * (already seen or still to come) that matches, so a suite waits for the event
 * instead of sleeping.
 */
export function watchJobEvents(events: EventBus) {
  const seen: JobEvent[] = [];
  const waiters: Array<{ match: (event: JobEvent) => boolean; resolve: (event: JobEvent) => void }> = [];
  const stop = events.subscribe((event) => {
    if (!isJobEvent(event)) return;
    seen.push(event);
    for (const waiter of [...waiters]) {
      if (!waiter.match(event)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  });
  return {
    seen,
    next(match: (event: JobEvent) => boolean): Promise<JobEvent> {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    /** The job's terminal event: `job:complete`, `job:failed` or `job:cancelled`. */
    settled(jobId: string): Promise<JobEvent> {
      return this.next(
        (e) =>
          e.jobId === jobId &&
          (e.type === 'job:complete' || e.type === 'job:failed' || e.type === 'job:cancelled'),
      );
    },
    stop,
  };
}
