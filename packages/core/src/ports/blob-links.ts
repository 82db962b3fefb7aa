/** The longest life a file link may be given, in seconds; links default to 300. */
export const MAX_FILE_LINK_SECONDS = 3600;

/** What a link may serve: a document's original file or one of its rendered thumbnails. */
export type BlobLinkKind = 'original' | 'thumbnail';

/**
 * One file a short-lived link lets anyone holding it read, with no other credential.
 * Every field is part of what the link is signed over, so none can be changed.
 */
export interface BlobLinkTarget {
  tenantId: string;
  documentId: string;
  /** The blob key (from `blobKeys`, built from the caller's tenant). */
  key: string;
  kind: BlobLinkKind;
  /** The rendered width, for a thumbnail. */
  width?: number;
  /** What the response says the bytes are (the type stored with the document, or `image/webp`). */
  contentType: string;
  /** Set: served as a download under this name (`Content-Disposition: attachment`). */
  fileName?: string;
}

export interface BlobLink {
  url: string;
  expiresAt: string;
}

/**
 * Signs short-lived links to stored files, so a browser can show a thumbnail in an
 * `<img>` or download an original without an `Authorization` header. Locally an
 * HMAC token served by the API (`/files/{token}`); on AWS an S3 presigned GET, so the
 * bytes never pass through the API function.
 *
 * @example
 * const link = await links.sign(
 *   { tenantId, documentId, key: blobKeys.original(tenantId, documentId), kind: 'original', contentType: 'application/pdf', fileName: 'a.pdf' },
 *   { expiresInSeconds: 300 },
 * );
 * // link.url → '/files/eyJ…' or 'https://bucket.s3…?X-Amz-Signature=…'
 */
export interface BlobLinkSigner {
  sign(target: BlobLinkTarget, options: { expiresInSeconds: number }): Promise<BlobLink>;
}

/** A verified file token: the file it names and when it stops working. */
export interface FileLinkClaims extends BlobLinkTarget {
  expiresAt: Date;
}

/** The answer to a `/files/{token}` token: its claims, or why it is refused (answered 403). */
export type FileTokenCheck =
  | { ok: true; claims: FileLinkClaims }
  | { ok: false; code: 'invalid_file_token' | 'file_link_expired' };

/**
 * Checks the tokens of links this server signed itself (the HMAC links served at
 * `/files/{token}`). Never throws.
 *
 * @example
 * const check = verifier.verify(token);
 * if (!check.ok) return c.json({ error: { code: check.code, message: '…' } }, 403);
 */
export interface FileTokenVerifier {
  verify(token: string): FileTokenCheck;
}
