import { sniffContentType } from '@paperlane/adapters/files/content-type';
import { lazyImapMailboxReader, lazyParseEmail } from '@paperlane/adapters/imap/lazy-mail';
import { type JobHandler, systemClock } from '@paperlane/core';
import { emailSyncLimitsFromEnv } from '@paperlane/jobs/email-sync/email-sync-limits';
import { createEmailSyncHandler } from '@paperlane/jobs/email-sync/handler';
import type { HandlerWiring } from '../container';

/**
 * IMAP sync: new messages' PDF and image attachments become invoices. The IMAP and
 * MIME libraries load on the first sync, not at a cold start.
 */
export function emailSyncModule(wiring: HandlerWiring): JobHandler<'email-sync'> {
  const limits = emailSyncLimitsFromEnv(wiring.config.source);
  return createEmailSyncHandler({
    store: wiring.store,
    blobs: wiring.blobs,
    queue: wiring.dispatcher,
    clock: systemClock,
    sniff: sniffContentType,
    secrets: wiring.secrets,
    reader: lazyImapMailboxReader({
      maxMessageBytes: limits.maxMessageBytes,
      allowInsecureLoopback: wiring.config.env.EMAIL_ALLOW_INSECURE_LOOPBACK === 'true',
    }),
    parse: lazyParseEmail,
    limits,
  });
}
