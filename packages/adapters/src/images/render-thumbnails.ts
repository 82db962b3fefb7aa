import type { DocumentContentType } from '@paperlane/core';
import { encode } from 'blurhash';
import sharp, { type Sharp } from 'sharp';
import { assertFileSize, DEFAULT_FILE_LIMITS, type FileLimits } from '../files/file-limits';
import { imageError } from '../files/image-errors';
import { inspectImage } from '../files/inspect-file';
import { openPdf } from '../files/pdf-document';
import { renderPdfPage } from '../files/render-pdf-page';
import { parseThumbnailConfig, type ThumbnailConfig, type ThumbnailConfigInput } from './thumbnail-config';

// The settings live apart so configuration can be parsed without loading sharp.
export {
  parseThumbnailConfig,
  type ThumbnailConfig,
  type ThumbnailConfigInput,
  thumbnailConfigSchema,
} from './thumbnail-config';

export interface Thumbnail {
  /** The width asked for; the key to store it under (`blobKeys.thumbnail`). */
  requestedWidth: number;
  /** Actual size: never larger than the original. */
  width: number;
  height: number;
  contentType: 'image/webp';
  bytes: Uint8Array;
}

export interface ThumbnailSet {
  /** Images: pixels as displayed (after EXIF rotation). PDFs: the first page in points. */
  original: { width: number; height: number; pageCount?: number };
  /** In the order of `widths`. */
  thumbnails: Thumbnail[];
  /** Of the smallest thumbnail (sampled at 32 px wide, which holds every component it encodes). */
  blurhash: string;
}

interface Decoded {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

const run = <T>(work: Promise<T>): Promise<T> =>
  work.catch((error: unknown) => {
    throw imageError(error);
  });

/** Decodes once, already shrunk to the largest thumbnail: one decode serves every size. */
async function decodeImage(bytes: Uint8Array, maxWidth: number, limits: FileLimits, config: ThumbnailConfig) {
  const original = await inspectImage(bytes, limits);
  const decoded = await run(
    sharp(bytes, { limitInputPixels: limits.maxInputPixels, failOn: config.failOn })
      .rotate()
      .resize({
        width: maxWidth,
        height: maxWidth * config.maxAspect,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true }),
  );
  return { original: { width: original.width, height: original.height }, decoded: decoded as Decoded };
}

async function decodePdf(bytes: Uint8Array, maxWidth: number, limits: FileLimits) {
  const pdf = await openPdf(bytes, { limits });
  try {
    const page = await renderPdfPage(await pdf.page(1), {
      dpi: 300,
      maxWidth,
      maxPixels: Math.min(limits.maxInputPixels, maxWidth * maxWidth * 4),
    });
    return {
      original: {
        width: Math.round(page.pageWidthPt),
        height: Math.round(page.pageHeightPt),
        pageCount: pdf.pageCount,
      },
      decoded: {
        data: Buffer.from(page.rgba()),
        info: { width: page.width, height: page.height, channels: 4 },
      } satisfies Decoded,
    };
  } finally {
    await pdf.close();
  }
}

/** Width the blurhash is computed at (see below). */
const BLURHASH_SAMPLE_WIDTH = 32;

function blurhashComponents(width: number, height: number): [number, number] {
  return width >= height ? [4, 3] : [3, 4];
}

/**
 * WebP thumbnails at each configured width (150/300/600 by default), made in
 * parallel from one decode of the input: aspect kept, never enlarged, EXIF
 * orientation applied, plus a blurhash of the smallest and the original size.
 * PDFs render their first page. Hostile input fails fast and permanently:
 * `empty_file`, `file_too_large`, `pixel_limit_exceeded` (from the header, before
 * any decoding), `corrupt_file`, `encrypted_pdf`.
 *
 * @example
 * const set = await renderThumbnails(bytes, 'image/jpeg', limits);
 * for (const t of set.thumbnails) await blobs.put(blobKeys.thumbnail(tenant, doc, t.requestedWidth), t.bytes,
 *   { contentType: t.contentType });
 */
export async function renderThumbnails(
  bytes: Uint8Array,
  contentType: DocumentContentType,
  limits: FileLimits = DEFAULT_FILE_LIMITS,
  options: ThumbnailConfigInput = {},
): Promise<ThumbnailSet> {
  const config = parseThumbnailConfig(options);
  assertFileSize(bytes, limits);
  const maxWidth = Math.max(...config.widths);
  const { original, decoded } =
    contentType === 'application/pdf'
      ? await decodePdf(bytes, maxWidth, limits)
      : await decodeImage(bytes, maxWidth, limits, config);

  const source = (): Sharp => sharp(decoded.data, { raw: decoded.info });
  const fit = (width: number) =>
    ({ width, height: width * config.maxAspect, fit: 'inside', withoutEnlargement: true }) as const;
  const smallest = Math.min(...config.widths);

  const [thumbnails, hash] = await Promise.all([
    Promise.all(
      config.widths.map(async (requestedWidth): Promise<Thumbnail> => {
        const { data, info } = await run(
          source()
            .resize(fit(requestedWidth))
            .webp({ quality: config.quality })
            .toBuffer({ resolveWithObject: true }),
        );
        return {
          requestedWidth,
          width: info.width,
          height: info.height,
          contentType: 'image/webp',
          bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        };
      }),
    ),
    // A blurhash is a handful of cosine components: 32 px of the smallest thumbnail carry all
    // of them, and encoding the full 150 px costs ~40× the CPU (JS, per pixel and component).
    run(
      source()
        .resize(fit(Math.min(smallest, BLURHASH_SAMPLE_WIDTH)))
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true }),
    ).then(({ data, info }) => {
      const [x, y] = blurhashComponents(info.width, info.height);
      return encode(
        new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength),
        info.width,
        info.height,
        x,
        y,
      );
    }),
  ]);
  return { original, thumbnails, blurhash: hash };
}
