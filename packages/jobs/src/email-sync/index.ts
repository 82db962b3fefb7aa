export { type EmailSyncLimits, emailSyncLimitsFromEnv, emailSyncLimitsSchema } from './email-sync-limits';
export { createEmailSyncHandler, MAX_MAILBOXES_PER_FANOUT, mailboxIdLister } from './handler';
export { messageKey } from './message-key';
export { parsedEmailSchema } from './parsed-email-schema';
export { type AttachmentSelection, isArchive, selectAttachments } from './select-attachments';
export { type EmailSyncDeps, type SyncCounts, type SyncOptions, syncMailbox } from './sync-mailbox';
