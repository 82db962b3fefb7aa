/**
 * npm run bench:docs — the document jobs beside their bare libraries, in one run:
 *
 * - thumbnails: the real thumbnail job (document record on dynalite in its own process, original
 *   and thumbnails in a folder blob store, sniffing, one decode, 150/300/600 WebP + blurhash, the
 *   record update) beside bare sharp making the same three WebP resizes from bytes in memory;
 * - OCR: tesseract.js ms/page with the one worker the provider reuses, beside a fresh worker per
 *   page (what a provider without reuse would pay);
 * - text-layer PDFs: ms/doc through the production OCR stack (text layer first, laid out in
 *   reading order), beside bare pdfjs `getTextContent` on the same files.
 *
 * Rounds alternate ours and the peer so both see the same machine state; medians are printed.
 * BENCH_DOCS (documents per round and input), BENCH_ROUNDS, BENCH_OCR_PAGES tune it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createFolderBlobStore } from '@paperlane/adapters/blob';
import { DEFAULT_FILE_LIMITS, openPdf, sniffContentType } from '@paperlane/adapters/files';
import { parseThumbnailConfig, renderThumbnails } from '@paperlane/adapters/images';
import {
  createOcrProvider,
  createTesseractOcr,
  createTesseractRunner,
  DEFAULT_TESSERACT_LANGUAGES,
  tesseractLanguages,
} from '@paperlane/adapters/ocr';
import {
  blobKeys,
  type DocumentContentType,
  type JobContext,
  type JobRecord,
  jobTarget,
  newId,
  silentLogger,
  startTrace,
  systemClock,
} from '@paperlane/core';
import { createDocumentClient, createStore, ensureTable } from '@paperlane/store';
import { startDynaliteProcess } from '@paperlane/testing';
import sharp from 'sharp';
import { createThumbnailHandler } from '../src/thumbnail/handler';

const DOCS = Number(process.env.BENCH_DOCS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OCR_PAGES = Number(process.env.BENCH_OCR_PAGES ?? 4);
const TENANT = 'bench';
// From the repository root (npm runs scripts there): the bench runs bundled from .tmp/, so
// paths relative to this module would not point at the sources.
const FIXTURES = resolve(process.env.BENCH_FIXTURES ?? 'packages/testing/fixtures/invoices');
// Set before the first AWS client exists: its notice about future Node versions is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const fixture = async (name: string) => new Uint8Array(await readFile(join(FIXTURES, name)));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
async function msPer(count: number, work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / count;
}

// --- thumbnails -------------------------------------------------------------------------------

const thumbnailConfig = parseThumbnailConfig({});
const limits = DEFAULT_FILE_LIMITS;
const dynamo = await startDynaliteProcess();
const documentClient = createDocumentClient({ endpoint: dynamo.endpoint });
const tableName = `bench-docs-${randomUUID().slice(0, 8)}`;
await ensureTable(documentClient, tableName);
const store = createStore({ documentClient, tableName });
const root = await mkdtemp(join(tmpdir(), 'paperlane-bench-docs-'));
const blobs = createFolderBlobStore({ root });
const thumbnailJob = createThumbnailHandler({
  store,
  blobs,
  sniff: sniffContentType,
  renderThumbnails: ({ bytes, contentType }) => renderThumbnails(bytes, contentType, limits, thumbnailConfig),
  limits: { maxFileBytes: limits.maxBytes },
  clock: systemClock,
});

/** A photo-like 3000×2000 JPEG (noise compresses like real detail, unlike a flat fill). */
const photo = new Uint8Array(
  await sharp({
    create: {
      width: 3000,
      height: 2000,
      channels: 3,
      background: '#6688aa',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 85 })
    .toBuffer(),
);
const thumbnailInputs: { name: string; bytes: Uint8Array; peer: boolean }[] = [
  { name: '3000×2000 JPEG photo', bytes: photo, peer: true },
  { name: '1240×1754 PNG scan', bytes: await fixture('en-gb-two-column.png'), peer: true },
  { name: 'text PDF, first page', bytes: await fixture('en-us-classic.pdf'), peer: false },
];

/** Stores `DOCS` documents of `bytes` the way an upload does (not timed); their job contexts. */
async function seedDocuments(bytes: Uint8Array): Promise<JobContext<'thumbnail'>[]> {
  const contentType: DocumentContentType = sniffContentType(bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return Promise.all(
    Array.from({ length: DOCS }, async () => {
      const documentId = newId('doc');
      const now = new Date();
      await blobs.put(blobKeys.original(TENANT, documentId), bytes, { contentType });
      await store.documents.create({
        tenantId: TENANT,
        documentId,
        fileName: 'bench',
        contentType,
        sizeBytes: bytes.byteLength,
        sha256,
        blobKey: blobKeys.original(TENANT, documentId),
        now,
      });
      const payload = { tenantId: TENANT, documentId };
      const iso = now.toISOString();
      const job: JobRecord = {
        tenantId: TENANT,
        jobId: newId('job'),
        queue: 'thumbnail',
        status: 'processing',
        payload,
        priority: 'high',
        attempts: 1,
        maxAttempts: 2,
        generation: 0,
        progress: 0,
        traceId: 'bench',
        ...jobTarget('thumbnail', payload),
        createdAt: iso,
        updatedAt: iso,
        availableAt: iso,
      };
      return {
        job,
        payload,
        attempt: 1,
        signal: new AbortController().signal,
        progress: async () => true,
        logger: silentLogger,
        span: startTrace(),
      };
    }),
  );
}

/** The same three resizes with nothing around them: what sharp alone costs. */
async function bareSharp(bytes: Uint8Array): Promise<void> {
  await Promise.all(
    thumbnailConfig.widths.map((width) =>
      sharp(bytes)
        .rotate()
        .resize({ width, withoutEnlargement: true })
        .webp({ quality: thumbnailConfig.quality })
        .toBuffer(),
    ),
  );
}

const thumbnailResults = thumbnailInputs.map(() => ({
  job: [] as number[],
  render: [] as number[],
  sharp: [] as number[],
}));
// Warm-up: pdfjs, sharp and the store client load once, outside the measurements.
for (const input of thumbnailInputs) {
  const [ctx] = await seedDocuments(input.bytes);
  if (ctx) await thumbnailJob(ctx);
  if (input.peer) await bareSharp(input.bytes);
}
for (let round = 1; round <= ROUNDS; round++) {
  for (const [index, input] of thumbnailInputs.entries()) {
    const result = thumbnailResults[index]!;
    const contexts = await seedDocuments(input.bytes);
    const contentType = sniffContentType(input.bytes);
    result.job.push(
      await msPer(DOCS, async () => {
        for (const ctx of contexts) {
          const outcome = await thumbnailJob(ctx);
          if (!outcome?.blurhash) throw new Error(`thumbnail job did not render: ${JSON.stringify(outcome)}`);
        }
      }),
    );
    result.render.push(
      await msPer(DOCS, async () => {
        for (let i = 0; i < DOCS; i++)
          await renderThumbnails(input.bytes, contentType, limits, thumbnailConfig);
      }),
    );
    if (input.peer) {
      result.sharp.push(
        await msPer(DOCS, async () => {
          for (let i = 0; i < DOCS; i++) await bareSharp(input.bytes);
        }),
      );
    }
  }
  console.error(`thumbnails: round ${round}/${ROUNDS} done`);
}

// --- OCR: one reused tesseract worker vs a fresh one per page ---------------------------------

const ocrFiles = [
  'en-gb-two-column.png',
  'de-amount-due.png',
  'es-two-column.png',
  'fr-amount-due.png',
  'it-receipt.png',
];
const pages = await Promise.all(ocrFiles.slice(0, Math.max(1, OCR_PAGES)).map(fixture));
const languages = tesseractLanguages(DEFAULT_TESSERACT_LANGUAGES);
const reusedRunner = createTesseractRunner({ languages });
const reused = createTesseractOcr({ runner: reusedRunner });
const ocrImage = (ocr: ReturnType<typeof createTesseractOcr>, bytes: Uint8Array) =>
  ocr.recognize({ bytes, contentType: sniffContentType(bytes) });
const workerStart = await msPer(1, async () => {
  // The first page pays for starting the worker (language models for five languages).
  await ocrImage(reused, pages[0]!);
});
const ocrReused: number[] = [];
const ocrFresh: number[] = [];
for (let round = 1; round <= Math.max(1, Math.ceil(ROUNDS / 3)); round++) {
  ocrReused.push(
    await msPer(pages.length, async () => {
      for (const page of pages) await ocrImage(reused, page);
    }),
  );
  ocrFresh.push(
    await msPer(pages.length, async () => {
      for (const page of pages) {
        const fresh = createTesseractOcr({ runner: createTesseractRunner({ languages }) });
        try {
          await ocrImage(fresh, page);
        } finally {
          await fresh.close();
        }
      }
    }),
  );
  console.error(`ocr: round ${round} done`);
}
const workersStarted = reusedRunner.workersCreated;
await reused.close();

// --- text-layer PDFs -------------------------------------------------------------------------

const textPdfs = await Promise.all(
  [
    'en-us-classic.pdf',
    'en-us-amount-due.pdf',
    'de-letter.pdf',
    'fr-classic.pdf',
    'nl-classic.pdf',
    'es-classic.pdf',
    'en-ch-letter.pdf',
  ].map(fixture),
);
// The production stack: text layer first, tesseract behind it (never reached for these files).
const pdfOcr = await createOcrProvider({ provider: 'tesseract' });
async function barePdfjs(bytes: Uint8Array): Promise<void> {
  const pdf = await openPdf(bytes);
  try {
    for (let n = 1; n <= pdf.pageCount; n++) {
      const content = await (await pdf.page(n)).getTextContent();
      content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
    }
  } finally {
    await pdf.close();
  }
}
const coldPdf = await msPer(1, async () => {
  const result = await pdfOcr.recognize({ bytes: textPdfs[0]!, contentType: 'application/pdf' });
  if (result.provider !== 'pdf-text') throw new Error(`expected the text layer, got ${result.provider}`);
});
const pdfOurs: number[] = [];
const pdfBare: number[] = [];
for (let round = 1; round <= ROUNDS * 3; round++) {
  pdfOurs.push(
    await msPer(textPdfs.length, async () => {
      for (const bytes of textPdfs) await pdfOcr.recognize({ bytes, contentType: 'application/pdf' });
    }),
  );
  pdfBare.push(
    await msPer(textPdfs.length, async () => {
      for (const bytes of textPdfs) await barePdfjs(bytes);
    }),
  );
}
await pdfOcr.close();

// --- report ----------------------------------------------------------------------------------

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`.padStart(10);
const row = (what: string, ours: string, peer: string, ratio: string) =>
  console.log(`  ${what.padEnd(46)} ${ours.padStart(14)} ${peer.padStart(14)}   ${ratio}`);
console.log(
  `\nbench:docs — median of ${ROUNDS} rounds, ${DOCS} documents per round and input; ${OCR_PAGES} OCR pages; node ${process.version}`,
);
row('', 'ours', 'peer', 'speed ours/peer');
for (const [index, input] of thumbnailInputs.entries()) {
  const result = thumbnailResults[index]!;
  const job = median(result.job);
  if (input.peer) {
    const peer = median(result.sharp);
    row(
      `thumbnail job, ${input.name}`,
      `${ms(job)}/doc`,
      `${ms(peer)}/doc`,
      `${(peer / job).toFixed(2)}×  (target ≥ 0.8×; peer: bare sharp, 3 WebP resizes)`,
    );
  } else {
    row(
      `thumbnail job, ${input.name}`,
      `${ms(job)}/doc`,
      '—',
      '(sharp reads no PDF: pdfjs renders the page)',
    );
  }
  row(`  of which renderThumbnails (no store, no I/O)`, `${ms(median(result.render))}/doc`, '', '');
}
const reusedMs = median(ocrReused);
const freshMs = median(ocrFresh);
row(
  'OCR, tesseract, one reused worker',
  `${ms(reusedMs)}/page`,
  `${ms(freshMs)}/page`,
  `${(freshMs / reusedMs).toFixed(2)}×  (peer: a fresh worker per page)`,
);
row(
  '  worker start + first page (once per process)',
  ms(workerStart),
  '',
  `${workersStarted} worker for ${1 + pages.length * ocrReused.length} pages`,
);
const oursPdf = median(pdfOurs);
const barePdf = median(pdfBare);
row(
  'text-layer PDF read (pdf-text, laid out)',
  `${ms(oursPdf)}/doc`,
  `${ms(barePdf)}/doc`,
  `${(barePdf / oursPdf).toFixed(2)}×  (target ≤ 100 ms/doc; peer: bare pdfjs getTextContent)`,
);
row('  first document, pdfjs loading included', ms(coldPdf), '', '');

await dynamo.stop();
await rm(root, { recursive: true, force: true });
