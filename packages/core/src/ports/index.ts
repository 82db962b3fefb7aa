export type {
  BlobLink,
  BlobLinkKind,
  BlobLinkSigner,
  BlobLinkTarget,
  FileLinkClaims,
  FileTokenCheck,
  FileTokenVerifier,
} from './blob-links';
export { MAX_FILE_LINK_SECONDS } from './blob-links';
export type { BlobInfo, BlobStore, PresignedUpload } from './blob-store';
export { blobKeys } from './blob-store';
export type { ChangeFeed, StoreChange, StoreChangeListener } from './change-feed';
export { storeChangeSchema } from './change-feed';
export type { Clock } from './clock';
export { systemClock } from './clock';
export type {
  DocumentContentType,
  ExtractionInput,
  Extractor,
  OcrInput,
  OcrLine,
  OcrPage,
  OcrProvider,
  OcrResult,
  SummarizeInput,
  Summarizer,
} from './documents';
export type { DomainEvent, DomainEventPublishOptions, DomainEventSink } from './domain-events';
export { discardDomainEvents } from './domain-events';
export type { EmailMessage, EmailSender } from './email-sender';
export type { EventBus, JobEventListener } from './event-bus';
export type { FairShareStore, HeldEntry, TenantQueue } from './fair-share-store';
export type { EnqueueOptions, EnqueueRequest, EnqueueResult, JobQueue } from './job-queue';
export type {
  ClaimResult,
  CreateJobResult,
  FencedRef,
  JobRef,
  JobStore,
  NewJob,
  Page,
  PageRequest,
} from './job-store';
export type { LogFields, Logger } from './logger';
export { silentLogger } from './logger';
export type {
  EmailParser,
  MailboxConnection,
  MailboxMessageSummary,
  MailboxReader,
  MailboxSession,
  MailboxTlsMode,
  OpenedFolder,
  ParsedEmail,
  ParsedEmailAttachment,
} from './mailbox-reader';
export type { JobAttemptOutcome, Metrics, WebhookDeliveryOutcome } from './metrics';
export { noMetrics } from './metrics';
export type { SecretCipher } from './secret-cipher';
