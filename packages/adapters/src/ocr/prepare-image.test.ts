import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILE_LIMITS, parseFileLimits } from '../files/file-limits';
import { corruptJpeg, pngDeclaring, textImage, truncatedJpeg } from '../files/test-support/hostile-files';
import { estimateSkew, layoutOf, prepareImageForOcr } from './prepare-image';

const RECEIPT = [
  'GARDENIA BAKERIES (KL) SDN BHD',
  'LOT 3 JALAN PELABUR 23/1',
  'TOTAL SALES INCL GST    39.90',
  'CASH 50.00  CHANGE 10.10',
  'THANK YOU PLEASE COME AGAIN',
];

/** Raw grey pixels of an image, as the skew estimate reads them. */
async function greyPixels(image: Uint8Array | Buffer) {
  const { data, info } = await sharp(image)
    .flatten({ background: '#fff' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({
      resolveWithObject: true,
    });
  return { pixels: new Uint8Array(data), width: info.width, height: info.height };
}

const tilted = async (degrees: number) =>
  sharp(await textImage(RECEIPT, { width: 700 }))
    .rotate(degrees, { background: '#ffffff' })
    .png()
    .toBuffer();

describe('skew estimate on real pixels', () => {
  it('finds the tilt of rendered text lines, either way, and none on a level page', async () => {
    for (const degrees of [0, 3, -2, 1.5]) {
      const { pixels, width, height } = await greyPixels(await tilted(degrees));
      // sharp turns clockwise, so lines then fall to the right: a negative tilt.
      expect(estimateSkew(pixels, width, height)).toBeCloseTo(-degrees, 0);
    }
  });

  it('returns 0 for blank, tiny, short or inconsistent rasters', () => {
    expect(estimateSkew(new Uint8Array(400 * 300).fill(255), 400, 300)).toBe(0);
    expect(estimateSkew(new Uint8Array(0), 0, 0)).toBe(0);
    expect(estimateSkew(new Uint8Array(10), 100, 100)).toBe(0);
    // Pure noise has no lines to level.
    const noise = new Uint8Array(300 * 300).map((_, i) => ((i * 2654435761) >>> 24) & 0xff);
    expect(Math.abs(estimateSkew(noise, 300, 300))).toBeLessThanOrEqual(5);
  });
});

describe('prepareImageForOcr', () => {
  it('levels a tilted scan and hands tesseract a grey PNG', async () => {
    const prepared = await prepareImageForOcr(await tilted(3), { limits: DEFAULT_FILE_LIMITS });
    expect(prepared.rotated).toBeCloseTo(-3, 0);
    const meta = await sharp(prepared.png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.channels).toBe(1);
    const { pixels, width, height } = await greyPixels(prepared.png);
    expect(Math.abs(estimateSkew(pixels, width, height))).toBeLessThan(0.5);
  });

  it('leaves a level page unturned, and can be told not to deskew', async () => {
    const level = await prepareImageForOcr(await textImage(RECEIPT), { limits: DEFAULT_FILE_LIMITS });
    expect(level.rotated).toBe(0);
    const kept = await prepareImageForOcr(await tilted(3), { limits: DEFAULT_FILE_LIMITS, deskew: false });
    expect(kept.rotated).toBe(0);
    // A slight tilt is tesseract's to handle: resampling would only blur the print.
    const slight = await prepareImageForOcr(await tilted(1), { limits: DEFAULT_FILE_LIMITS });
    expect(slight.rotated).toBe(0);
  });

  it('upscales narrow images to the width asked, never past the pixel budget', async () => {
    const small = await textImage(RECEIPT, { width: 400, fontSize: 14 });
    const up = await prepareImageForOcr(small, {
      limits: DEFAULT_FILE_LIMITS,
      minWidth: 1000,
      deskew: false,
    });
    expect(up.width).toBe(1000);
    const capped = await prepareImageForOcr(small, {
      limits: DEFAULT_FILE_LIMITS,
      minWidth: 4000,
      maxPixels: 400 * 200 * 4,
      deskew: false,
    });
    expect(capped.width * capped.height).toBeLessThanOrEqual(400 * 200 * 4 * 1.01);
    expect(capped.width).toBeGreaterThan(400);
    // Wide enough already: left as it is.
    const wide = await prepareImageForOcr(small, {
      limits: DEFAULT_FILE_LIMITS,
      minWidth: 300,
      deskew: false,
    });
    expect(wide.width).toBe(400);
  });

  it('stretches faded print to the full grey range when asked', async () => {
    const faded = await sharp(await textImage(RECEIPT))
      .linear(0.3, 150)
      .png()
      .toBuffer();
    const before = await sharp(faded).stats();
    const after = await sharp(
      (await prepareImageForOcr(faded, { limits: DEFAULT_FILE_LIMITS, normalise: true })).png,
    ).stats();
    expect(before.channels[0]?.min).toBeGreaterThan(100);
    expect(after.channels[0]?.min).toBeLessThan(30);
  });

  it('refuses images over the pixel limit and corrupt files with coded errors', async () => {
    const limits = parseFileLimits({ maxInputPixels: 10_000 });
    await expect(prepareImageForOcr(pngDeclaring(200, 200), { limits })).rejects.toMatchObject({
      code: 'pixel_limit_exceeded',
    });
    await expect(
      prepareImageForOcr(await truncatedJpeg(), { limits: DEFAULT_FILE_LIMITS }),
    ).rejects.toMatchObject({
      code: 'corrupt_file',
    });
    await expect(
      prepareImageForOcr(await corruptJpeg(), { limits: DEFAULT_FILE_LIMITS }),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/corrupt_file|unsupported_file_type/),
    });
    await expect(
      prepareImageForOcr(new Uint8Array(0), { limits: DEFAULT_FILE_LIMITS }),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/corrupt_file|unsupported_file_type/),
    });
  });

  it('calls tall narrow images receipts and page-shaped ones pages', () => {
    expect(layoutOf(463, 1013)).toBe('receipt');
    expect(layoutOf(1240, 1754)).toBe('page');
    expect(layoutOf(0, 0)).toBe('page');
  });
});
