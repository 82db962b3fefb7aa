// `npm run console:screenshots`: one PNG per console page in docs/console/, taken in
// Debian's Chromium against an embedded Paperlane with a finished upload in it.
import { mkdir } from 'node:fs/promises';
import { placeholderHandlers } from '../../packages/functions/src/placeholder-handlers';
import { SAMPLE_FILES, startApi, uploadForm } from '../../packages/functions/test/support/api-harness';
import { launchChromium, signedInPage } from '../../packages/functions/test/support/console-browser';

const OUT = 'docs/console';
const api = await startApi({ handlers: placeholderHandlers, workers: true });
const browser = await launchChromium();
try {
  await mkdir(OUT, { recursive: true });
  const upload = await api.call('acme', '/api/upload', {
    method: 'POST',
    body: uploadForm([
      { name: 'invoice-a.pdf', blob: SAMPLE_FILES.pdf() },
      { name: 'receipt-b.png', blob: SAMPLE_FILES.png() },
    ]),
  });
  const { session_id: sessionId } = (await upload.json()) as { session_id: string };
  const { page } = await signedInPage(browser, api.url, await api.token('acme', 'operator'));
  const shots: Array<[string, string, string]> = [
    ['upload', '#/upload', 'upload-submit'],
    ['session', `#/sessions/${sessionId}`, 'session-settled'],
    ['sessions', '#/sessions', 'nav'],
    ['documents', '#/documents', 'nav'],
    ['failed', '#/failed', 'nav'],
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
