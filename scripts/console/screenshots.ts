// `npm run console:screenshots`: one PNG per console page in docs/console/, taken in
// Debian's Chromium against an embedded Paperlane with a finished upload in it, and a
// second upload whose thumbnail failed (so the failed-jobs page has a group to show).
import { mkdir } from 'node:fs/promises';
import { renderThumbnails } from '@paperlane/adapters/images';
import { blobKeys, PermanentError } from '@paperlane/core';
import { invoiceFixture } from '@paperlane/testing';
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
const api = await startApi({
  handlers: {
    ...placeholderHandlers,
    thumbnail: async () => {
      if (failing.thumbnails)
        throw new PermanentError('the renderer refused this file', { code: 'render_refused' });
      return { rendered: true };
    },
  },
  workers: true,
});
const browser = await launchChromium();

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
  const sessionId = await upload([
    { name: 'invoice-a.pdf', blob: SAMPLE_FILES.pdf() },
    { name: 'receipt-b.png', blob: SAMPLE_FILES.png() },
  ]);
  const documentId = await withThumbnail(sessionId);
  failing.thumbnails = true;
  await upload([{ name: 'scan-c.pdf', blob: SAMPLE_FILES.pdf() }]);
  const { page } = await signedInPage(browser, api.url, await api.token('acme', 'operator'));
  const shots: Array<[string, string, string]> = [
    ['upload', '#/upload', 'upload-submit'],
    ['session', `#/sessions/${sessionId}`, 'session-settled'],
    ['sessions', '#/sessions', 'sessions'],
    ['documents', '#/documents', 'documents'],
    ['document', `#/documents/${documentId}`, 'thumbnail'],
    ['jobs', '#/jobs', 'jobs'],
    ['failed', '#/failed', 'failed-groups'],
    ['webhooks', '#/webhooks', 'nav'],
    ['mailboxes', '#/mailboxes', 'nav'],
    ['automations', '#/automations', 'nav'],
    ['queues', '#/queues', 'queues'],
  ];
  for (const [name, hash, ready] of shots) {
    await page.goto(`${api.url}/${hash}`);
    await page.getByTestId(ready).first().waitFor();
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });
    console.log(`${OUT}/${name}.png`);
  }
} finally {
  await browser.close();
  await api.close();
}
