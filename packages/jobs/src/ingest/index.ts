export { safeFileName } from './file-name';
export {
  checkFiles,
  type IncomingFile,
  type IngestDeps,
  type IngestInput,
  type IngestLimits,
  type IngestResult,
  ingestDocuments,
} from './ingest-documents';
