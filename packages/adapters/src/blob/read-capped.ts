import { AbortedError, ValidationError } from '@paperlane/core';

/**
 * Reads a byte stream into one array, refusing (`file_too_large`) the moment it
 * passes `maxBytes`: the rest is never read, and `stop` releases the source.
 *
 * @example
 * const bytes = await readCapped(response.Body as AsyncIterable<Uint8Array>, 25e6, () => body.destroy());
 */
export async function readCapped(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
  stop: () => void = () => {},
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of source) {
      if (signal?.aborted) throw new AbortedError('read aborted', { cause: signal.reason });
      total += chunk.byteLength;
      if (total > maxBytes) {
        throw new ValidationError(`the object is larger than ${maxBytes} bytes`, { code: 'file_too_large' });
      }
      chunks.push(chunk);
    }
  } catch (error) {
    stop();
    throw error;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
