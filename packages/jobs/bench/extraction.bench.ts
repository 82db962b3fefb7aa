/**
 * npm run bench:extraction — field accuracy and ms/page of invoice extraction, per corpus, per
 * path and per field:
 *
 * - corpora: `generated` (packages/testing/fixtures/invoices, made by our own script, every
 *   field and line item scored as the rules tests do); `invoices` (real invoices nobody here
 *   made: vendor, number, date, currency, total); `sroie` (SROIE 2019 task 3 receipts, public
 *   slice: company, date, total). The real corpora's expected values and sources are in
 *   packages/testing/fixtures/real (SOURCES.md); their documents are read from BENCH_REAL_FILES.
 * - paths: `text-layer` (the PDF text layer alone, then rules; documents without one are left
 *   out), `tesseract` (every page through tesseract.js, one reused worker, then rules), `auto`
 *   (what `paperlane extract` and the job do: the text layer where there is one, tesseract
 *   otherwise), `llm-fake` (auto's text, then the OpenAI extractor against the fake OpenAI
 *   server answering with the expected fields: this scores what the adapter keeps of a perfect
 *   answer and times the round trip, not a model), `llm-down` (the fake answers 500: what
 *   extraction yields when the provider fails, i.e. the rules' fallback).
 *
 * ms/page is OCR (or text layer) plus extraction, over the pages read.
 *
 *   npm run bench:extraction -- [--corpus generated,invoices,sroie] [--limit N] [--only prefix] [--verbose]
 *     [--save-ocr DIR [--reuse-ocr]]
 *
 * `--reuse-ocr` reads the OCR results a previous `--save-ocr DIR` run wrote instead of running
 * tesseract again (for studying the rules); ms/page then counts extraction only.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createExtractor } from '@paperlane/adapters/extraction';
import {
  type ExpectedInvoice,
  type FieldScore,
  loadInvoiceFixtures,
  scoreInvoice,
} from '@paperlane/adapters/extraction/rules/accuracy';
import { createRulesExtractor } from '@paperlane/adapters/extraction/rules/index';
import { sniffContentType } from '@paperlane/adapters/files';
import { createPdfTextOcr, createTesseractOcr, DEFAULT_TESSERACT_LANGUAGES } from '@paperlane/adapters/ocr';
import { type Extractor, INVOICE_FIELD_NAMES, type InvoiceFields, type OcrResult } from '@paperlane/core';
import { startFakeOpenAi } from '@paperlane/testing/fakes/openai-server';
import { z } from 'zod';

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'generated,invoices,sroie' },
    limit: { type: 'string' },
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    /** Writes every OCR result as `<dir>/<corpus>/<name>.<path>.json`, to study misses without OCR. */
    'save-ocr': { type: 'string' },
    /** With --save-ocr: read the saved results instead of running OCR again. */
    'reuse-ocr': { type: 'boolean', default: false },
  },
  strict: true,
});
const LIMIT = args.limit === undefined ? Number.POSITIVE_INFINITY : Number(args.limit);
const CORPORA = new Set(args.corpus.split(',').map((c) => c.trim()));
// From the repository root (npm runs scripts there): the bench runs bundled from .tmp/.
const GENERATED = resolve('packages/testing/fixtures/invoices');
const REAL = resolve('packages/testing/fixtures/real');
// Fetched documents are never committed (SOURCES.md): they live in BENCH_REAL_FILES, a local
// files/ folder, or the steering repo's shared/ that sits beside every clone.
const REAL_FILES = resolve(
  process.env.BENCH_REAL_FILES ??
    [join(REAL, 'files'), resolve('../shared/extraction-corpus')].find((dir) => existsSync(dir)) ??
    join(REAL, 'files'),
);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// --- corpora ---------------------------------------------------------------------------------

type FieldName = 'vendorName' | 'invoiceNumber' | 'invoiceDate' | 'currency' | 'total';

interface Doc {
  name: string;
  kind: string;
  lang: string;
  path: string;
  expected: ExpectedInvoice;
}

interface Corpus {
  name: string;
  /** The per-field columns printed. */
  fields: readonly string[];
  /**
   * Further columns scored where the expected file has them (tax breakdown, line items), printed
   * but not counted in `all`, so the headline figure stays comparable with earlier runs.
   */
  extras?: readonly string[];
  docs: Doc[];
  score(expected: ExpectedInvoice, actual: InvoiceFields): FieldScore[];
}

const realIndexSchema = z.array(
  z.object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    file: z.string().regex(/^[a-z0-9-]+\.(pdf|png|jpg)$/),
    lang: z.string().min(2),
    kind: z.enum(['pdf-text', 'pdf-scan', 'png', 'jpeg']),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
);
const realExpectedSchema = z.strictObject({
  vendorName: z.string().min(1).optional(),
  invoiceNumber: z.string().min(1).optional(),
  invoiceDate: z.iso.date().optional(),
  currency: z.string().length(3).optional(),
  total: z.number().optional(),
  /** The tax per rate, where it was checked on the page (SOURCES.md). */
  taxes: z
    .array(z.strictObject({ rate: z.number(), base: z.number().optional(), amount: z.number() }))
    .optional(),
  /** The item lines, where they were checked on the page. */
  lineItems: z
    .array(
      z.strictObject({
        description: z.string().min(1),
        quantity: z.number().optional(),
        unitPrice: z.number().optional(),
        amount: z.number().optional(),
      }),
    )
    .optional(),
});
const sroieIndexSchema = z.object({
  receipts: z.array(
    z.object({
      id: z.string().regex(/^X\d{11}$/),
      imageSha256: z.string().regex(/^[0-9a-f]{64}$/),
      keySha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});
const sroieKeySchema = z.object({
  company: z.string(),
  date: z.string(),
  address: z.string(),
  total: z.string(),
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A real document's bytes, refused when they are not the ones the index recorded. */
async function verifiedFile(path: string, digest: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(path));
  if (sha256(bytes) !== digest) throw new Error(`${path}: sha256 differs from the corpus index`);
  return bytes;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const iso = (y: number, m: number, d: number) =>
  m >= 1 && m <= 12 && d >= 1 && d <= 31
    ? `${y < 100 ? 2000 + y : y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
    : undefined;

/** A SROIE key date (`25/12/2018`, `2018-12-25`, `25 DEC 2018`, `DEC 25, 2018`, `20181225`...) as ISO; day first, as printed in Malaysia. */
function sroieDate(raw: string): string | undefined {
  const s = raw.trim();
  // Compact keys: `20180304` (year first) or `25032018` (day first).
  const yearFirst = s.match(/^((?:19|20)\d{2})(\d{2})(\d{2})$/);
  const compact = yearFirst
    ? iso(Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3]))
    : undefined;
  if (compact) return compact;
  const dayFirst = s.match(/^(\d{2})(\d{2})(\d{4})$/);
  if (dayFirst) return iso(Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1]));
  let m = s.match(/(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = s.match(/(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})/);
  if (m) return iso(Number(m[3]), Number(m[2]), Number(m[1]));
  m = s.match(/(\d{1,2})[\s-]*([a-z]{3})[a-z]*[\s-,]*(\d{2,4})/i);
  if (m) return iso(Number(m[3]), MONTHS.indexOf(m[2]!.toLowerCase()) + 1, Number(m[1]));
  m = s.match(/([a-z]{3})[a-z]*\s*(\d{1,2}),?\s*(\d{4})/i);
  if (m) return iso(Number(m[3]), MONTHS.indexOf(m[1]!.toLowerCase()) + 1, Number(m[2]));
  return undefined;
}

// Legal forms differ between the letterhead and the register ("Au bon moulin" / "Au bon moulin SARL").
const LEGAL_FORMS =
  /\b(gmbh|mbh|ag|kg|co|sarl|sas|sa|ltd|limited|inc|llc|bv|nv|srl|spa|sdn|bhd|s b|sp z o o|plc|ek|a g)\b/g;
/** A name for comparison: case, accents, punctuation and legal form left out. */
const nameKey = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(LEGAL_FORMS, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const numberKey = (s: string) => s.toUpperCase().replace(/\s+/g, '').replace(/^#/, '');

function fieldCorrect(field: FieldName, want: unknown, got: unknown): boolean {
  if (want === undefined || got === undefined) return want === got;
  switch (field) {
    case 'vendorName':
      return typeof got === 'string' && nameKey(got) === nameKey(String(want));
    case 'invoiceNumber':
      return typeof got === 'string' && numberKey(got) === numberKey(String(want));
    case 'total':
      return typeof got === 'number' && Math.abs(got - Number(want)) <= 0.01;
    default:
      return got === want;
  }
}

/** Scores only the fields the corpus expects: a real document's truth is known for those alone. */
function scoreFields(fields: readonly FieldName[]) {
  return (expected: ExpectedInvoice, actual: InvoiceFields): FieldScore[] =>
    fields
      .filter((field) => expected[field] !== undefined)
      .map((field) => ({
        field,
        expected: expected[field],
        actual: actual[field],
        correct: fieldCorrect(field, expected[field], actual[field]),
      }));
}

const near = (a: number | undefined, b: number | undefined) =>
  a === undefined || (b !== undefined && Math.abs(a - b) <= 0.01);

/** The breakdown is right when every expected rate is there with its amount (and base, where expected), and nothing else. */
function scoreTaxes(expected: ExpectedInvoice, actual: InvoiceFields): FieldScore[] {
  const want = expected.taxes;
  if (want === undefined) return [];
  const got = actual.taxes;
  const correct =
    want.length === got.length &&
    want.every((line) =>
      got.some((g) => near(line.rate, g.rate) && near(line.amount, g.amount) && near(line.base, g.base)),
    );
  return [{ field: 'taxes', expected: want, actual: got, correct }];
}

/**
 * Each expected item line is one score, right when the line at its place has its amount,
 * quantity and unit price and a description that one of the two contains; lines read beyond
 * the expected ones are errors.
 */
function scoreLineItems(expected: ExpectedInvoice, actual: InvoiceFields): FieldScore[] {
  const want = expected.lineItems;
  if (want === undefined) return [];
  const count = Math.max(want.length, actual.lineItems.length);
  const scores: FieldScore[] = [];
  for (let i = 0; i < count; i += 1) {
    const w = want[i];
    const g = actual.lineItems[i];
    const a = w ? nameKey(w.description) : '';
    const b = g ? nameKey(g.description) : '';
    const correct =
      w !== undefined &&
      g !== undefined &&
      b.length > 0 &&
      (a.includes(b) || b.includes(a)) &&
      near(w.amount, g.amount) &&
      near(w.quantity, g.quantity) &&
      near(w.unitPrice, g.unitPrice);
    scores.push({ field: 'lineItems', expected: w, actual: g, correct });
  }
  return scores;
}

const take = <T extends { name: string }>(docs: T[]) =>
  docs.filter((d) => !args.only || d.name.startsWith(args.only)).slice(0, LIMIT);

async function generatedCorpus(): Promise<Corpus> {
  const fixtures = await loadInvoiceFixtures(GENERATED);
  return {
    name: 'generated',
    fields: [
      'vendorName',
      'vendorTaxId',
      'invoiceNumber',
      'invoiceDate',
      'dueDate',
      'currency',
      'total',
      'iban',
    ],
    docs: take(
      fixtures.map((f) => ({
        name: f.name,
        kind: f.format,
        lang: f.lang,
        path: f.path,
        expected: f.expected,
      })),
    ),
    score: scoreInvoice,
  };
}

async function invoicesCorpus(): Promise<Corpus | string> {
  const dir = join(REAL_FILES, 'invoices');
  if (!existsSync(dir)) return `no documents in ${dir} (set BENCH_REAL_FILES; see SOURCES.md)`;
  const index = realIndexSchema.parse(JSON.parse(await readFile(join(REAL, 'invoices/index.json'), 'utf8')));
  const docs = await Promise.all(
    index.map(async (entry) => {
      const path = join(dir, entry.file);
      await verifiedFile(path, entry.sha256);
      const expected = realExpectedSchema.parse(
        JSON.parse(await readFile(join(REAL, `invoices/${entry.name}.expected.json`), 'utf8')),
      );
      return { name: entry.name, kind: entry.kind, lang: entry.lang, path, expected };
    }),
  );
  const fields = ['vendorName', 'invoiceNumber', 'invoiceDate', 'currency', 'total'] as const;
  const scalars = scoreFields(fields);
  return {
    name: 'invoices',
    fields,
    extras: ['taxes', 'lineItems'],
    docs: take(docs),
    score: (expected, actual) => [
      ...scalars(expected, actual),
      ...scoreTaxes(expected, actual),
      ...scoreLineItems(expected, actual),
    ],
  };
}

async function sroieCorpus(): Promise<Corpus | string> {
  const dir = join(REAL_FILES, 'sroie');
  if (!existsSync(dir)) return `no documents in ${dir} (set BENCH_REAL_FILES; see SOURCES.md)`;
  const index = sroieIndexSchema.parse(JSON.parse(await readFile(join(REAL, 'sroie/index.json'), 'utf8')));
  const docs = await Promise.all(
    index.receipts.map(async (receipt) => {
      const path = join(dir, `${receipt.id}.jpg`);
      await verifiedFile(path, receipt.imageSha256);
      const key = sroieKeySchema.parse(
        JSON.parse(
          new TextDecoder().decode(await verifiedFile(join(dir, `${receipt.id}.json`), receipt.keySha256)),
        ),
      );
      const date = sroieDate(key.date);
      const total = Number(key.total.replace(/[^0-9.-]/g, ''));
      const expected: ExpectedInvoice = {
        vendorName: key.company.trim(),
        // A key date this reader cannot parse stays in as written, so it counts as a miss.
        invoiceDate: date ?? key.date,
        ...(Number.isFinite(total) ? { total } : {}),
      };
      return { name: receipt.id, kind: 'jpeg', lang: 'en', path, expected };
    }),
  );
  const fields = ['vendorName', 'invoiceDate', 'total'] as const;
  return { name: 'sroie', fields, docs: take(docs), score: scoreFields(fields) };
}

// --- paths -----------------------------------------------------------------------------------

const PATHS = ['text-layer', 'tesseract', 'auto', 'llm-fake', 'llm-down'] as const;
type PathName = (typeof PATHS)[number];

interface Run {
  doc: Doc;
  pages: number;
  ms: number;
  scores: FieldScore[];
}

const textLayer = createPdfTextOcr(); // no fallback: a page without text throws ocr_not_configured
const tesseract = createTesseractOcr({ languages: DEFAULT_TESSERACT_LANGUAGES });
const rules = createRulesExtractor();
const fake = await startFakeOpenAi();
const llm: Extractor = createExtractor({
  EXTRACTOR: 'openai',
  OPENAI_API_KEY: 'bench-key',
  OPENAI_BASE_URL: fake.baseUrl,
});

/** The answer a perfect model would give: the expected fields, null elsewhere. */
function oracleAnswer(expected: ExpectedInvoice) {
  const names = INVOICE_FIELD_NAMES;
  const fields = Object.fromEntries(names.map((name) => [name, expected[name] ?? null]));
  const confidence = Object.fromEntries(
    names.map((name) => [name, expected[name] === undefined ? null : 0.9]),
  );
  const lineItems = (expected.lineItems ?? []).map((item) => ({
    description: item.description,
    quantity: item.quantity ?? null,
    unitPrice: item.unitPrice ?? null,
    amount: item.amount ?? null,
  }));
  const taxes = (expected.taxes ?? []).map((line) => ({
    rate: line.rate,
    base: line.base ?? null,
    amount: line.amount,
  }));
  return { ...fields, lineItems, taxes, confidence };
}

const EMPTY: InvoiceFields = { lineItems: [], taxes: [], confidence: {}, provider: 'none' };

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

const extractInput = (ocr: OcrResult) => ({
  text: ocr.text,
  pages: ocr.pages,
  ...(ocr.fields ? { providerFields: ocr.fields } : {}),
});

const ocrFile = (corpus: Corpus, doc: Doc, path: string) =>
  join(resolve(args['save-ocr'] ?? '.'), corpus.name, `${doc.name}.${path}.json`);

async function saveOcr(corpus: Corpus, doc: Doc, path: string, ocr: OcrResult): Promise<void> {
  if (!args['save-ocr']) return;
  await mkdir(join(resolve(args['save-ocr']), corpus.name), { recursive: true });
  await writeFile(ocrFile(corpus, doc, path), JSON.stringify(ocr));
}

/** A saved OCR result (a file we wrote ourselves in an earlier run), when --reuse-ocr asks for it. */
async function savedOcr(corpus: Corpus, doc: Doc, path: string): Promise<OcrResult | undefined> {
  if (!args['reuse-ocr'] || !args['save-ocr']) return undefined;
  const file = ocrFile(corpus, doc, path);
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as OcrResult;
}

/** Runs an OCR engine, or takes its saved result. */
async function recognize(
  corpus: Corpus,
  doc: Doc,
  path: string,
  engine: () => Promise<OcrResult>,
): Promise<{ value: OcrResult; ms: number }> {
  const saved = await savedOcr(corpus, doc, path);
  if (saved) return { value: saved, ms: 0 };
  const read = await timed(engine);
  await saveOcr(corpus, doc, path, read.value);
  return read;
}

/** Runs one document through every path; OCR is done once per engine and shared. */
async function runDoc(corpus: Corpus, doc: Doc): Promise<Partial<Record<PathName, Run>>> {
  const bytes = new Uint8Array(await readFile(doc.path));
  const contentType = sniffContentType(bytes);
  const out: Partial<Record<PathName, Run>> = {};
  const run = (ocr: OcrResult, ms: number, fields: InvoiceFields): Run => ({
    doc,
    pages: Math.max(1, ocr.pages.length),
    ms,
    scores: corpus.score(doc.expected, fields),
  });

  let layer: { ocr: OcrResult; ms: number } | undefined;
  if (contentType === 'application/pdf') {
    try {
      const read = await recognize(corpus, doc, 'text-layer', () =>
        textLayer.recognize({ bytes, contentType }),
      );
      layer = { ocr: read.value, ms: read.ms };
    } catch {
      layer = undefined; // some page has no text layer
    }
  }
  if (layer) {
    const extracted = await timed(() => rules.extract(extractInput(layer.ocr)));
    out['text-layer'] = run(layer.ocr, layer.ms + extracted.ms, extracted.value);
  }
  const ocr = await recognize(corpus, doc, 'tesseract', () => tesseract.recognize({ bytes, contentType }));
  const tesseractRules = await timed(() => rules.extract(extractInput(ocr.value)));
  out.tesseract = run(ocr.value, ocr.ms + tesseractRules.ms, tesseractRules.value);
  out.auto = layer ? { ...out['text-layer']! } : { ...out.tesseract };

  const auto = layer ?? { ocr: ocr.value, ms: ocr.ms };
  const answer = oracleAnswer(doc.expected);
  fake.handle(() => ({ json: answer }));
  const answered = await timed(() => llm.extract(extractInput(auto.ocr)).catch(() => EMPTY));
  out['llm-fake'] = run(auto.ocr, auto.ms + answered.ms, answered.value);
  fake.handle(() => ({ error: { status: 500, message: 'bench: provider down' } }));
  const down = await timed(() => llm.extract(extractInput(auto.ocr)).catch(() => EMPTY));
  out['llm-down'] = run(auto.ocr, auto.ms + down.ms, down.value);
  return out;
}

// --- report ----------------------------------------------------------------------------------

const pct = (correct: number, total: number) =>
  total === 0 ? '—'.padStart(6) : `${((correct / total) * 100).toFixed(1)}%`.padStart(6);
const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));
const LABELS: Record<string, string> = {
  vendorName: 'vendor',
  vendorTaxId: 'taxId',
  invoiceNumber: 'number',
  invoiceDate: 'date',
  dueDate: 'due',
  lineItems: 'lines',
  taxes: 'taxes',
};
/** Line items of the generated corpus are one column, as the rules tests count them. */
const column = (field: string) => (field.startsWith('lineItems[') ? 'lineItems' : field);

function report(corpus: Corpus, runs: Record<PathName, Run[]>) {
  const extras = corpus.extras ?? [];
  const columns =
    corpus.name === 'generated' ? [...corpus.fields, 'lineItems'] : [...corpus.fields, ...extras];
  const header = ['path'.padEnd(10), 'docs'.padStart(4), 'ms/page'.padStart(8), 'all'.padStart(6)]
    .concat(columns.map((c) => (LABELS[c] ?? c).padStart(8)))
    .join(' ');
  console.log(`\n${corpus.name} (${corpus.docs.length} documents)\n  ${header}`);
  for (const path of PATHS) {
    const list = runs[path];
    if (list.length === 0) continue;
    const scored = list.flatMap((r) => r.scores);
    const all = scored.filter((s) => !extras.includes(s.field));
    const pages = list.reduce((n, r) => n + r.pages, 0);
    const ms = list.reduce((n, r) => n + r.ms, 0) / Math.max(1, pages);
    const cells = columns.map((c) => {
      const scores = scored.filter((s) => column(s.field) === c);
      return pct(scores.filter((s) => s.correct).length, scores.length).padStart(8);
    });
    const overall = pct(all.filter((s) => s.correct).length, all.length);
    console.log(
      `  ${path.padEnd(10)} ${String(list.length).padStart(4)} ${ms.toFixed(0).padStart(8)} ${overall} ${cells.join(' ')}`,
    );
  }
  if (extras.length > 0) {
    const counts = extras.map((c) => {
      const docs = corpus.docs.filter((d) => d.expected[c as 'taxes' | 'lineItems'] !== undefined).length;
      return `${LABELS[c] ?? c} on the ${docs} documents whose expected file lists them`;
    });
    console.log(`  (${counts.join('; ')}; not in "all")`);
  }
  if (!args.verbose) return;
  for (const path of ['auto', 'tesseract'] as const) {
    console.log(`  misses, ${path}:`);
    for (const run of runs[path]) {
      for (const s of run.scores.filter((x) => !x.correct)) {
        console.log(
          `    ${run.doc.name.padEnd(28)} ${s.field.padEnd(14)} expected ${show(s.expected)}  got ${show(s.actual)}`,
        );
      }
    }
  }
}

const loaders: [string, () => Promise<Corpus | string>][] = [
  ['generated', generatedCorpus],
  ['invoices', invoicesCorpus],
  ['sroie', sroieCorpus],
];
console.log(
  `bench:extraction — node ${process.version}; tesseract.js ${DEFAULT_TESSERACT_LANGUAGES}, one reused worker; rules extractor; fake OpenAI for llm-*`,
);
try {
  for (const [name, load] of loaders) {
    if (!CORPORA.has(name)) continue;
    const corpus = await load();
    if (typeof corpus === 'string') {
      console.log(`\n${name}: skipped, ${corpus}`);
      continue;
    }
    const runs = Object.fromEntries(PATHS.map((p) => [p, [] as Run[]])) as Record<PathName, Run[]>;
    for (const [i, doc] of corpus.docs.entries()) {
      const result = await runDoc(corpus, doc);
      for (const path of PATHS) if (result[path]) runs[path].push(result[path]);
      if ((i + 1) % 10 === 0) console.error(`${name}: ${i + 1}/${corpus.docs.length}`);
    }
    report(corpus, runs);
  }
} finally {
  await tesseract.close();
  await textLayer.close();
  await fake.close();
}
