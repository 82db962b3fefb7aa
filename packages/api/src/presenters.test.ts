import type { DocumentRecord } from '@paperlane/store';
import { describe, expect, it } from 'vitest';
import { documentSchema, presentDocument } from './presenters';

const record: DocumentRecord = {
  tenantId: 'acme',
  documentId: 'doc_1',
  fileName: 'invoice.pdf',
  contentType: 'application/pdf',
  sizeBytes: 1234,
  sha256: 'a'.repeat(64),
  blobKey: 'tenants/acme/documents/doc_1/original',
  status: 'processed',
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:01.000Z',
};

describe('presentDocument', () => {
  it('presents what the thumbnail and summary jobs recorded, snake_case, without blob keys', () => {
    const view = presentDocument({
      ...record,
      thumbnails: {
        blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
        original: { width: 612, height: 792 },
        items: [
          {
            requestedWidth: 150,
            width: 150,
            height: 194,
            key: 'tenants/acme/documents/doc_1/thumbnail-150.webp',
          },
          {
            requestedWidth: 600,
            width: 600,
            height: 776,
            key: 'tenants/acme/documents/doc_1/thumbnail-600.webp',
          },
        ],
      },
      summary: {
        summary: 'An invoice from Acme for consulting.',
        enhanced_metadata: { title: 'Invoice', key_entities: ['Acme'], topics: ['billing'], language: 'en' },
        token_count: 42,
        provider: 'extractive',
      },
    });
    expect(view.thumbnails).toEqual({
      blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
      original: { width: 612, height: 792 },
      items: [
        { requested_width: 150, width: 150, height: 194, url: '/api/documents/doc_1/thumbnails/150' },
        { requested_width: 600, width: 600, height: 776, url: '/api/documents/doc_1/thumbnails/600' },
      ],
    });
    expect(view.summary).toMatchObject({ token_count: 42, enhanced_metadata: { key_entities: ['Acme'] } });
    expect(JSON.stringify(view)).not.toContain('tenants/');
    expect(documentSchema.strict().parse(view)).toEqual(view);
  });

  it('leaves both out until the jobs have run', () => {
    const view = presentDocument(record);
    expect('thumbnails' in view || 'summary' in view).toBe(false);
  });
});
