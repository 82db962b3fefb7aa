import type { OcrInput, OcrResult } from '@paperlane/core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffContentType } from '../files/content-type';
import { parseFileLimits } from '../files/file-limits';
import {
  encryptedPdf,
  manyPagePdf,
  scannedPdf,
  textImage,
  textPdf,
} from '../files/test-support/hostile-files';
import type { OcrBackend } from './ocr-backend';
import { createPdfTextOcr } from './pdf-text-ocr';

/** A stand-in OCR backend that records what reaches it. */
function recordingBackend(handlesPdf: boolean) {
  const calls: OcrInput[] = [];
  const backend: OcrBackend = {
    name: 'recorder',
    handlesPdf,
    async recognize(input): Promise<OcrResult> {
      calls.push(input);
      input.onProgress?.(0.5);
      const text = `ocr of call ${calls.length}`;
      return {
        provider: 'recorder',
        text,
        pages: [{ pageNumber: 1, text, confidence: 0.9 }],
        fields: { provider: 'recorder', total: calls.length, confidence: { total: 0.5 + calls.length / 10 } },
      };
    },
    close: async () => {},
  };
  return { backend, calls };
}

describe('PDF text layer first', () => {
  it('reads a text PDF without touching OCR, lines in reading order', async () => {
    const { backend, calls } = recordingBackend(false);
    const ocr = createPdfTextOcr({ fallback: backend });
    const result = await ocr.recognize({
      bytes: await textPdf([
        ['Invoice No. INV-2026-001', 'Total 1,234.56 EUR'],
        ['Page two terms and conditions'],
      ]),
      contentType: 'application/pdf',
    });
    expect(calls).toHaveLength(0);
    expect(result.provider).toBe('pdf-text');
    expect(result.pages.map((p) => p.text)).toEqual([
      'Invoice No. INV-2026-001\nTotal 1,234.56 EUR',
      'Page two terms and conditions',
    ]);
    expect(result.text).toContain('Total 1,234.56 EUR\n\nPage two');
  });

  it('keeps table columns on one line, apart, whatever order they were drawn in', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([595, 842]);
    page.drawText('9.50', { x: 480, y: 700, size: 11, font });
    page.drawText('Description', { x: 50, y: 720, size: 11, font });
    page.drawText('Widget large', { x: 50, y: 700, size: 11, font });
    page.drawText('2', { x: 350, y: 700, size: 11, font });
    page.drawText('Amount', { x: 480, y: 720, size: 11, font });
    const { text } = await createPdfTextOcr().recognize({
      bytes: await doc.save(),
      contentType: 'application/pdf',
    });
    const lines = text.split('\n');
    expect(lines[0]?.split(/ {2,}/)).toEqual(['Description', 'Amount']);
    expect(lines[1]?.split(/ {2,}/)).toEqual(['Widget large', '2', '9.50']);
  });

  it('sends only the scanned pages of a mixed PDF to OCR, as page images', async () => {
    const { backend, calls } = recordingBackend(true);
    const mixed = await PDFDocument.create();
    const [textPage] = await mixed.copyPages(
      await PDFDocument.load(await textPdf([['A page with a real text layer here']])),
      [0],
    );
    const [scanPage] = await mixed.copyPages(
      await PDFDocument.load(await scannedPdf([['Scanned page']])),
      [0],
    );
    mixed.addPage(scanPage!);
    mixed.addPage(textPage!);
    const progress: number[] = [];
    const result = await createPdfTextOcr({ fallback: backend }).recognize({
      bytes: await mixed.save(),
      contentType: 'application/pdf',
      languages: ['de'],
      onProgress: (f) => progress.push(f),
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.contentType).toBe('image/png');
    expect(calls[0]?.languages).toEqual(['de']);
    expect(sniffContentType(calls[0]!.bytes)).toBe('image/png');
    const { width, height } = await sharp(calls[0]!.bytes).metadata();
    expect(width).toBeCloseTo((595 * 200) / 72, -1); // rasterised at 200 dpi
    expect(height).toBeCloseTo((842 * 200) / 72, -1);
    expect(result.provider).toBe('pdf-text+recorder');
    expect(result.pages).toEqual([
      { pageNumber: 1, text: 'ocr of call 1', confidence: 0.9 },
      {
        pageNumber: 2,
        text: 'A page with a real text layer here',
        // Where the fixture draws it on the A4 page, in thousandths from the top-left corner.
        lines: [{ text: 'A page with a real text layer here', x: 84, y: 59, width: 295, height: 14 }],
      },
    ]);
    expect(result.fields?.total).toBe(1);
    expect(progress).toEqual([0.5, 0.75, 1]);
  });

  it('hands a fully scanned PDF to a PDF-capable provider in one piece', async () => {
    const { backend, calls } = recordingBackend(true);
    const bytes = await scannedPdf([['one'], ['two']]);
    const result = await createPdfTextOcr({ fallback: backend }).recognize({
      bytes,
      contentType: 'application/pdf',
      blobKey: 'tenants/t/documents/d/original',
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.contentType).toBe('application/pdf');
    expect(calls[0]?.bytes).toBe(bytes);
    expect(calls[0]?.blobKey).toBe('tenants/t/documents/d/original');
    expect(result.provider).toBe('recorder');
  });

  it('rasterises every scanned page for an image-only provider and merges their fields', async () => {
    const { backend, calls } = recordingBackend(false);
    const result = await createPdfTextOcr({ fallback: backend }).recognize({
      bytes: await scannedPdf([['one'], ['two']]),
      contentType: 'application/pdf',
    });
    expect(calls.map((c) => c.contentType)).toEqual(['image/png', 'image/png']);
    expect(result.provider).toBe('recorder');
    expect(result.fields?.total).toBe(2); // page 2 was surer (0.7 > 0.6)
  });

  it('passes images straight to the fallback', async () => {
    const { backend, calls } = recordingBackend(false);
    const bytes = await textImage(['hi']);
    await createPdfTextOcr({ fallback: backend }).recognize({ bytes, contentType: 'image/png' });
    expect(calls[0]?.bytes).toBe(bytes);
  });

  it('fails clearly when OCR is needed but none is configured', async () => {
    const ocr = createPdfTextOcr();
    await expect(
      ocr.recognize({ bytes: await scannedPdf([['x']]), contentType: 'application/pdf' }),
    ).rejects.toMatchObject({
      code: 'ocr_not_configured',
      permanent: true,
    });
    await expect(
      ocr.recognize({ bytes: await textImage(['x']), contentType: 'image/png' }),
    ).rejects.toMatchObject({
      code: 'ocr_not_configured',
    });
  });

  it('refuses hostile PDFs before reading pages', async () => {
    const ocr = createPdfTextOcr({ limits: parseFileLimits({ maxPages: 50 }) });
    await expect(
      ocr.recognize({ bytes: await manyPagePdf(500), contentType: 'application/pdf' }),
    ).rejects.toMatchObject({
      code: 'too_many_pages',
    });
    await expect(
      ocr.recognize({ bytes: encryptedPdf(), contentType: 'application/pdf' }),
    ).rejects.toMatchObject({
      code: 'encrypted_pdf',
    });
  });
});
