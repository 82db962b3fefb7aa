import { ConfigError } from '@paperlane/core';
import { decode, isBlurhashValid } from 'blurhash';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffContentType } from '../files/content-type';
import { parseFileLimits } from '../files/file-limits';
import {
  corruptJpeg,
  encryptedPdf,
  notDocuments,
  plainImage,
  pngDeclaring,
  textPdf,
  truncatedJpeg,
} from '../files/test-support/hostile-files';
import { parseThumbnailConfig, renderThumbnails } from './render-thumbnails';

const limits = parseFileLimits({ maxInputPixels: 40_000_000 });
const sizes = (set: Awaited<ReturnType<typeof renderThumbnails>>) =>
  set.thumbnails.map((t) => [t.requestedWidth, t.width, t.height]);

describe('renderThumbnails', () => {
  it('makes WebP thumbnails at 150/300/600 with the aspect kept, a blurhash, and the original size', async () => {
    const set = await renderThumbnails(await plainImage(1200, 800, { format: 'jpeg' }), 'image/jpeg', limits);
    expect(set.original).toEqual({ width: 1200, height: 800 });
    expect(sizes(set)).toEqual([
      [150, 150, 100],
      [300, 300, 200],
      [600, 600, 400],
    ]);
    for (const thumbnail of set.thumbnails) {
      expect(sniffContentType(thumbnail.bytes)).toBe('image/webp');
      const meta = await sharp(thumbnail.bytes).metadata();
      expect([meta.width, meta.height]).toEqual([thumbnail.width, thumbnail.height]);
    }
    expect(isBlurhashValid(set.blurhash).result).toBe(true);
  });

  it('makes a blurhash that keeps where the colours are', async () => {
    // Left half red, right half blue.
    const red = { r: 220, g: 30, b: 30 };
    const halves = await sharp({
      create: { width: 800, height: 600, channels: 3, background: { r: 30, g: 30, b: 220 } },
    })
      .composite([
        { input: { create: { width: 400, height: 600, channels: 3, background: red } }, left: 0, top: 0 },
      ])
      .png()
      .toBuffer();
    const set = await renderThumbnails(new Uint8Array(halves), 'image/png', limits);
    const pixels = decode(set.blurhash, 16, 12);
    const at = (x: number, y: number) => Array.from(pixels.subarray((y * 16 + x) * 4, (y * 16 + x) * 4 + 3));
    const [lr, , lb] = at(2, 6);
    const [rr, , rb] = at(13, 6);
    expect(lr).toBeGreaterThan(lb! + 60);
    expect(rb).toBeGreaterThan(rr! + 60);
  });

  it('never enlarges a small original', async () => {
    const set = await renderThumbnails(await plainImage(200, 100), 'image/png', limits);
    expect(sizes(set)).toEqual([
      [150, 150, 75],
      [300, 200, 100],
      [600, 200, 100],
    ]);
  });

  it('applies the EXIF orientation before sizing', async () => {
    const set = await renderThumbnails(await plainImage(400, 200, { orientation: 6 }), 'image/jpeg', limits);
    expect(set.original).toEqual({ width: 200, height: 400 });
    expect(sizes(set)[0]).toEqual([150, 150, 300]);
  });

  it('bounds very tall images to the configured aspect', async () => {
    const set = await renderThumbnails(await plainImage(100, 5000), 'image/png', limits, { widths: [150] });
    expect(sizes(set)).toEqual([[150, 24, 1200]]); // 150 wide × 8 = 1200 tall at most
  });

  it('renders the first page of a PDF', async () => {
    const set = await renderThumbnails(await textPdf([['Invoice'], ['Page 2']]), 'application/pdf', limits);
    expect(set.original).toEqual({ width: 595, height: 842, pageCount: 2 });
    for (const thumbnail of set.thumbnails) {
      expect(thumbnail.width).toBe(thumbnail.requestedWidth);
      expect(Math.abs(thumbnail.height - (thumbnail.width * 842) / 595)).toBeLessThanOrEqual(1);
    }
    // White paper with some dark text on it, not a blank or transparent canvas.
    const stats = await sharp(set.thumbnails[2]!.bytes).stats();
    expect(stats.channels[0]?.max).toBe(255);
    expect(stats.channels[0]?.min).toBeLessThan(100);
  });

  it('refuses a pixel bomb from its header, before decoding', async () => {
    await expect(renderThumbnails(pngDeclaring(20_000, 20_000), 'image/png', limits)).rejects.toMatchObject({
      code: 'pixel_limit_exceeded',
      permanent: true,
    });
  });

  it('refuses corrupt and truncated images, unless failOn says otherwise', async () => {
    await expect(renderThumbnails(await truncatedJpeg(), 'image/jpeg', limits)).rejects.toMatchObject({
      code: 'corrupt_file',
    });
    await expect(renderThumbnails(await corruptJpeg(), 'image/jpeg', limits)).rejects.toMatchObject({
      code: 'corrupt_file',
    });
    const lenient = await renderThumbnails(await truncatedJpeg(), 'image/jpeg', limits, { failOn: 'none' });
    expect(lenient.thumbnails).toHaveLength(3);
  });

  it('refuses empty files, encrypted PDFs, and bytes that are not the claimed type', async () => {
    await expect(renderThumbnails(new Uint8Array(), 'image/png', limits)).rejects.toMatchObject({
      code: 'empty_file',
    });
    await expect(renderThumbnails(encryptedPdf(), 'application/pdf', limits)).rejects.toMatchObject({
      code: 'encrypted_pdf',
    });
    await expect(renderThumbnails(notDocuments.html, 'image/png', limits)).rejects.toMatchObject({
      code: 'unsupported_file_type',
    });
  });

  it('validates its configuration', () => {
    expect(() => parseThumbnailConfig({ widths: [] })).toThrow(ConfigError);
    expect(() => parseThumbnailConfig({ failOn: 'sometimes' as never })).toThrow(/failOn/);
  });
});
