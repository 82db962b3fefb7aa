import sharp from 'sharp';
import Tesseract from 'tesseract.js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encryptedPdf,
  pngDeclaring,
  scannedPdf,
  textImage,
  truncatedJpeg,
} from '../files/test-support/hostile-files';
import { createTesseractOcr, readPoorly } from './tesseract-ocr';
import { createTesseractRunner } from './tesseract-runner';

let started = 0;
const countingCreate: typeof Tesseract.createWorker = (...args) => {
  started += 1;
  return Tesseract.createWorker(...args);
};
const runner = createTesseractRunner({ languages: ['eng', 'deu'], createWorker: countingCreate });
const ocr = createTesseractOcr({ runner });

afterAll(() => ocr.close());

const INVOICE_LINES = ['Invoice No. INV-2026-001', 'Date 2026-11-03', 'Total 1,234.56 EUR'];

describe('tesseract OCR', () => {
  it('reads an image, reports progress, and reuses its worker for the next document', async () => {
    const progress: number[] = [];
    const first = await ocr.recognize({
      bytes: await textImage(INVOICE_LINES),
      contentType: 'image/png',
      onProgress: (f) => progress.push(f),
    });
    expect(first.provider).toBe('tesseract');
    expect(first.text).toContain('INV-2026-001');
    expect(first.text).toMatch(/Total\s+1,234\.56\s+EUR/);
    expect(first.pages[0]?.confidence).toBeGreaterThan(0.5);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(1);

    const second = await ocr.recognize({
      bytes: await textImage(['Rechnung 42'], { format: 'jpeg' }),
      contentType: 'image/jpeg',
    });
    expect(second.text).toContain('Rechnung 42');
    expect(started).toBe(1);
    expect(runner.workersCreated).toBe(1);
  });

  it('rasterises PDF pages without a text layer page by page', async () => {
    const result = await ocr.recognize({
      bytes: await scannedPdf([['Page one INV-7'], ['Page two 99.10']]),
      contentType: 'application/pdf',
    });
    expect(result.pages.map((p) => p.pageNumber)).toEqual([1, 2]);
    expect(result.pages[0]?.text).toContain('INV-7');
    expect(result.pages[1]?.text).toContain('99.10');
  });

  it('stops mid-page on abort, and the next call gets a fresh worker', async () => {
    const controller = new AbortController();
    const before = runner.workersCreated;
    const aborted = ocr.recognize({
      bytes: await textImage(INVOICE_LINES),
      contentType: 'image/png',
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(aborted).rejects.toMatchObject({ name: 'AbortedError' });
    const after = await ocr.recognize({ bytes: await textImage(['Total 5.00']), contentType: 'image/png' });
    expect(after.text).toContain('5.00');
    expect(runner.workersCreated).toBe(before + 1);
  });

  it('levels a tilted photo before reading it, and switches segmentation without a new worker', async () => {
    const tilted = await sharp(await textImage(INVOICE_LINES))
      .rotate(4, { background: '#ffffff' })
      .jpeg()
      .toBuffer();
    const before = runner.workersCreated;
    const read = await ocr.recognize({ bytes: new Uint8Array(tilted), contentType: 'image/jpeg' });
    expect(read.text).toContain('INV-2026-001');
    expect(read.text).toMatch(/1,234\.56/);
    const line = await runner.recognize(await textImage(['Total 1,234.56 EUR']), { segmentation: 'line' });
    expect(line.text).toContain('1,234.56');
    const block = await runner.recognize(await textImage(INVOICE_LINES), { segmentation: 'block' });
    expect(block.text).toContain('INV-2026-001');
    expect(runner.workersCreated).toBe(before);
  });

  it('refuses hostile files before any OCR work', async () => {
    const created = runner.workersCreated;
    await expect(
      ocr.recognize({ bytes: pngDeclaring(20_000, 20_000), contentType: 'image/png' }),
    ).rejects.toMatchObject({
      code: 'pixel_limit_exceeded',
    });
    await expect(
      ocr.recognize({ bytes: await truncatedJpeg(), contentType: 'image/jpeg' }),
    ).rejects.toMatchObject({
      code: 'corrupt_file',
    });
    await expect(
      ocr.recognize({ bytes: encryptedPdf(), contentType: 'application/pdf' }),
    ).rejects.toMatchObject({
      code: 'encrypted_pdf',
    });
    expect(runner.workersCreated).toBe(created);
  });
});

describe('second pass on poorly read images', () => {
  const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
  it('asks for one when almost no words or mostly guesses came back', () => {
    expect(readPoorly({ text: '31705509', confidence: 0.9 })).toBe(true);
    expect(readPoorly({ text: '', confidence: 0.9 })).toBe(true);
    expect(readPoorly({ text: `${'| ; . '.repeat(200)}`, confidence: 0.9 })).toBe(true);
    expect(readPoorly({ text: words(40), confidence: 0.3 })).toBe(true);
    expect(readPoorly({ text: words(40), confidence: 0.8 })).toBe(false);
    expect(readPoorly({ text: words(40) })).toBe(false);
  });
});

describe('tesseract language data', () => {
  it('links the npm language packages into one reusable folder', async () => {
    const { languageDataDir, languageDataFile } = await import('./tesseract-languages');
    const { readlink } = await import('node:fs/promises');
    const first = await languageDataDir(['eng', 'fra']);
    const second = await languageDataDir(['eng', 'fra']);
    expect(second).toBe(first);
    expect(await readlink(`${first}/fra.traineddata.gz`)).toBe(languageDataFile('fra'));
  });

  it('refuses languages whose data is not installed', async () => {
    const { tesseractLanguages } = await import('./tesseract-languages');
    expect(tesseractLanguages('en+deu+FR')).toEqual(['eng', 'deu', 'fra']);
    expect(() => tesseractLanguages('eng+jpn')).toThrow(/jpn/);
  });
});
