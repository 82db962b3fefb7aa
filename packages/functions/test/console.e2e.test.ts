import { readFile } from 'node:fs/promises';
import { renderThumbnails } from '@paperlane/adapters/images';
import {
  type ReceivedRequest,
  startTestReceiver,
  type TestReceiver,
} from '@paperlane/adapters/webhooks/test-receiver';
import type { UploadResponse } from '@paperlane/api';
import { blobKeys, type JobHandlers, PermanentError, QUEUE_NAMES } from '@paperlane/core';
import {
  appendMessage,
  buildMail,
  type DovecotServer,
  invoiceFixture,
  startDovecot,
} from '@paperlane/testing';
import { verifyStandardWebhooks, verifyXSignature256 } from '@paperlane/testing/webhook-verifiers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerWiring, Stoppable } from '../src/container';
import { automationModule } from '../src/handlers/automation';
import { emailSyncModule } from '../src/handlers/email-sync';
import { webhookDeliveryModule } from '../src/handlers/webhook-delivery';
import { placeholderHandlers } from '../src/placeholder-handlers';
import { type ApiHarness, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';
import { launchChromium, signedInPage, watchErrors } from './support/console-browser';

/**
 * The console in Debian's Chromium against a real embedded Paperlane: sign-in,
 * upload through the page with live progress, a failed job retried from the page,
 * tenant and role boundaries, and an operator pausing a queue while its depth grows.
 *
 * A tenant admin's webhooks (a real loopback receiver), mailboxes (a real Dovecot) and
 * automations pages are driven too, with the real webhook-delivery, email-sync and
 * automation jobs.
 *
 * The invoice job holds at 30% until `release()`, so the page is seen showing work in
 * progress before it shows it done; the thumbnail job fails while `failing` is set.
 */
let release: () => void = () => {};
const held = new Promise<void>((resolve) => {
  release = resolve;
});
const control = { failing: false };
const handlers: JobHandlers = {
  ...placeholderHandlers,
  'invoice-processing': async (ctx) => {
    await ctx.progress(30);
    await held;
    await ctx.progress(100);
    return { fields: 0 };
  },
  thumbnail: async () => {
    if (control.failing)
      throw new PermanentError('the renderer refused this file', { code: 'render_refused' });
    return { rendered: true };
  },
};
/** The held and failing jobs above, and the real jobs behind the tenant admin's pages. */
const wired = (wiring: HandlerWiring): JobHandlers => ({
  ...handlers,
  'webhook-delivery': webhookDeliveryModule(wiring),
  'email-sync': emailSyncModule(wiring),
  automation: automationModule(wiring),
});
const IMAP_ACCOUNT = { user: 'ap', password: 'imap-pass-console-4Rw' };

const files = async () => [
  {
    name: 'invoice-a.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from(await SAMPLE_FILES.pdf().arrayBuffer()),
  },
  {
    name: 'receipt-b.png',
    mimeType: 'image/png',
    buffer: Buffer.from(await SAMPLE_FILES.png().arrayBuffer()),
  },
];

// Each case is a multi-page browser flow of several jobs: 30 s was seen to run out on a
// loaded 2-core CI machine (the flow took 36 s there, 4 s idle), so each gets 90 s.
describe('the web console in Chromium', { timeout: 90_000 }, () => {
  let api: ApiHarness;
  let browser: Browser;
  const pageErrors: string[] = [];
  let acmeSession = '';
  let others: Stoppable | undefined;
  let thumbnails: Stoppable | undefined;
  let receiver: TestReceiver;
  let dovecot: DovecotServer;

  beforeAll(async () => {
    [receiver, dovecot, browser] = await Promise.all([
      startTestReceiver(),
      startDovecot({ users: [IMAP_ACCOUNT] }),
      launchChromium(),
    ]);
    api = await startApi({
      handlers: wired,
      env: {
        WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${receiver.port}`,
        EMAIL_ALLOW_INSECURE_LOOPBACK: 'true',
      },
    });
    others = await api.container.startWorkers(QUEUE_NAMES.filter((q) => q !== 'thumbnail'));
    thumbnails = await api.container.startWorkers(['thumbnail']);
  });
  afterAll(async () => {
    release();
    await Promise.all([others?.stop(), thumbnails?.stop()]);
    await browser?.close();
    await api?.close();
    await Promise.all([receiver?.close(), dovecot?.stop()]);
  });

  /** A call as the tenant's admin (the pages below are theirs). */
  async function asAdmin(tenantId: string, path: string, body?: unknown) {
    const response = await fetch(`${api.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${await api.token(tenantId, 'admin')}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function page(token: Promise<string>, hash?: string): Promise<Page> {
    const opened = await signedInPage(browser, api.url, await token, {
      errors: pageErrors,
      ...(hash ? { hash } : {}),
    });
    return opened.page;
  }
  const jobStatus = (p: Page, fileName: string, queue: string) =>
    p.getByTestId('session-file').filter({ hasText: fileName }).getByTestId(`job-${queue}`);

  it('signs in with ?token=, takes the token out of the address, and uploads two files it follows live', async () => {
    const user = await page(api.token('acme', 'user'));
    expect(user.url()).not.toContain('token=');
    expect(await user.getByTestId('who').textContent()).toContain('acme');
    expect(await user.getByTestId('nav').textContent()).not.toContain('Queues');

    await user.getByTestId('upload-input').setInputFiles(await files());
    await user.getByTestId('upload-submit').click();
    await user.waitForURL(/#\/sessions\/[\w-]+$/);
    acmeSession = user.url().split('/').pop() ?? '';
    await user.getByTestId('live-mode').filter({ hasText: 'live' }).waitFor();
    // Both files shown mid-way: the invoice job is held at 30% (the second may still wait its turn).
    await jobStatus(user, 'invoice-a.pdf', 'invoice-processing').filter({ hasText: 'processing' }).waitFor();
    await jobStatus(user, 'receipt-b.png', 'invoice-processing')
      .filter({ hasText: /pending|processing/ })
      .waitFor();
    expect(await user.getByTestId('session-settled').count()).toBe(0);
    release();
    // ...and then done, on the same page, from the event stream (no reload, no polling).
    for (const name of ['invoice-a.pdf', 'receipt-b.png']) {
      await jobStatus(user, name, 'invoice-processing').filter({ hasText: 'complete' }).waitFor();
      await jobStatus(user, name, 'thumbnail').filter({ hasText: 'complete' }).waitFor();
    }
    await user.getByTestId('session-settled').waitFor();
    expect(await user.getByTestId('live-mode').textContent()).toBe('live');
    await user.context().close();
  });

  it('shows failed jobs and retries them from the pages; another tenant sees neither them nor operator pages', async () => {
    control.failing = true;
    const user = await page(api.token('acme', 'user'));
    await user.getByTestId('upload-input').setInputFiles(await files());
    await user.getByTestId('upload-submit').click();
    await user.waitForURL(/#\/sessions\/[\w-]+$/);
    const session = user.url();
    for (const name of ['invoice-a.pdf', 'receipt-b.png']) {
      await jobStatus(user, name, 'thumbnail').filter({ hasText: 'failed' }).waitFor();
    }
    expect(await user.getByTestId('session-file').first().textContent()).toContain(
      'the renderer refused this file',
    );

    // A tenant admin of globex, signed in by pasting the token.
    const context = await browser.newContext();
    const other = await context.newPage();
    watchErrors(other, pageErrors);
    await other.goto(`${api.url}/`);
    await other.getByTestId('token-input').fill(await api.token('globex', 'admin'));
    await other.getByTestId('signin-submit').click();
    expect(await other.getByTestId('who').textContent()).toContain('globex');
    const nav = (await other.getByTestId('nav').textContent()) ?? '';
    expect(nav).toContain('Failed jobs');
    expect(nav).not.toContain('Queues');
    await other.goto(`${api.url}/#/queues`);
    await other.getByTestId('forbidden').waitFor();
    expect(await other.getByTestId('queues').count()).toBe(0);
    await other.goto(`${api.url}/#/sessions/${acmeSession}`);
    await other.getByRole('alert').filter({ hasText: 'not_found' }).waitFor();
    expect(await other.locator('main').textContent()).not.toContain('invoice-a.pdf');
    await other.goto(`${api.url}/#/failed`);
    await other.getByText('No failed jobs.').waitFor();
    await context.close();

    // acme's admin sees both in one group, counts them on a dry run, and leaves them.
    const admin = await page(api.token('acme', 'admin'), '#/failed');
    await admin.getByTestId('count-render_refused').filter({ hasText: '2' }).waitFor();
    await admin.getByTestId('dry-run-render_refused').click();
    await admin.getByTestId('failed-groups').getByText('2 would be retried').waitFor();

    // The user retries one from the session page...
    control.failing = false;
    await user
      .getByTestId('session-file')
      .filter({ hasText: 'invoice-a.pdf' })
      .getByTestId('retry-thumbnail')
      .click();
    await jobStatus(user, 'invoice-a.pdf', 'thumbnail').filter({ hasText: 'complete' }).waitFor();
    // ...the jobs page, filtered to failed, lists the other one...
    await user.goto(`${api.url}/#/jobs`);
    await user.getByTestId('job-status').selectOption('failed');
    const rows = user.getByTestId('jobs').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.textContent()).toContain('render_refused');
    // ...and the admin bulk-retries what is left of the group.
    await admin.getByTestId('retry-all-render_refused').click();
    await admin.getByTestId('bulk-outcome').filter({ hasText: 'render_refused: 1 of 1 retried' }).waitFor();
    await admin.getByText('No failed jobs.').waitFor();
    await user.goto(session);
    await jobStatus(user, 'receipt-b.png', 'thumbnail').filter({ hasText: 'complete' }).waitFor();
    await admin.context().close();
    await user.context().close();
  });

  it('an operator pauses a queue, sees its depth grow with new uploads, and resumes it', async () => {
    const operator = await page(api.token('ops', 'operator'), '#/queues');
    await operator.getByTestId('depth-thumbnail').waitFor();
    const before = Number(await operator.getByTestId('depth-thumbnail').textContent());
    await operator.getByTestId('pause-thumbnail').click();
    await operator.getByTestId('paused-thumbnail').waitFor();
    // A running consumer sees the flag at its next receive: after its cached read (1 s)
    // and the long poll under way (5 s). A consumer started now reads it first, so
    // the test need not wait out that window.
    await thumbnails?.stop();
    thumbnails = await api.container.startWorkers(['thumbnail']);

    const upload = await api.call('acme', '/api/upload', {
      method: 'POST',
      body: uploadForm([
        { name: 'c.pdf', blob: SAMPLE_FILES.pdf() },
        { name: 'd.pdf', blob: SAMPLE_FILES.pdf() },
      ]),
    });
    expect(((await upload.json()) as UploadResponse).jobs).toHaveLength(4);
    // The page refreshes itself: the two thumbnail jobs wait in the paused queue.
    const depth = async () => Number(await operator.getByTestId('depth-thumbnail').textContent());
    await expect.poll(depth, { timeout: 10_000 }).toBe(before + 2);

    await operator.getByTestId('resume-thumbnail').click();
    await expect.poll(depth, { timeout: 10_000 }).toBe(0);
    expect(await operator.getByTestId('paused-thumbnail').count()).toBe(0);
    await operator.context().close();
  });

  it('pages a long job list with "Load more" and filters it by status', async () => {
    // 30 failed records of a tenant of their own, straight in the store: more than a page (25).
    const now = new Date();
    const later = new Date(now.getTime() + 3_600_000);
    for (let n = 0; n < 30; n++) {
      const jobId = `job_page_${String(n).padStart(3, '0')}`;
      await api.container.store.jobs.create({
        tenantId: 'initech',
        jobId,
        queue: 'llm-summary',
        payload: {},
        priority: 'low',
        traceId: 't',
        maxAttempts: 1,
        targetType: 'test',
        targetId: jobId,
        now,
        availableAt: later,
        sweepAt: later,
      });
      await api.container.store.jobs.fail({ tenantId: 'initech', jobId, error: 'x', errorCode: 'e', now });
    }
    const user = await page(api.token('initech', 'user'), '#/jobs');
    const rows = user.getByTestId('jobs').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    await user.getByTestId('load-more').click();
    await expect.poll(() => rows.count()).toBe(30);
    expect(await user.getByTestId('load-more').count()).toBe(0);
    await user.getByTestId('job-status').selectOption('complete');
    await user.getByText('No jobs.').waitFor();
    await user.context().close();
  });

  it('shows a thumbnail through a link an <img> loads with no header, and downloads the original', async () => {
    const pdf = Buffer.from(await SAMPLE_FILES.pdf().arrayBuffer());
    const upload = await api.call('acme', '/api/upload', {
      method: 'POST',
      body: uploadForm([{ name: 'Rechnung März.pdf', blob: new Blob([pdf], { type: 'application/pdf' }) }]),
    });
    const documentId = ((await upload.json()) as UploadResponse).documents[0]?.document_id ?? '';
    // The placeholder thumbnail job renders nothing: render a real WebP and store it as the job would.
    const rendered = await renderThumbnails(
      await invoiceFixture('de-amount-due.png'),
      'image/png',
      undefined,
      {
        widths: [300],
      },
    );
    const [thumb] = rendered.thumbnails;
    if (!thumb) throw new Error('no thumbnail rendered');
    const key = blobKeys.thumbnail('acme', documentId, thumb.requestedWidth);
    await api.container.blobs.put(key, thumb.bytes, { contentType: thumb.contentType });
    await api.container.store.documents.update({
      tenantId: 'acme',
      documentId,
      thumbnails: {
        blurhash: rendered.blurhash,
        original: rendered.original,
        items: [{ requestedWidth: thumb.requestedWidth, width: thumb.width, height: thumb.height, key }],
      },
      now: new Date(),
    });

    const user = await page(api.token('acme', 'user'), `#/documents/${documentId}`);
    const thumbnail = user.getByTestId('thumbnail');
    expect(await thumbnail.getAttribute('src')).toMatch(/^\/files\//);
    // Decoded: the browser fetched it without the console header or cookie counting for /files.
    const decodedWidth = () =>
      thumbnail.evaluate((element) => {
        const img = element as unknown as { complete: boolean; naturalWidth: number };
        return img.complete ? img.naturalWidth : 0;
      });
    await expect.poll(decodedWidth).toBe(thumb.width);

    const [download] = await Promise.all([
      user.waitForEvent('download'),
      user.getByTestId('download-original').click(),
    ]);
    expect(download.suggestedFilename()).toBe('Rechnung März.pdf');
    expect(await readFile(await download.path())).toEqual(pdf);
    await user.context().close();
  });

  it("a tenant admin sees a job's webhook delivery and redelivers it: the receiver gets the same event, signed again", async () => {
    const hook = await asAdmin('hooli', '/api/webhooks', {
      url: `${receiver.origin}/hooli`,
      events: ['session.completed'],
    });
    expect(hook.status).toBe(201);
    const secret = String(hook.body.secret);
    const verified = (request: ReceivedRequest) =>
      verifyStandardWebhooks(secret, request.body, request.headers) &&
      verifyXSignature256(secret, request.body, request.headers['x-signature-256']);

    // A real job: an upload whose session completes sends session.completed.
    const firstArrives = receiver.nextRequest();
    const upload = await api.call('hooli', '/api/upload', {
      method: 'POST',
      body: uploadForm([{ name: 'hooli.pdf', blob: SAMPLE_FILES.pdf() }]),
    });
    expect(upload.status).toBe(202);
    const first = await firstArrives;
    expect(first.path).toBe('/hooli');
    expect(verified(first)).toBe(true);

    const admin = await page(api.token('hooli', 'admin'), '#/webhooks');
    await admin.getByTestId('webhooks').getByRole('button', { name: 'Deliveries' }).click();
    const rows = admin.getByTestId('deliveries').locator('tbody tr');
    await rows.filter({ hasText: 'session.completed' }).filter({ hasText: 'succeeded' }).waitFor();
    expect(await rows.count()).toBe(1);

    const secondArrives = receiver.nextRequest();
    await rows.first().getByRole('button', { name: 'Redeliver' }).click();
    const second = await secondArrives;
    // The same event, signed afresh: receivers deduplicate on webhook-id (docs/webhooks.md).
    expect(verified(second)).toBe(true);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(JSON.parse(second.body).id).toBe(JSON.parse(first.body).id);
    expect(JSON.parse(second.body).id).toBe(second.headers['webhook-id']);
    // The log shows the redelivery as its own row once the worker has sent it.
    await rows.filter({ hasText: '(redelivery)' }).filter({ hasText: 'succeeded' }).waitFor();
    expect(await rows.count()).toBe(2);
    await admin.context().close();
  });

  it("a tenant admin's Sync now imports a mail from a real IMAP server, and the sync shows in the list", async () => {
    const pdf = await invoiceFixture('en-us-classic.pdf');
    await appendMessage(
      dovecot,
      IMAP_ACCOUNT,
      buildMail({
        messageId: '<console-0001@vendor.example>',
        subject: 'Invoice 0001',
        attachments: [{ fileName: 'invoice.pdf', contentType: 'application/pdf', bytes: pdf }],
      }),
    );
    const created = await asAdmin('hooli', '/api/mailboxes', {
      name: 'AP inbox',
      host: dovecot.host,
      port: dovecot.port,
      tls: 'none',
      ...IMAP_ACCOUNT,
    });
    expect(created.status).toBe(201);

    const admin = await page(api.token('hooli', 'admin'), '#/mailboxes');
    const mailbox = admin.getByTestId('mailboxes').locator('tbody tr').filter({ hasText: 'AP inbox' });
    expect(await mailbox.textContent()).toContain(`ap@${dovecot.host}:${dovecot.port}`);
    await mailbox.getByRole('button', { name: 'Sync now' }).click();
    await mailbox.getByText('queued').waitFor();
    // The sync list opens on its own and follows the job to its outcome.
    const sync = admin.getByTestId('syncs').locator('tbody tr').filter({ hasText: 'ok' });
    await sync.waitFor();
    const cells = await sync.locator('td').allTextContents();
    // Started, Status, Fetched, Imported, Skipped, Errors.
    expect(cells.slice(1)).toEqual(['ok', '1', '1', '0', '0']);
    await admin.context().close();
  });

  it("a tenant admin's Run now runs an automation, and the page shows the run's outcome", async () => {
    const created = await asAdmin('hooli', '/api/automations', {
      name: 'Morning digest',
      schedule: 'cron(0 7 * * 1-5)',
      timezone: 'Europe/Berlin',
      action: { type: 'digest' },
    });
    expect(created.status).toBe(201);
    expect(created.body.last_run_at).toBeUndefined();

    const admin = await page(api.token('hooli', 'admin'), '#/automations');
    const row = admin.getByTestId('automations').locator('tbody tr').filter({ hasText: 'Morning digest' });
    await row.getByRole('button', { name: 'Run now' }).click();
    await row.locator('.status-ok').waitFor();
    expect(await row.locator('time').count()).toBe(2);
    const after = await asAdmin('hooli', `/api/automations/${String(created.body.automation_id)}`);
    expect(after.body.last_result).toMatchObject({ status: 'ok' });
    await admin.context().close();
  });

  it('raised no script error or CSP violation on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
