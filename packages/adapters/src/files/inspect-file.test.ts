import { describe, expect, it } from 'vitest';
import { parseFileLimits } from './file-limits';
import { inspectFile } from './inspect-file';
import { openPdf } from './pdf-document';
import {
  encryptedPdf,
  manyPagePdf,
  notDocuments,
  plainImage,
  pngDeclaring,
  textPdf,
} from './test-support/hostile-files';

const limits = parseFileLimits({ maxBytes: 5_000_000, maxPages: 100, maxInputPixels: 40_000_000 });

describe('inspectFile', () => {
  it('reports page counts of PDFs', async () => {
    const pdf = await textPdf([['one'], ['two'], ['three']]);
    expect(await inspectFile(pdf, limits)).toEqual({
      contentType: 'application/pdf',
      sizeBytes: pdf.byteLength,
      pageCount: 3,
    });
  });

  it('reports displayed dimensions of images, after EXIF rotation', async () => {
    const info = await inspectFile(await plainImage(40, 20, { orientation: 6 }), limits);
    expect(info.contentType).toBe('image/jpeg');
    expect(info.image).toEqual({ width: 20, height: 40, orientation: 6 });
  });

  it('refuses a 500-page PDF by its page count', async () => {
    await expect(inspectFile(await manyPagePdf(500), limits)).rejects.toMatchObject({
      code: 'too_many_pages',
    });
  });

  it('refuses a password-protected PDF', async () => {
    await expect(inspectFile(encryptedPdf(), limits)).rejects.toMatchObject({
      code: 'encrypted_pdf',
      permanent: true,
    });
  });

  it('refuses a corrupt or truncated PDF', async () => {
    const garbage = new TextEncoder().encode(`%PDF-1.7\n${'x'.repeat(200)}`);
    await expect(inspectFile(garbage, limits)).rejects.toMatchObject({ code: 'corrupt_file' });
    const valid = await textPdf([['hello']]);
    const truncated = valid.subarray(0, 40);
    await expect(inspectFile(truncated, limits)).rejects.toMatchObject({ code: 'corrupt_file' });
  });

  it('refuses a pixel bomb from its header', async () => {
    const bomb = pngDeclaring(20_000, 20_000);
    expect(bomb.byteLength).toBeLessThan(1000);
    await expect(inspectFile(bomb, limits)).rejects.toMatchObject({ code: 'pixel_limit_exceeded' });
  });

  it('refuses HTML and ZIP files renamed to .pdf, and empty or oversized files', async () => {
    await expect(inspectFile(notDocuments.html, limits)).rejects.toMatchObject({
      code: 'unsupported_file_type',
    });
    await expect(inspectFile(notDocuments.zip, limits)).rejects.toMatchObject({
      code: 'unsupported_file_type',
    });
    await expect(inspectFile(new Uint8Array(), limits)).rejects.toMatchObject({ code: 'empty_file' });
    const big = new Uint8Array(limits.maxBytes + 1);
    big.set(new TextEncoder().encode('%PDF-1.7'));
    await expect(inspectFile(big, limits)).rejects.toMatchObject({ code: 'file_too_large' });
  });
});

describe('openPdf', () => {
  it('aborts with AbortedError when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(openPdf(await textPdf([['x']]), { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortedError',
    });
  });

  it('leaves the caller’s bytes intact', async () => {
    const bytes = await textPdf([['x']]);
    const copy = bytes.slice();
    const pdf = await openPdf(bytes);
    await pdf.close();
    expect(bytes).toEqual(copy);
  });
});
