export * from './automation';
export {
  createJobWindowQueries,
  type JobWindowQueries,
  type JobWindowQuery,
  MAX_COUNTED_JOBS,
  MAX_LISTED_JOBS,
} from './automation-job-window';
export {
  AUTOMATION_ENTITY,
  type AutomationRef,
  type AutomationStore,
  createAutomationStore,
  MAX_DUE_AUTOMATIONS,
} from './automation-store';
export * from './document';
export { createDocumentClient, type DocumentClientSettings, dynamoClientConfig } from './document-client';
export { createDocumentStore, type DocumentRef, type DocumentStore } from './document-store';
export { createFairShareStore, fairSharePk } from './fair-share-store';
export * from './idempotency';
export { IDEMPOTENCY_ENTITY, idempotencyKey } from './idempotency-entity';
export { createIdempotencyStore, type IdempotencyStore } from './idempotency-store';
export * from './invoice';
export { createInvoiceStore, type InvoiceRef, type InvoiceStore } from './invoice-store';
export { createJobStore } from './job-store';
export {
  createJobWindowReader,
  createTenantDirectory,
  type FinishedJob,
  type JobWindowReader,
  listTenants,
  type TenantDirectory,
} from './job-window';
export { SWEEP_SHARDS, sweepShard } from './keys';
export { MAX_QUERIES_PER_PAGE, MAX_ROUNDS_PER_PAGE, type MergedPage } from './list-merge';
export {
  type DocumentListQuery,
  errorCodeFilterSchema,
  type JobListQuery,
  LIST_DEFAULT_LIMIT,
  LIST_MAX_LIMIT,
  type SessionListQuery,
} from './list-query';
export { createListStore, type FailedJobScan, type ListStore, MAX_SCANNED_FAILED } from './list-store';
export * from './mailbox';
export {
  createMailboxStore,
  MAX_LISTED_SYNC_RUNS,
  type MailboxRef,
  type MailboxStore,
} from './mailbox-store';
export { createQueueControlStore, type QueueControlStore, queueControlKey } from './queue-control-store';
export { createRateLimitStore, type RateLimitStore, rateWindowKey } from './rate-limit-store';
export {
  createResultSourceStore,
  RESULT_SOURCE_ENTITY,
  type ResultSource,
  type ResultSourceStore,
  resultSourceKey,
} from './result-source-store';
export { createSessionCompletionStore, type SessionCompletionStore } from './session-completion-store';
export { createStore, type Store, type StoreSettings } from './store';
export {
  createTable,
  ENTITY_ATTRIBUTE,
  type EnsureTableOptions,
  ensureTable,
  INDEXES,
  PARTITION_KEY,
  type PaperlaneTable,
  SORT_KEY,
  tableDefinition,
} from './table';
export { createTenantBudgetStore, type TenantBudgetStore } from './tenant-budget-store';
export * from './upload-session';
export { createUploadSessionStore, type SessionRef, type UploadSessionStore } from './upload-session-store';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './validate';
export * from './webhook';
export {
  createWebhookCache,
  MAX_WEBHOOK_CACHE_TTL_MS,
  publishingWebhookStore,
  type WebhookCache,
} from './webhook-cache';
export {
  createWebhookDeliveryStore,
  type WebhookAttemptFence,
  type WebhookDeliveryRef,
  type WebhookDeliveryStore,
} from './webhook-delivery-store';
export {
  createWebhookStore,
  MAX_WEBHOOKS_PER_TENANT,
  type WebhookRef,
  type WebhookStore,
} from './webhook-store';
export * from './ws-connection';
export {
  createWsConnectionStore,
  MAX_WS_SUBSCRIBERS,
  type WsConnectionStore,
  type WsSubscribeOutcome,
} from './ws-connection-store';
