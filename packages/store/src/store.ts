import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FairShareStore, JobStore } from '@paperlane/core';
import { type AutomationStore, createAutomationStore } from './automation-store';
import { createDocumentStore, type DocumentStore } from './document-store';
import { createFairShareStore } from './fair-share-store';
import { createIdempotencyStore, type IdempotencyStore } from './idempotency-store';
import { createInvoiceStore, type InvoiceStore } from './invoice-store';
import { createJobStore } from './job-store';
import { createTenantDirectory, type TenantDirectory } from './job-window';
import { createMailboxStore, type MailboxStore } from './mailbox-store';
import { createQueueControlStore, type QueueControlStore } from './queue-control-store';
import { createRateLimitStore, type RateLimitStore } from './rate-limit-store';
import { createTable, type PaperlaneTable } from './table';
import { createTenantBudgetStore, type TenantBudgetStore } from './tenant-budget-store';
import { createUploadSessionStore, type UploadSessionStore } from './upload-session-store';
import { createWebhookDeliveryStore, type WebhookDeliveryStore } from './webhook-delivery-store';
import { createWebhookStore, type WebhookStore } from './webhook-store';
import { createWsConnectionStore, type WsConnectionStore } from './ws-connection-store';

export interface StoreSettings {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
}

export interface Store {
  table: PaperlaneTable;
  jobs: JobStore;
  documents: DocumentStore;
  sessions: UploadSessionStore;
  invoices: InvoiceStore;
  automations: AutomationStore;
  mailboxes: MailboxStore;
  webhooks: WebhookStore;
  webhookDeliveries: WebhookDeliveryStore;
  /** API Gateway WebSocket connections (realtime on AWS). */
  wsConnections: WsConnectionStore;
  /** Operator switches per job queue (paused flags the SQS consumers check). */
  queueControl: QueueControlStore;
  /** Per-key request budgets shared by every API process. */
  rateLimits: RateLimitStore;
  /** `Idempotency-Key` claims and stored responses, per tenant. */
  idempotency: IdempotencyStore;
  /** What each tenant spent per budget period (OCR pages, LLM tokens). */
  budgets: TenantBudgetStore;
  /** Per-tenant slots and backlogs of each queue (fair share). */
  fairShare: FairShareStore;
  /** Every tenant that has had a job (for deployment-wide queue statistics). */
  tenants: TenantDirectory;
}

/**
 * Every store over one table and one injected client.
 *
 * @example
 * const store = createStore({ documentClient: createDocumentClient({ endpoint }), tableName: 'paperlane' });
 * await store.jobs.get({ tenantId, jobId });
 */
export function createStore(settings: StoreSettings): Store {
  const table = createTable(settings.documentClient, settings.tableName);
  const tenants = createTenantDirectory(table);
  const jobs = createJobStore(table);
  return {
    table,
    jobs: {
      ...jobs,
      // Listed before its first job exists, so the operator's statistics never miss a tenant's jobs.
      create: async (input) => {
        await tenants.remember(input.tenantId);
        return jobs.create(input);
      },
    },
    tenants,
    documents: createDocumentStore(table),
    sessions: createUploadSessionStore(table),
    invoices: createInvoiceStore(table),
    automations: createAutomationStore(table),
    mailboxes: createMailboxStore(table),
    webhooks: createWebhookStore(table),
    webhookDeliveries: createWebhookDeliveryStore(table),
    wsConnections: createWsConnectionStore(table),
    queueControl: createQueueControlStore(table),
    rateLimits: createRateLimitStore(table),
    idempotency: createIdempotencyStore(table),
    fairShare: createFairShareStore(table),
    budgets: createTenantBudgetStore(table),
  };
}
