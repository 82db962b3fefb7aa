/**
 * Writes the invoice fixture set to packages/testing/fixtures/invoices: per fixture the
 * document, `<name>.txt` (the text as laid out on the page) and `<name>.expected.json`
 * (the fields a perfect extractor returns), plus `index.json` listing them all.
 *
 * Deterministic: no clocks, no randomness; the same machine reproduces the same bytes.
 * Fixtures are committed because rasterising needs fonts a CI runner may not have.
 *
 *   npx tsx packages/testing/scripts/generate-invoice-fixtures.ts           # write
 *   npx tsx packages/testing/scripts/generate-invoice-fixtures.ts --check   # compare, exit 1 on drift
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeContext } from './invoice-fixtures/context';
import { LAYOUTS } from './invoice-fixtures/layouts';
import { pageText } from './invoice-fixtures/page';
import { renderRaster, renderTextPdf, standardFontMeasure } from './invoice-fixtures/render';
import { expectedFields, type FixtureFormat, type FixtureSpec } from './invoice-fixtures/spec';
import { FIXTURES } from './invoice-fixtures/specs';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/invoices');

const EXTENSION: Record<FixtureFormat, string> = {
  'pdf-text': 'pdf',
  'pdf-scan': 'pdf',
  png: 'png',
  jpeg: 'jpg',
};

/** One fixture's files, by file name. */
export async function renderFixture(spec: FixtureSpec): Promise<Map<string, Uint8Array>> {
  const ctx = makeContext(spec);
  const page = LAYOUTS[spec.layout](ctx);
  const title = `${ctx.labels.title} ${spec.invoiceNumber}`;
  const document =
    spec.format === 'pdf-text'
      ? await renderTextPdf(page, title)
      : await renderRaster(page, spec.format, title);
  const text = pageText(page, await standardFontMeasure());
  const encoder = new TextEncoder();
  return new Map([
    [`${spec.name}.${EXTENSION[spec.format]}`, document],
    [`${spec.name}.txt`, encoder.encode(text)],
    [`${spec.name}.expected.json`, encoder.encode(`${JSON.stringify(expectedFields(spec), null, 2)}\n`)],
  ]);
}

function indexFile(): Uint8Array {
  const entries = FIXTURES.map((spec) => ({
    name: spec.name,
    file: `${spec.name}.${EXTENSION[spec.format]}`,
    format: spec.format,
    layout: spec.layout,
    lang: spec.lang,
  }));
  return new TextEncoder().encode(`${JSON.stringify(entries, null, 2)}\n`);
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);

async function main() {
  const check = process.argv.includes('--check');
  await mkdir(FIXTURE_DIR, { recursive: true });
  const files = new Map<string, Uint8Array>([['index.json', indexFile()]]);
  for (const spec of FIXTURES) for (const [name, bytes] of await renderFixture(spec)) files.set(name, bytes);
  let drift = 0;
  let total = 0;
  for (const [name, bytes] of files) {
    const path = join(FIXTURE_DIR, name);
    total += bytes.length;
    if (check) {
      const existing = await readFile(path).catch(() => undefined);
      if (!existing || sha(existing) !== sha(bytes)) {
        drift++;
        console.log(`drift  ${name}`);
      }
    } else {
      await writeFile(path, bytes);
      if (!name.endsWith('.txt') && !name.endsWith('.json')) {
        console.log(`${name.padEnd(32)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KB  ${sha(bytes)}`);
      }
    }
  }
  console.log(`${files.size} files, ${(total / 1024).toFixed(0)} KB${check ? `, ${drift} drifted` : ''}`);
  if (check && drift > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
