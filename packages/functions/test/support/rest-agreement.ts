import { type RealtimeClient, terminalStatusOf } from './ws-client';

/** A GET against the API as some tenant, however the test reaches it (server, Lambda event). */
export type ApiGet = (path: string) => Promise<{ status: number; body: unknown }>;

interface JobView {
  job_id: string;
  status: string;
  queue: string;
}

async function ok<T>(get: ApiGet, path: string): Promise<T> {
  const { status, body } = await get(path);
  if (status !== 200) throw new Error(`GET ${path} answered ${status}: ${JSON.stringify(body)}`);
  return body as T;
}

/** The session's job ids now, from `GET /api/upload-sessions/{id}`. */
export async function sessionJobIds(get: ApiGet, sessionId: string): Promise<string[]> {
  const session = await ok<{ jobs: JobView[] }>(get, `/api/upload-sessions/${sessionId}`);
  return session.jobs.map((job) => job.job_id);
}

/**
 * Reads a client subscribed to a session until every job of the session is terminal
 * over the socket: follow-ups (the summary after OCR) join the session while jobs run,
 * so the job list is read again each time all known jobs have finished. Returns
 * job id → the status its terminal event announced.
 */
export async function followSession(
  client: RealtimeClient,
  get: ApiGet,
  sessionId: string,
): Promise<Map<string, string>> {
  const terminal = new Map<string, string>();
  let expected = await sessionJobIds(get, sessionId);
  await client.readUntil(async (seen) => {
    const last = seen.at(-1);
    if (last) {
      const status = terminalStatusOf(last);
      if (!status) return false;
      terminal.set(String(last.job_id), status);
    }
    if (!expected.every((id) => terminal.has(id))) return false;
    expected = await sessionJobIds(get, sessionId);
    return expected.every((id) => terminal.has(id));
  });
  return terminal;
}

/**
 * Every REST view of the same jobs, each as job id → status: `GET /api/jobs/{id}`,
 * `GET /api/jobs/batch`, `GET /api/upload-sessions/{id}` and each document's
 * `GET /api/documents/{id}/status`. A test expects all four to equal what the socket saw.
 */
export async function restStatuses(
  get: ApiGet,
  input: { sessionId: string; documentIds: readonly string[]; jobIds: readonly string[] },
) {
  const toMap = (jobs: JobView[]) => Object.fromEntries(jobs.map((job) => [job.job_id, job.status]));
  const single = await Promise.all(input.jobIds.map((id) => ok<JobView>(get, `/api/jobs/${id}`)));
  const batch = await ok<{ jobs: JobView[]; missing: string[] }>(
    get,
    `/api/jobs/batch?ids=${input.jobIds.join(',')}`,
  );
  const session = await ok<{ jobs: JobView[]; total_jobs: number; completed: number; failed: number }>(
    get,
    `/api/upload-sessions/${input.sessionId}`,
  );
  const documents = await Promise.all(
    input.documentIds.map((id) => ok<{ jobs: JobView[] }>(get, `/api/documents/${id}/status`)),
  );
  return {
    job: toMap(single),
    batch: toMap(batch.jobs),
    batchMissing: batch.missing,
    session: toMap(session.jobs),
    sessionCounts: { total_jobs: session.total_jobs, completed: session.completed, failed: session.failed },
    documentStatus: toMap(documents.flatMap((document) => document.jobs)),
    /** Queue of each job, for asserting which jobs ran. */
    queues: Object.fromEntries(single.map((job) => [job.job_id, job.queue])),
  };
}
