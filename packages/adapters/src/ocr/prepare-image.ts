import sharp from 'sharp';
import type { FileLimits } from '../files/file-limits';
import { imageError } from '../files/image-errors';

/** How the text sits on the page, which decides how tesseract segments it. */
export type PageLayout = 'receipt' | 'page';

export interface PrepareImageOptions {
  limits: FileLimits;
  /** Pixel budget of the prepared image (upscaling stops there). Default the smaller of 16 M and `limits.maxInputPixels`. */
  maxPixels?: number;
  /**
   * Images narrower than this are upscaled to it: thermal receipts scanned at 72 dpi print
   * their text a few pixels high, below the size tesseract reads best. Default 0 (never).
   */
  minWidth?: number;
  /** Stretch the grey levels to the full range (faded thermal print). Default false. */
  normalise?: boolean;
  /** Straighten text lines tilted by up to {@link MAX_SKEW_DEGREES}. Default true. */
  deskew?: boolean;
}

export interface PreparedImage {
  /** Greyscale PNG for tesseract. */
  png: Uint8Array;
  width: number;
  height: number;
  layout: PageLayout;
  /** Degrees the image was turned to level its lines (0 when it was straight). */
  rotated: number;
}

/** Receipts are narrow single columns: at least this many times taller than wide (A4 is 1.41). */
const RECEIPT_ASPECT = 1.6;
/** Tilts beyond this are not a skewed scan but a rotated photo, which deskew does not handle. */
export const MAX_SKEW_DEGREES = 5;
const SKEW_STEP = 0.25;
/**
 * Below this tilt, turning the image costs more than it gains: tesseract finds slightly tilted
 * lines itself, and resampling blurs small thermal print. Measured on the SROIE receipts:
 * levelling the 20 tilted by 0.5–1.5° turned about ten correct fields wrong (digits misread).
 */
const MIN_CORRECTION = 2;
/** Width of the thumbnail the skew is measured on: enough for lines, cheap to scan. */
const SKEW_SAMPLE_WIDTH = 500;

/** `receipt` for tall narrow images (one column of short lines), `page` otherwise. */
export function layoutOf(width: number, height: number): PageLayout {
  return width > 0 && height / width >= RECEIPT_ASPECT ? 'receipt' : 'page';
}

/**
 * The tilt of text lines in a greyscale raster, in degrees (positive: lines rise to the right),
 * found by projection: sheared onto the y axis at the right angle, dark pixels pile up in few
 * rows (the lines) with empty rows between, which maximises the sum of squared row counts.
 * Searches ±{@link MAX_SKEW_DEGREES}; 0 when the raster has too little ink to tell.
 *
 * @example
 * estimateSkew(pixels, 500, 800) // 1.25
 */
export function estimateSkew(pixels: Uint8Array, width: number, height: number): number {
  if (width <= 0 || height <= 0 || pixels.length < width * height) return 0;
  // Dark pixels against the page's own mean: thermal paper is rarely white.
  let sum = 0;
  for (let i = 0; i < width * height; i += 1) sum += pixels[i] ?? 0;
  const threshold = Math.min(160, (sum / (width * height)) * 0.75);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if ((pixels[y * width + x] ?? 255) < threshold) {
        xs.push(x - width / 2);
        ys.push(y);
      }
    }
  }
  if (xs.length < 200) return 0;
  const rows = new Float64Array(height * 2 + 2);
  const energy = (degrees: number) => {
    const slope = Math.tan((degrees * Math.PI) / 180);
    rows.fill(0);
    for (let i = 0; i < xs.length; i += 1) {
      const row = Math.round((ys[i] ?? 0) + (xs[i] ?? 0) * slope + height / 2);
      if (row >= 0 && row < rows.length) rows[row] = (rows[row] ?? 0) + 1;
    }
    let total = 0;
    for (const count of rows) total += count * count;
    return total;
  };
  let best = 0;
  let bestEnergy = energy(0);
  for (let degrees = -MAX_SKEW_DEGREES; degrees <= MAX_SKEW_DEGREES + 1e-9; degrees += SKEW_STEP) {
    const value = energy(degrees);
    // Ties keep the smaller correction: a straight page must not be turned for nothing.
    if (value > bestEnergy * 1.02 || (value > bestEnergy && Math.abs(degrees) < Math.abs(best))) {
      best = degrees;
      bestEnergy = value;
    }
  }
  return Math.round(best * 100) / 100;
}

/**
 * An image made ready for tesseract: turned upright (EXIF), grey, optionally stretched in
 * contrast, upscaled when its text is too small to read well (never past the pixel budget),
 * and levelled when its lines are tilted. Its layout (`receipt` or `page`) tells the caller
 * which page segmentation to use. Throws the coded image errors for files sharp cannot read.
 *
 * @example
 * const prepared = await prepareImageForOcr(jpegBytes, { limits: DEFAULT_FILE_LIMITS, minWidth: 1200 });
 * prepared.layout; // 'receipt'
 */
export async function prepareImageForOcr(
  bytes: Uint8Array,
  options: PrepareImageOptions,
): Promise<PreparedImage> {
  const { limits } = options;
  const maxPixels = Math.max(1, options.maxPixels ?? Math.min(16_000_000, limits.maxInputPixels));
  const raw = (data: Buffer, width: number, height: number) =>
    sharp(data, { raw: { width, height, channels: 1 }, limitInputPixels: limits.maxInputPixels });
  try {
    let { data, info } = await sharp(bytes, { limitInputPixels: limits.maxInputPixels, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    let rotated = 0;
    if (options.deskew !== false) {
      const sample = await raw(data, info.width, info.height)
        .resize({ width: Math.min(info.width, SKEW_SAMPLE_WIDTH) })
        // sharp hands single-channel input on as sRGB unless told otherwise.
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const skew = estimateSkew(new Uint8Array(sample.data), sample.info.width, sample.info.height);
      // A best angle at the edge of the search is a page turned further than deskew handles.
      if (Math.abs(skew) >= MIN_CORRECTION && Math.abs(skew) < MAX_SKEW_DEGREES) {
        // sharp turns clockwise for positive angles; lines rising to the right need exactly that.
        ({ data, info } = await raw(data, info.width, info.height)
          .rotate(skew, { background: '#ffffff' })
          .toColourspace('b-w')
          .raw()
          .toBuffer({ resolveWithObject: true }));
        rotated = skew;
      }
    }
    let image = raw(data, info.width, info.height);
    const wanted = options.minWidth && info.width < options.minWidth ? options.minWidth / info.width : 1;
    const budget = Math.sqrt(maxPixels / Math.max(1, info.width * info.height));
    const scale = Math.max(1, Math.min(wanted, budget));
    if (scale > 1) image = image.resize({ width: Math.round(info.width * scale), kernel: 'lanczos3' });
    if (options.normalise) image = image.normalise();
    const png = await image
      .toColourspace('b-w')
      .png({ compressionLevel: 1 })
      .toBuffer({ resolveWithObject: true });
    return {
      png: new Uint8Array(png.data),
      width: png.info.width,
      height: png.info.height,
      layout: layoutOf(png.info.width, png.info.height),
      rotated,
    };
  } catch (error) {
    throw imageError(error);
  }
}
