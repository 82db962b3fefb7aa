import type { BlobStore } from '@paperlane/core';
import type { DocumentRecord, InvoiceRecord, ResultSourceStore, Store } from '@paperlane/store';

/** The provider name of a PDF's own text layer: reading it costs no OCR. */
const TEXT_LAYER_PROVIDER = 'pdf-text';

/** What a reuse spared: the OCR pages and LLM tokens the source's reading cost. */
export interface SavedWork {
  ocrPages: number;
  llmTokens: number;
}

/** A finished reading of the same bytes by an earlier document of the same tenant. */
export interface ReusableResult {
  source: InvoiceRecord & { fields: NonNullable<InvoiceRecord['fields']>; textKey: string };
  /** The source's OCR text, copied so this document keeps it when the source is deleted. */
  text: Uint8Array;
  saved: SavedWork;
}

export interface ReuseLookupDeps {
  store: Pick<Store, 'documents' | 'invoices'>;
  sources: ResultSourceStore;
  blobs: BlobStore;
}

/**
 * What a reading cost, as a reuse of it saves: its pages when they were OCR'd (a PDF's
 * text layer is free), and the LLM tokens its extraction recorded.
 *
 * @example savedBy({ ocrProvider: 'textract', pageCount: 3, usage: { promptTokens: 900, completionTokens: 80 } }) // { ocrPages: 3, llmTokens: 980 }
 */
export function savedBy(invoice: Pick<InvoiceRecord, 'ocrProvider' | 'pageCount' | 'usage'>): SavedWork {
  return {
    ocrPages: invoice.ocrProvider === TEXT_LAYER_PROVIDER ? 0 : (invoice.pageCount ?? 0),
    llmTokens: invoice.usage ? invoice.usage.promptTokens + invoice.usage.completionTokens : 0,
  };
}

/**
 * The earlier reading this document may take instead of OCR and extraction, or
 * `undefined` for a full run. The pointer is keyed by tenant and sha256, so another
 * tenant's document is never found; and it is only trusted once the source checks out
 * right now: the source document still exists with the same bytes and is `processed`
 * (not deleted, failed, or being reprocessed — a reprocess sets it `processing`), and
 * its invoice is `processed` with fields and a stored text. A source still being read
 * for the first time has no pointer yet: that upload gets a full run rather than a
 * worker held waiting for another.
 *
 * @example const reusable = await findReusableResult({ store, sources, blobs }, document, { maxFileBytes });
 */
export async function findReusableResult(
  deps: ReuseLookupDeps,
  document: Pick<DocumentRecord, 'tenantId' | 'documentId' | 'sha256'>,
  limits: { maxFileBytes: number },
): Promise<ReusableResult | undefined> {
  const { tenantId } = document;
  const pointer = await deps.sources.find({ tenantId, sha256: document.sha256 });
  if (!pointer || pointer.documentId === document.documentId) return undefined;
  const sourceDocument = await deps.store.documents.get({ tenantId, documentId: pointer.documentId });
  if (sourceDocument?.status !== 'processed' || sourceDocument.sha256 !== document.sha256) return undefined;
  const source = await deps.store.invoices.get({ tenantId, invoiceId: pointer.invoiceId });
  if (
    source?.status !== 'processed' ||
    source.documentId !== pointer.documentId ||
    !source.fields ||
    !source.textKey
  ) {
    return undefined;
  }
  const text = await deps.blobs.get(source.textKey, { maxBytes: limits.maxFileBytes });
  if (!text) return undefined;
  return {
    source: { ...source, fields: source.fields, textKey: source.textKey },
    text,
    saved: savedBy(source),
  };
}
