import { createHash, type Hash } from 'node:crypto';

/** A running sha256 over a request body, fed chunk by chunk as the body streams in. */
export interface BodyHasher {
  update(chunk: Uint8Array): void;
  /** The hex digest; call once, after the last chunk. */
  digest(): string;
}

/** What every multipart boundary is hashed as. */
const NEUTRAL_DELIMITER = Buffer.from('--paperlane-fingerprint-boundary');

/** The `boundary` parameter of a multipart Content-Type, if there is one. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * A body hasher. For a multipart body (pass its Content-Type) every `--<boundary>` is
 * hashed as one fixed delimiter: HTTP clients pick a fresh random boundary per
 * request, so without this the retry of an identical upload would look like a
 * different request. Memory stays at one chunk plus the boundary's length.
 *
 * @example
 * const hasher = createBodyHasher(request.headers.get('content-type') ?? undefined);
 * for await (const chunk of body) hasher.update(chunk);
 * hasher.digest(); // 'e3b0c442...'
 */
export function createBodyHasher(contentType?: string): BodyHasher {
  const hash = createHash('sha256');
  const boundary = multipartBoundary(contentType);
  return boundary ? boundaryNeutralHasher(hash, Buffer.from(`--${boundary}`)) : plainHasher(hash);
}

function plainHasher(hash: Hash): BodyHasher {
  return { update: (chunk) => void hash.update(chunk), digest: () => hash.digest('hex') };
}

function boundaryNeutralHasher(hash: Hash, delimiter: Buffer): BodyHasher {
  // Bytes that may be the start of a delimiter split across two chunks.
  let carry = Buffer.alloc(0);
  return {
    update(chunk) {
      const bytes = carry.byteLength > 0 ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      let from = 0;
      for (let at = bytes.indexOf(delimiter, from); at !== -1; at = bytes.indexOf(delimiter, from)) {
        hash.update(bytes.subarray(from, at));
        hash.update(NEUTRAL_DELIMITER);
        from = at + delimiter.byteLength;
      }
      const keep = Math.max(from, bytes.byteLength - (delimiter.byteLength - 1));
      hash.update(bytes.subarray(from, keep));
      carry = Buffer.from(bytes.subarray(keep));
    },
    digest() {
      hash.update(carry);
      return hash.digest('hex');
    },
  };
}

/**
 * The fingerprint an idempotency key is bound to: method, path (with its query) and
 * the body's digest. A key sent again with any of them changed is a different request.
 */
export function requestFingerprint(method: string, pathWithQuery: string, bodyDigest: string): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${pathWithQuery}\n${bodyDigest}`).digest('hex');
}
