import { any, boolean, Entity, item, number, string } from 'dynamodb-toolbox';
import { mailboxKey, processedMessageKey, syncRunKey } from './mailbox-keys';
import type { PaperlaneTable } from './table';

export const MAILBOX_ENTITY = 'Mailbox';
export const SYNC_RUN_ENTITY = 'MailboxSyncRun';
export const PROCESSED_MESSAGE_ENTITY = 'MailboxMessage';

// Records are parsed with the zod schemas of ./mailbox on the way out; nested values are
// untyped here so updates can `$set` them whole.

export function createMailboxEntity(table: PaperlaneTable) {
  return new Entity({
    name: MAILBOX_ENTITY,
    table,
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      mailboxId: string().key(),
      tenantUserId: string(),
      name: string(),
      host: string(),
      port: number(),
      tls: string(),
      user: string(),
      passwordCiphertext: string(),
      folder: string(),
      senderFilter: any(),
      subjectFilter: string().optional(),
      afterProcessing: string(),
      enabled: boolean(),
      uidValidity: string().optional(),
      lastUid: number().optional(),
      lastSyncAt: string().optional(),
      lastError: any().optional(),
      revision: number(),
      createdAt: string(),
      updatedAt: string(),
      gsi3pk: string().hidden(),
      gsi3sk: string().hidden(),
    }),
    computeKey: ({ tenantId, mailboxId }) => mailboxKey(tenantId, mailboxId),
  });
}

export function createSyncRunEntity(table: PaperlaneTable) {
  return new Entity({
    name: SYNC_RUN_ENTITY,
    table,
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      mailboxId: string().key(),
      startedAt: string().key(),
      runId: string().key(),
      jobId: string().optional(),
      status: string(),
      finishedAt: string(),
      fetched: number(),
      imported: number(),
      skipped: number(),
      errors: number(),
      skips: any(),
      error: any().optional(),
    }),
    computeKey: ({ tenantId, mailboxId, startedAt, runId }) =>
      syncRunKey(tenantId, mailboxId, startedAt, runId),
  });
}

export function createProcessedMessageEntity(table: PaperlaneTable) {
  return new Entity({
    name: PROCESSED_MESSAGE_ENTITY,
    table,
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      mailboxId: string().key(),
      messageKey: string().key(),
      outcome: string(),
      uid: number(),
      uidValidity: string(),
      documentIds: any(),
      reason: string().optional(),
      processedAt: string(),
    }),
    computeKey: ({ tenantId, mailboxId, messageKey }) => processedMessageKey(tenantId, mailboxId, messageKey),
  });
}
