import { describe, expect, it } from 'vitest';
import { expectedJobsFor, JOBS_PER_FILE, jobsForFile } from './ingest-documents';

describe('expected jobs of a session', () => {
  it('counts exactly the jobs ingest starts per file', () => {
    const jobs = jobsForFile({ tenantId: 't', sessionId: 's', documentId: 'd', invoiceId: 'i' });
    expect(jobs).toHaveLength(JOBS_PER_FILE);
    expect(jobs.every((job) => job.sessionId === 's')).toBe(true);
    expect(expectedJobsFor(3)).toBe(3 * jobs.length);
  });
});
