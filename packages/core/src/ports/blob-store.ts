export interface BlobInfo {
  sizeBytes: number;
  contentType?: string;
}

export interface PresignedUpload {
  url: string;
  /** Form fields to send with the file (S3 presigned POST). */
  fields: Record<string, string>;
  expiresAt: string;
}

/** Files (S3 on AWS, a local folder in the embedded runtime). Keys come from {@link blobKeys}. */
export interface BlobStore {
  put(
    key: string,
    body: Uint8Array,
    options: { contentType: string; metadata?: Record<string, string> },
  ): Promise<void>;
  /**
   * The object's bytes, or undefined when it does not exist. Refuses (ValidationError
   * code `file_too_large`) past `maxBytes` without reading the rest.
   */
  get(key: string, options?: { maxBytes?: number; signal?: AbortSignal }): Promise<Uint8Array | undefined>;
  head(key: string): Promise<BlobInfo | undefined>;
  delete(key: string): Promise<void>;
  /** Direct browser upload with a size range; absent where the store cannot (local folder). */
  presignUpload?(
    key: string,
    options: { contentType: string; maxBytes: number; expiresSeconds: number },
  ): Promise<PresignedUpload>;
}

/** Tenant-scoped blob keys: every key starts with the tenant, so no path reaches another tenant's files. */
export const blobKeys = {
  original: (tenantId: string, documentId: string) => `tenants/${tenantId}/documents/${documentId}/original`,
  thumbnail: (tenantId: string, documentId: string, width: number) =>
    `tenants/${tenantId}/documents/${documentId}/thumbnail-${width}.webp`,
  ocrText: (tenantId: string, documentId: string) => `tenants/${tenantId}/documents/${documentId}/ocr.txt`,
};
