import { readFileSync } from 'node:fs';
import type { LogFields, Logger } from '@paperlane/core';
import { invoiceFixture } from '@paperlane/testing';
import { openRealtimeClient, type RealtimeMessage } from './ws-client';

/**
 * The environment of a supervised stack under test: embedded everything in `dataDir`,
 * free ports, quiet children, short restart delays. Nothing inherited from the shell
 * (a REDIS_URL or AWS endpoint there would change the runtime under test).
 */
export function supervisedEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'error',
    SUPERVISOR_RESTART_BASE_MS: '100',
    SUPERVISOR_SHUTDOWN_TIMEOUT_MS: '15000',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

export interface LogEntry extends LogFields {
  level: string;
  message: string;
}

/** A logger that keeps its entries, so a test awaits a log line instead of sleeping. */
export function recordingLogger() {
  const entries: LogEntry[] = [];
  const waiters = new Set<() => void>();
  const make = (base: LogFields): Logger => {
    const log = (level: string) => (message: string, fields?: LogFields) => {
      entries.push({ ...base, ...fields, level, message });
      for (const wake of [...waiters]) wake();
    };
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return {
    logger: make({}),
    entries,
    /** Resolves with the first entry (already logged or to come) that `match` accepts. */
    waitFor(match: (entry: LogEntry) => boolean): Promise<LogEntry> {
      return new Promise((resolve) => {
        const check = () => {
          const found = entries.find(match);
          if (!found) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Whether a process is running (a zombie awaiting its reaper counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Calls `probe` until it returns something defined (for state only a poll can see: pids, another process's view). */
export async function poll<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`poll: nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * One invoice through the two-step upload, with a WebSocket client subscribed to its
 * session before any job exists, so every event reaches it. Resolves with each job's
 * terminal event once thumbnail and OCR are done.
 */
export async function uploadAndFollow(url: string, token: string, fileName = 'en-us-classic.pdf') {
  const auth = { authorization: `Bearer ${token}` };
  const pdf = await invoiceFixture(fileName);
  const created = await fetch(`${url}/api/uploads`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ files: [{ file_name: fileName, size_bytes: pdf.byteLength }] }),
  });
  if (created.status !== 201) throw new Error(`POST /api/uploads answered ${created.status}`);
  const { session_id, uploads } = (await created.json()) as {
    session_id: string;
    uploads: Array<{ upload_id: string; url: string }>;
  };
  const target = uploads[0];
  if (!target) throw new Error('no upload target');
  const client = await openRealtimeClient(`${url.replace(/^http/, 'ws')}/ws?token=${token}`);
  try {
    await client.next(); // authenticated
    client.send({ action: 'subscribe', session_id });
    const subscribed = await client.next();
    if (subscribed.type !== 'subscribed') throw new Error(`not subscribed: ${JSON.stringify(subscribed)}`);
    const put = await fetch(new URL(target.url, url), { method: 'PUT', headers: auth, body: pdf });
    if (put.status !== 204) throw new Error(`PUT upload answered ${put.status}`);
    const complete = await fetch(`${url}/api/uploads/${session_id}/complete`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ uploads: [{ upload_id: target.upload_id, file_name: fileName }] }),
    });
    if (complete.status !== 202) throw new Error(`complete answered ${complete.status}`);
    const { jobs } = (await complete.json()) as { jobs: Array<{ job_id: string; queue: string }> };
    const terminal = new Map<string, RealtimeMessage>();
    const wanted = new Set(
      jobs.filter((j) => ['thumbnail', 'invoice-processing'].includes(j.queue)).map((j) => j.job_id),
    );
    await client.readUntil((seen) => {
      const last = seen.at(-1);
      if (last && wanted.has(String(last.job_id)) && /^job:(complete|failed|cancelled)$/.test(last.type))
        terminal.set(String(last.job_id), last);
      return terminal.size === wanted.size;
    });
    return { sessionId: session_id, jobs, terminal: [...terminal.values()] };
  } finally {
    client.close();
  }
}
