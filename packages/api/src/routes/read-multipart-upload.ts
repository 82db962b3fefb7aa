import { once } from 'node:events';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { idSchema } from '@paperlane/core';
import type { IncomingFile } from '@paperlane/jobs';
import type { UploadLimits } from '../deps';
import { HttpError } from '../errors';
import { payloadTooLarge, readBodyChunks } from '../middleware/bounded-body';

export interface MultipartUpload {
  files: IncomingFile[];
  folderId?: string;
  /**
   * The option text parts — scheduling (`priority`, `run_at`, `delay_seconds`) and
   * `reprocess`, `notify_email` — each at most once, unvalidated.
   */
  options: Record<string, string>;
}

/** Room for the parts that are not files (`folder_id`, options) and their headers. */
const FIELD_BYTES = 1024;
const TIMING_FIELDS = new Set(['priority', 'run_at', 'delay_seconds']);
const OPTION_FIELDS = new Set([...TIMING_FIELDS, 'reprocess', 'notify_email']);
const ONLY_KNOWN_FIELDS = 'unknown form field';

/**
 * Reads `files` (repeatable) and an optional `folder_id` from a multipart body as it
 * streams in, and refuses the request the moment a limit is passed — a file over
 * `maxFileBytes` (413 `file_too_large`), one file too many (413 `too_many_files`), the
 * body over `maxRequestBytes` (413 `payload_too_large`), an unknown or malformed
 * part (400) — without reading further. A file is held in memory only up to its
 * limit; nothing is stored here, so a refused request leaves nothing behind. On
 * Lambda the body is already in memory (API Gateway caps it); the code is the same.
 */
export async function readMultipartUpload(request: Request, limits: UploadLimits): Promise<MultipartUpload> {
  let parser: BusboyInstance;
  try {
    parser = Busboy({
      headers: { 'content-type': request.headers.get('content-type') ?? '' },
      limits: {
        fileSize: limits.maxFileBytes,
        files: limits.maxFiles,
        // One more than the known fields, so a repeated one reaches the handler (a coded 400) rather than vanishing.
        fields: OPTION_FIELDS.size + 2,
        fieldSize: FIELD_BYTES,
        parts: limits.maxFiles + OPTION_FIELDS.size + 2,
        headerPairs: 20,
      },
    });
  } catch {
    throw new HttpError(400, 'invalid_multipart', 'the multipart body has no usable boundary');
  }

  let refusal: HttpError | undefined;
  let wake: (() => void) | undefined;
  const refuse = (error: HttpError) => {
    refusal ??= error;
    wake?.();
  };
  const files: IncomingFile[] = [];
  let folderId: string | undefined;
  let folderFields = 0;
  const options: Record<string, string> = {};

  parser.on('file', (field, stream, fileName) => {
    if (field !== 'files') {
      refuse(new HttpError(400, 'unknown_field', ONLY_KNOWN_FIELDS, [field]));
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      if (refusal) return;
      chunks.push(chunk);
      size += chunk.byteLength;
    });
    stream.on('limit', () =>
      refuse(
        new HttpError(
          413,
          'file_too_large',
          `${fileName || 'a file'} is larger than ${limits.maxFileBytes} bytes`,
        ),
      ),
    );
    stream.on('end', () => {
      if (!refusal) files.push({ fileName, bytes: Buffer.concat(chunks, size) });
      chunks.length = 0;
    });
  });
  parser.on('field', (field, value, _nameTruncated, valueTruncated) => {
    if (field === 'files') {
      refuse(new HttpError(400, 'invalid_file', '`files` must be file parts, not text'));
    } else if (OPTION_FIELDS.has(field)) {
      if (field in options || valueTruncated) {
        const code = TIMING_FIELDS.has(field) ? 'invalid_schedule' : 'invalid_upload_option';
        refuse(new HttpError(400, code, `${field} repeated or too long`));
      } else options[field] = value;
    } else if (field !== 'folder_id') {
      refuse(new HttpError(400, 'unknown_field', ONLY_KNOWN_FIELDS, [field]));
    } else if (++folderFields > 1 || valueTruncated || !idSchema.safeParse(value).success) {
      refuse(new HttpError(400, 'invalid_folder_id', '`folder_id` must be one id'));
    } else folderId = value;
  });
  const tooManyFiles = () =>
    refuse(new HttpError(413, 'too_many_files', `at most ${limits.maxFiles} files per upload`));
  parser.on('filesLimit', tooManyFiles);
  parser.on('partsLimit', tooManyFiles);
  parser.on('fieldsLimit', () => refuse(new HttpError(400, 'unknown_field', ONLY_KNOWN_FIELDS)));
  parser.on('error', () =>
    refuse(new HttpError(400, 'invalid_multipart', 'the multipart body could not be parsed')),
  );
  const finished = once(parser, 'finish').then(
    () => undefined,
    () => undefined,
  );

  const tooLarge = () => payloadTooLarge(limits.maxRequestBytes);
  for await (const chunk of readBodyChunks(request, limits.maxRequestBytes, tooLarge)) {
    if (!parser.write(chunk) && !refusal) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        parser.once('drain', resolve);
      });
    }
    if (refusal) throw refusal;
  }
  parser.end();
  await Promise.race([finished, new Promise<void>((resolve) => (wake = resolve))]);
  if (refusal) throw refusal;
  return { files, options, ...(folderId !== undefined ? { folderId } : {}) };
}
