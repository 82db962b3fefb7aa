import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`), or `PAPERLANE_CHROMIUM`. Playwright
 * never downloads a browser here: `playwright-core` drives the installed one.
 */
export function chromiumPath(): string {
  const path = process.env.PAPERLANE_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`no Chromium at ${path}: apt-get install -y chromium, or set PAPERLANE_CHROMIUM`);
  }
  return path;
}

/** A headless Chromium; `--no-sandbox` because CI runs as root, where Chromium's sandbox refuses to start. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
}

/**
 * Collects the page's uncaught errors and console errors (a CSP violation or a module
 * that fails to load shows up there). An API answer that is not 2xx is logged by
 * Chromium as "Failed to load resource"; pages show those themselves, so they are skipped.
 */
export function watchErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
      errors.push(message.text());
  });
}

/**
 * A fresh browser profile (its own cookie jar) signed in to the console through
 * `/?token=`, the link `npm start` prints. Resolves once the page shows who is in.
 */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  token: string,
  options: { hash?: string; errors?: string[] } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const { hash = '#/upload', errors = [] } = options;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Well inside the suite's own timeout, so a wait that never ends names its locator.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  watchErrors(page, errors);
  await page.goto(`${baseUrl}/?token=${encodeURIComponent(token)}${hash}`);
  await page.getByTestId('who').waitFor();
  return { context, page, errors };
}
