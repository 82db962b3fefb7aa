export { safeFileName } from './file-name';
export {
  checkFiles,
  expectedJobsFor,
  type IncomingFile,
  type IngestDeps,
  type IngestInput,
  type IngestLimits,
  type IngestResult,
  ingestDocuments,
  JOBS_PER_FILE,
  jobsForFile,
} from './ingest-documents';
