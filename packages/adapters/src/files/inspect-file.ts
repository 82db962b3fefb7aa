import type { DocumentContentType } from '@paperlane/core';
import sharp, { type Metadata } from 'sharp';
import { sniffContentType } from './content-type';
import { assertFileSize, assertPixelLimit, DEFAULT_FILE_LIMITS, type FileLimits } from './file-limits';
import { imageError } from './image-errors';
import { inspectPdf } from './pdf-document';

export interface ImageInfo {
  /** As displayed: EXIF orientations 5-8 swap the stored width and height. */
  width: number;
  height: number;
  /** EXIF orientation 1-8, when present. */
  orientation?: number;
}

export interface FileInfo {
  contentType: DocumentContentType;
  sizeBytes: number;
  /** PDFs only. */
  pageCount?: number;
  /** Images only. */
  image?: ImageInfo;
}

/**
 * An image's dimensions from its header alone (nothing is decoded), refused with
 * `pixel_limit_exceeded` past `maxInputPixels`. This is what stops a pixel bomb.
 *
 * @example
 * const { width, height } = await inspectImage(bytes, limits);
 */
export async function inspectImage(
  bytes: Uint8Array,
  limits: Pick<FileLimits, 'maxInputPixels'> = DEFAULT_FILE_LIMITS,
): Promise<ImageInfo> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { failOn: 'none', limitInputPixels: false }).metadata();
  } catch (error) {
    throw imageError(error);
  }
  const { width, height, orientation } = meta;
  if (!width || !height) throw imageError(new Error('the image header declares no size'));
  assertPixelLimit(width, height, limits);
  const swapped = orientation !== undefined && orientation >= 5;
  return {
    width: swapped ? height : width,
    height: swapped ? width : height,
    ...(orientation !== undefined ? { orientation } : {}),
  };
}

/**
 * Every check a document gets before a job spends time on it: size, type by
 * content, then page count (PDF: encryption, corruption, page cap) or declared
 * pixels (images). Throws ValidationError with the failing check's `code`.
 *
 * @example
 * const info = await inspectFile(bytes, parseFileLimits({ maxPages: 50 }));
 * if (info.contentType === 'application/pdf') console.log(info.pageCount);
 */
export async function inspectFile(
  bytes: Uint8Array,
  limits: FileLimits = DEFAULT_FILE_LIMITS,
): Promise<FileInfo> {
  assertFileSize(bytes, limits);
  const contentType = sniffContentType(bytes);
  if (contentType === 'application/pdf') {
    const { pageCount } = await inspectPdf(bytes, limits);
    return { contentType, sizeBytes: bytes.byteLength, pageCount };
  }
  return { contentType, sizeBytes: bytes.byteLength, image: await inspectImage(bytes, limits) };
}
