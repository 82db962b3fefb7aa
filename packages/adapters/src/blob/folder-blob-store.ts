import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { AbortedError, type BlobInfo, type BlobStore, ValidationError } from '@paperlane/core';
import { z } from 'zod';
import { assertBlobKey } from './blob-key';

export interface FolderBlobStoreOptions {
  /** Folder holding the objects; created on first write. */
  root: string;
}

/** What a `.<name>.meta.json` sidecar holds (validated on read: it is a file on disk). */
const sidecarSchema = z.object({
  contentType: z.string().max(255).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});

const MISSING = new Set(['ENOENT', 'ENOTDIR']);
const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

/**
 * The BlobStore on a local folder, for the embedded runtime. Keys map to paths
 * only after {@link assertBlobKey} (no `..`, no absolute paths, no NUL), and the
 * resolved path must stay under `root`. Writes go to a temporary file renamed
 * into place, so readers see the old object or the new one, never a torn one.
 * Content type and metadata live in a dot-file beside the object (keys cannot
 * start with a dot, so no key can read or overwrite one). Symlinks are not
 * followed when reading. No `presignUpload`: uploads go through the API.
 *
 * @example
 * const blobs = createFolderBlobStore({ root: '.data/blobs' });
 * await blobs.put('tenants/t1/documents/d1/original', bytes, { contentType: 'image/png' });
 */
export function createFolderBlobStore(options: FolderBlobStoreOptions): BlobStore {
  const root = resolve(options.root);

  const paths = (key: string) => {
    assertBlobKey(key);
    const file = join(root, ...key.split('/'));
    // Defence in depth: the key check already rules this out.
    if (!file.startsWith(root + sep)) {
      throw new ValidationError('invalid blob key: escapes the store', { code: 'invalid_blob_key' });
    }
    return { file, sidecar: join(dirname(file), `.${basename(file)}.meta.json`) };
  };

  const writeAtomically = async (target: string, data: Uint8Array | string) => {
    const temp = join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
    try {
      await writeFile(temp, data, { flag: 'wx' });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  };

  return {
    async put(key, body, { contentType, metadata }) {
      const { file, sidecar } = paths(key);
      await mkdir(dirname(file), { recursive: true });
      await writeAtomically(sidecar, JSON.stringify({ contentType, ...(metadata ? { metadata } : {}) }));
      await writeAtomically(file, body);
    },

    async get(key, getOptions = {}) {
      const { file } = paths(key);
      const { maxBytes = Number.POSITIVE_INFINITY, signal } = getOptions;
      if (signal?.aborted) throw new AbortedError('read aborted', { cause: signal.reason });
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch (error) {
        if (MISSING.has(errnoOf(error) ?? '')) return undefined;
        if (errnoOf(error) === 'ELOOP') {
          throw new ValidationError('invalid blob key: a symlink', {
            code: 'invalid_blob_key',
            cause: error,
          });
        }
        throw error;
      }
      try {
        // Size from the open file itself: a concurrent rename cannot change it under us.
        const stats = await handle.stat();
        if (!stats.isFile()) return undefined;
        if (stats.size > maxBytes) {
          throw new ValidationError(`the object is larger than ${maxBytes} bytes`, {
            code: 'file_too_large',
          });
        }
        const out = new Uint8Array(stats.size);
        let offset = 0;
        while (offset < out.length) {
          if (signal?.aborted) throw new AbortedError('read aborted', { cause: signal.reason });
          const { bytesRead } = await handle.read(out, offset, out.length - offset, offset);
          if (bytesRead === 0) break;
          offset += bytesRead;
        }
        return offset === out.length ? out : out.subarray(0, offset);
      } finally {
        await handle.close();
      }
    },

    async head(key): Promise<BlobInfo | undefined> {
      const { file, sidecar } = paths(key);
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch (error) {
        if (MISSING.has(errnoOf(error) ?? '') || errnoOf(error) === 'ELOOP') return undefined;
        throw error;
      }
      const stats = await handle.stat().finally(() => handle.close());
      if (!stats.isFile()) return undefined;
      const meta = await readFile(sidecar, 'utf8')
        .then((text) => sidecarSchema.safeParse(JSON.parse(text)))
        .catch(() => undefined);
      const contentType = meta?.success ? meta.data.contentType : undefined;
      return { sizeBytes: stats.size, ...(contentType ? { contentType } : {}) };
    },

    async delete(key) {
      const { file, sidecar } = paths(key);
      // A key that names a folder (or runs through a file) holds no object: nothing to delete.
      const ignoreNonFiles = (error: unknown) => {
        if (!['EISDIR', 'ERR_FS_EISDIR', 'ENOTDIR'].includes(errnoOf(error) ?? '')) throw error;
      };
      await rm(file, { force: true }).catch(ignoreNonFiles);
      await rm(sidecar, { force: true }).catch(ignoreNonFiles);
    },
  };
}
