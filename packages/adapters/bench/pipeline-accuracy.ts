/**
 * Field accuracy of the offline pipeline over the invoice fixture FILES: each document
 * (text-layer PDF, scanned PDF, PNG, JPEG) is sniffed, read by the real OCR provider
 * (the PDF text layer first, tesseract.js for images and scanned pages, default
 * languages, one worker) and extracted by the rules extractor, then compared with
 * `<name>.expected.json`. Printed overall, per fixture kind and per language.
 * `extraction-accuracy.ts` is the same score on perfect text, so the gap between the
 * two is what OCR costs.
 *
 *   npx tsx packages/adapters/bench/pipeline-accuracy.ts [--verbose] [--only <name-prefix>]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  accuracyOf,
  type FieldScore,
  loadInvoiceFixtures,
  scoreInvoice,
} from '../src/extraction/rules/accuracy';
import { createRulesExtractor } from '../src/extraction/rules/index';
import { sniffContentType } from '../src/files/content-type';
import { createOcrProvider } from '../src/ocr/create-ocr-provider';

const { values: args } = parseArgs({
  options: { verbose: { type: 'boolean', default: false }, only: { type: 'string' } },
  strict: true,
});
const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));
const percent = (correct: number, total: number) =>
  `${correct}/${total}`.padStart(7) + `${((correct / Math.max(1, total)) * 100).toFixed(1)}%`.padStart(8);

const fixtures = (await loadInvoiceFixtures()).filter((f) => !args.only || f.name.startsWith(args.only));
const ocr = await createOcrProvider({ provider: 'tesseract' });
const extractor = createRulesExtractor();
const rows: { kind: string; lang: string; scores: FieldScore[] }[] = [];

try {
  for (const fixture of fixtures) {
    const bytes = new Uint8Array(await readFile(fixture.path));
    const started = performance.now();
    const result = await ocr.recognize({ bytes, contentType: sniffContentType(bytes) });
    const ocrMs = performance.now() - started;
    const fields = await extractor.extract({
      text: result.text,
      pages: result.pages,
      ...(result.fields ? { providerFields: result.fields } : {}),
    });
    const scores = scoreInvoice(fixture.expected, fields);
    rows.push({ kind: fixture.format, lang: fixture.lang, scores });
    const { correct, total } = accuracyOf([scores]);
    console.log(
      `${fixture.name.padEnd(18)} ${fixture.format.padEnd(8)} ${result.provider.padEnd(10)} ${`${ocrMs.toFixed(0)} ms`.padStart(8)} ${percent(correct, total)}`,
    );
    for (const score of scores) {
      if (score.correct && !args.verbose) continue;
      const mark = score.correct ? 'ok  ' : 'MISS';
      console.log(
        `    ${mark} ${score.field.padEnd(14)} expected ${show(score.expected)}  got ${show(score.actual)}`,
      );
    }
  }
} finally {
  await ocr.close();
}

function table(title: string, key: (row: (typeof rows)[number]) => string) {
  console.log(`\n${title}`);
  const groups = new Map<string, FieldScore[][]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row.scores]);
  for (const [name, scores] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const { correct, total } = accuracyOf(scores);
    console.log(`  ${name.padEnd(10)} ${String(scores.length).padStart(2)} docs ${percent(correct, total)}`);
  }
}

table('by kind', (row) => row.kind);
table('by language', (row) => row.lang);
const { correct, total } = accuracyOf(rows.map((row) => row.scores));
console.log(`\npipeline field accuracy (OCR + rules): ${percent(correct, total).trim()}`);
