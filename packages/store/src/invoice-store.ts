import type { Page, PageRequest } from '@paperlane/core';
import {
  $remove,
  $set,
  any,
  Entity,
  EntityFormatter,
  GetItemCommand,
  item,
  number,
  PutItemCommand,
  string,
  UpdateItemCommand,
} from 'dynamodb-toolbox';
import { conditional } from './conditional';
import {
  INVOICE_SOURCES,
  type InvoicePatch,
  type InvoiceRecord,
  invoicePatchSchema,
  invoiceRecordSchema,
  type NewInvoice,
  newInvoiceSchema,
} from './invoice';
import { byDocumentPk, tenantPrefix } from './keys';
import { queryPage } from './query-page';
import { INDEXES, type PaperlaneTable } from './table';
import { parseId, parseInput, toIso } from './validate';

export const INVOICE_ENTITY = 'Invoice';
const DOCUMENT_INVOICE_PREFIX = 'INV#';

export interface InvoiceRef {
  tenantId: string;
  invoiceId: string;
}

/** Invoice records, tenant-scoped on every call. */
export interface InvoiceStore {
  /** Idempotent on `invoiceId`. */
  create(input: NewInvoice): Promise<{ created: boolean; invoice: InvoiceRecord }>;
  get(ref: InvoiceRef): Promise<InvoiceRecord | undefined>;
  /** A document's invoices, oldest first. */
  listByDocument(tenantId: string, documentId: string, page?: PageRequest): Promise<Page<InvoiceRecord>>;
  /** Changes fields of an existing invoice (`null` removes one); `undefined` when there is none. */
  update(input: InvoiceRef & InvoicePatch & { now: Date }): Promise<InvoiceRecord | undefined>;
}

function createInvoiceEntity(table: PaperlaneTable) {
  return new Entity({
    name: INVOICE_ENTITY,
    table,
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      invoiceId: string().key(),
      documentId: string(),
      status: string().enum('pending', 'processing', 'processed', 'error'),
      source: string().enum(...INVOICE_SOURCES),
      sourceRef: string().optional(),
      fields: any().optional(),
      ocrProvider: string().optional(),
      extractor: string().optional(),
      pageCount: number().optional(),
      textKey: string().optional(),
      usage: any().optional(),
      reusedFrom: any().optional(),
      error: string().optional(),
      createdAt: string(),
      updatedAt: string(),
      processedAt: string().optional(),
      gsi2pk: string().hidden(),
      gsi2sk: string().hidden(),
    }),
    computeKey: ({ tenantId, invoiceId }) => ({ pk: `${tenantPrefix(tenantId)}INV#${invoiceId}`, sk: 'INV' }),
  });
}

/**
 * The DynamoDB `InvoiceStore`. Items are parsed with the zod schema on the way
 * out, so a record always has the shape `InvoiceRecord` promises.
 */
export function createInvoiceStore(table: PaperlaneTable): InvoiceStore {
  const Invoice = createInvoiceEntity(table);
  const formatter = Invoice.build(EntityFormatter);
  const toRecord = (raw: unknown): InvoiceRecord => invoiceRecordSchema.parse(raw);

  function ref(input: InvoiceRef): InvoiceRef {
    return {
      tenantId: parseId(input.tenantId, 'tenantId'),
      invoiceId: parseId(input.invoiceId, 'invoiceId'),
    };
  }

  async function read(key: InvoiceRef) {
    const { Item } = await Invoice.build(GetItemCommand).key(key).options({ consistent: true }).send();
    return Item && Item.tenantId === key.tenantId ? toRecord(Item) : undefined;
  }

  return {
    async create(input) {
      const { now, ...fields } = parseInput(newInvoiceSchema, input, 'invoice');
      const nowIso = toIso(now, 'now');
      const invoice: InvoiceRecord = { ...fields, status: 'pending', createdAt: nowIso, updatedAt: nowIso };
      const outcome = await conditional(Invoice, () =>
        Invoice.build(PutItemCommand)
          .item({
            ...invoice,
            gsi2pk: byDocumentPk(invoice.tenantId, invoice.documentId),
            gsi2sk: `${DOCUMENT_INVOICE_PREFIX}${nowIso}#${invoice.invoiceId}`,
          })
          .options({
            condition: { attr: 'invoiceId', exists: false },
            returnValuesOnConditionFalse: 'ALL_OLD',
          })
          .send(),
      );
      if (outcome.ok) return { created: true, invoice };
      const existing = outcome.old ? toRecord(outcome.old) : await read(invoice);
      if (!existing) throw new Error(`invoice ${invoice.invoiceId} vanished during create`);
      return { created: false, invoice: existing };
    },

    async get(input) {
      return read(ref(input));
    },

    async listByDocument(tenantId, documentId, page) {
      const tenant = parseId(tenantId, 'tenantId');
      const document = parseId(documentId, 'documentId');
      return queryPage(
        table,
        {
          ...INDEXES.byDocument,
          index: INDEXES.byDocument.name,
          partition: byDocumentPk(tenant, document),
          sortPrefix: DOCUMENT_INVOICE_PREFIX,
          basePrefix: `${tenantPrefix(tenant)}INV#`,
          entityName: INVOICE_ENTITY,
          format: (raw) => toRecord(formatter.format(raw)),
        },
        page,
      );
    },

    async update(input) {
      const key = ref(input);
      const patch = parseInput(invoicePatchSchema, input, 'invoice update');
      const removable = <T>(value: T | null | undefined) => (value === null ? $remove() : value);
      const settable = <T extends object>(value: T | null | undefined) =>
        value === null ? $remove() : value === undefined ? undefined : $set(value);
      const outcome = await conditional(Invoice, () =>
        Invoice.build(UpdateItemCommand)
          .item({
            ...key,
            updatedAt: toIso(input.now, 'now'),
            ...(patch.status !== undefined ? { status: patch.status } : {}),
            ...(patch.fields !== undefined ? { fields: settable(patch.fields) } : {}),
            ...(patch.usage !== undefined ? { usage: settable(patch.usage) } : {}),
            ...(patch.reusedFrom !== undefined ? { reusedFrom: settable(patch.reusedFrom) } : {}),
            ...(patch.ocrProvider !== undefined ? { ocrProvider: removable(patch.ocrProvider) } : {}),
            ...(patch.extractor !== undefined ? { extractor: removable(patch.extractor) } : {}),
            ...(patch.pageCount !== undefined ? { pageCount: removable(patch.pageCount) } : {}),
            ...(patch.textKey !== undefined ? { textKey: removable(patch.textKey) } : {}),
            ...(patch.error !== undefined ? { error: removable(patch.error) } : {}),
            ...(patch.processedAt !== undefined ? { processedAt: removable(patch.processedAt) } : {}),
          })
          .options({ condition: { attr: 'invoiceId', exists: true }, returnValues: 'ALL_NEW' })
          .send(),
      );
      return outcome.ok && outcome.value.Attributes ? toRecord(outcome.value.Attributes) : undefined;
    },
  };
}

export type { InvoicePatch };
