// `npm run console:screenshots`: one PNG per console page in docs/console/, taken in
// Debian's Chromium against an embedded Paperlane with a finished upload in it, and a
// second upload whose thumbnail failed (so the failed-jobs page has a group to show).
// The tenant admin's pages show real work too: a webhook to a loopback receiver with
// its deliveries and a redelivery, a mailbox synced from a throwaway Dovecot, and an
// automation run once (needs Debian's dovecot-imapd, as the email-sync tests do).
import { mkdir } from 'node:fs/promises';
import { renderThumbnails } from '@paperlane/adapters/images';
import { startTestReceiver } from '@paperlane/adapters/webhooks/test-receiver';
import { blobKeys, PermanentError } from '@paperlane/core';
import { appendMessage, buildMail, invoiceFixture, startDovecot } from '@paperlane/testing';
import { automationModule } from '../../packages/functions/src/handlers/automation';
import { emailSyncModule } from '../../packages/functions/src/handlers/email-sync';
import { webhookDeliveryModule } from '../../packages/functions/src/handlers/webhook-delivery';
import { placeholderHandlers } from '../../packages/functions/src/placeholder-handlers';
import {
  awaitJobsSettled,
  SAMPLE_FILES,
  startApi,
  uploadForm,
} from '../../packages/functions/test/support/api-harness';
import { launchChromium, signedInPage } from '../../packages/functions/test/support/console-browser';

const OUT = 'docs/console';
const failing = { thumbnails: false };
const IMAP_ACCOUNT = { user: 'ap', password: 'imap-pass-screenshots-8Lq' };
const [receiver, imap] = await Promise.all([startTestReceiver(), startDovecot({ users: [IMAP_ACCOUNT] })]);
const api = await startApi({
  handlers: (wiring) => ({
    ...placeholderHandlers,
    thumbnail: async () => {
      if (failing.thumbnails)
        throw new PermanentError('the renderer refused this file', { code: 'render_refused' });
      return { rendered: true };
    },
    'webhook-delivery': webhookDeliveryModule(wiring),
    'email-sync': emailSyncModule(wiring),
    automation: automationModule(wiring),
  }),
  env: { WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${receiver.port}`, EMAIL_ALLOW_INSECURE_LOOPBACK: 'true' },
  workers: true,
});
const browser = await launchChromium();

/** A POST as acme's admin; answers the JSON body. */
async function asAdmin(path: string, body: unknown = {}): Promise<Record<string, string>> {
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await api.token('acme', 'admin')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, string>;
}

/** Waits until the jobs have settled. */
const settled = (jobIds: string[]) => awaitJobsSettled(api.container, 'acme', jobIds);

/**
 * A webhook whose log has deliveries (the uploads' session.completed and job.failed
 * events) and one redelivery, a mailbox synced once, an automation run once.
 */
async function prepareAdminWork(): Promise<() => Promise<void>> {
  const { webhook_id: webhookId } = await asAdmin('/api/webhooks', {
    url: `${receiver.origin}/erp`,
    events: ['session.completed', 'job.failed'],
    description: 'ERP import',
  });
  await appendMessage(
    imap,
    IMAP_ACCOUNT,
    buildMail({
      messageId: '<screenshots-0001@vendor.example>',
      subject: 'Invoice 0001',
      attachments: [
        {
          fileName: 'invoice.pdf',
          contentType: 'application/pdf',
          bytes: await invoiceFixture('en-us-classic.pdf'),
        },
      ],
    }),
  );
  const mailbox = await asAdmin('/api/mailboxes', {
    name: 'AP inbox',
    host: imap.host,
    port: imap.port,
    tls: 'none',
    ...IMAP_ACCOUNT,
  });
  const automation = await asAdmin('/api/automations', {
    name: 'Morning digest',
    schedule: 'cron(0 7 * * 1-5)',
    timezone: 'Europe/Berlin',
    action: { type: 'digest' },
  });
  return async function afterUploads(): Promise<void> {
    const sync = await asAdmin(`/api/mailboxes/${mailbox.mailbox_id}/sync`);
    const run = await asAdmin(`/api/automations/${automation.automation_id}/run`);
    await settled([sync.job_id ?? '', run.job_id ?? '']);
    const deliveries = async () => {
      const log = await fetch(`${api.url}/api/webhooks/${webhookId}/deliveries`, {
        headers: { authorization: `Bearer ${await api.token('acme', 'admin')}` },
      });
      return ((await log.json()) as { deliveries: Array<{ delivery_id: string; status: string }> })
        .deliveries;
    };
    // The worker records each delivery's outcome after the receiver answers.
    const sent = async () => {
      for (;;) {
        const log = await deliveries();
        if (log.length > 0 && log.every((d) => d.status !== 'pending')) return log;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const oldest = (await sent()).at(-1);
    await asAdmin(`/api/webhooks/${webhookId}/deliveries/${oldest?.delivery_id}/redeliver`);
    await sent();
  };
}

/** Uploads files as acme and waits until every job they started has settled. */
async function upload(files: Array<{ name: string; blob: Blob }>): Promise<string> {
  const response = await api.call('acme', '/api/upload', { method: 'POST', body: uploadForm(files) });
  const body = (await response.json()) as { session_id: string; jobs: Array<{ job_id: string }> };
  await awaitJobsSettled(
    api.container,
    'acme',
    body.jobs.map((j) => j.job_id),
  );
  return body.session_id;
}

/**
 * The placeholder thumbnail job renders nothing: renders a fixture invoice as the job
 * would and records it on the session's first document, so its page shows an image.
 */
async function withThumbnail(sessionId: string): Promise<string> {
  const session = (await (await api.call('acme', `/api/upload-sessions/${sessionId}`)).json()) as {
    document_ids: string[];
  };
  const documentId = session.document_ids[0] ?? '';
  const rendered = await renderThumbnails(await invoiceFixture('de-amount-due.png'), 'image/png', undefined, {
    widths: [300],
  });
  const items = [];
  for (const thumb of rendered.thumbnails) {
    const key = blobKeys.thumbnail('acme', documentId, thumb.requestedWidth);
    await api.container.blobs.put(key, thumb.bytes, { contentType: thumb.contentType });
    items.push({ requestedWidth: thumb.requestedWidth, width: thumb.width, height: thumb.height, key });
  }
  await api.container.store.documents.update({
    tenantId: 'acme',
    documentId,
    thumbnails: { blurhash: rendered.blurhash, original: rendered.original, items },
    now: new Date(),
  });
  return documentId;
}

try {
  await mkdir(OUT, { recursive: true });
  const afterUploads = await prepareAdminWork();
  const sessionId = await upload([
    { name: 'invoice-a.pdf', blob: SAMPLE_FILES.pdf() },
    { name: 'receipt-b.png', blob: SAMPLE_FILES.png() },
  ]);
  const documentId = await withThumbnail(sessionId);
  await afterUploads();
  failing.thumbnails = true;
  await upload([{ name: 'scan-c.pdf', blob: SAMPLE_FILES.pdf() }]);
  const { page } = await signedInPage(browser, api.url, await api.token('acme', 'operator'));
  // [file, page, test id to wait for, and a button that opens a detail panel with its test id]
  const shots: Array<[string, string, string, [string, string]?]> = [
    ['upload', '#/upload', 'upload-submit'],
    ['session', `#/sessions/${sessionId}`, 'session-settled'],
    ['sessions', '#/sessions', 'sessions'],
    ['documents', '#/documents', 'documents'],
    ['document', `#/documents/${documentId}`, 'thumbnail'],
    ['jobs', '#/jobs', 'jobs'],
    ['failed', '#/failed', 'failed-groups'],
    ['webhooks', '#/webhooks', 'webhooks', ['Deliveries', 'deliveries']],
    ['mailboxes', '#/mailboxes', 'mailboxes', ['Syncs', 'syncs']],
    ['automations', '#/automations', 'automations'],
    ['queues', '#/queues', 'queues'],
  ];
  for (const [name, hash, ready, detail] of shots) {
    await page.goto(`${api.url}/${hash}`);
    await page.getByTestId(ready).first().waitFor();
    if (detail) {
      await page.getByRole('button', { name: detail[0] }).first().click();
      await page.getByTestId(detail[1]).waitFor();
    }
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });
    console.log(`${OUT}/${name}.png`);
  }
} finally {
  await browser.close();
  await api.close();
  await Promise.all([receiver.close(), imap.stop()]);
}
