import type { ExpenseDocument } from '@aws-sdk/client-textract';
import { invoiceFieldsSchema } from '@paperlane/core';
import { expenseDocument } from '@paperlane/testing/fakes/textract-server';
import { describe, expect, it } from 'vitest';
import { fieldsFromExpenseDocuments, pagesFromExpenseDocuments } from './textract-expense';

const doc = (spec: Parameters<typeof expenseDocument>[0]) => expenseDocument(spec) as ExpenseDocument;

describe('Textract expense mapping', () => {
  it('reads slashed dates month-first only for US dollar invoices', () => {
    const us = fieldsFromExpenseDocuments([
      doc({ summary: { INVOICE_RECEIPT_DATE: '03/11/2026', TOTAL: '$5.00' } }),
    ]);
    expect(us.invoiceDate).toBe('2026-03-11');
    expect(us.currency).toBe('USD');
    const unknown = fieldsFromExpenseDocuments([doc({ summary: { INVOICE_RECEIPT_DATE: '03/11/2026' } })]);
    expect(unknown.invoiceDate).toBeUndefined();
  });

  it('takes the vendor from a NAME in the VENDOR group when VENDOR_NAME is missing', () => {
    const fields = fieldsFromExpenseDocuments([
      doc({ summary: { NAME: { text: 'Receiver Inc', groups: ['RECEIVER'] } } }),
    ]);
    expect(fields.vendorName).toBeUndefined();
    const vendor = fieldsFromExpenseDocuments([
      doc({ summary: { NAME: { text: 'Acme', groups: ['VENDOR'] } } }),
    ]);
    expect(vendor.vendorName).toBe('Acme');
  });

  it('prefers the surest of repeated fields and drops values our schema refuses', () => {
    const document = doc({ summary: { TOTAL: { text: '10.00', confidence: 40 } } });
    document.SummaryFields?.push(
      ...(doc({ summary: { TOTAL: { text: '12.00', confidence: 90 }, INVOICE_RECEIPT_ID: 'X'.repeat(500) } })
        .SummaryFields ?? []),
    );
    const fields = fieldsFromExpenseDocuments([document]);
    expect(fields.total).toBe(12);
    expect(fields.confidence?.total).toBeCloseTo(0.9, 5);
    expect(fields.invoiceNumber).toBeUndefined();
    expect(invoiceFieldsSchema.partial().safeParse(fields).success).toBe(true);
  });

  it('falls back to AMOUNT_DUE for the total, and to the printed symbol for the currency', () => {
    const fields = fieldsFromExpenseDocuments([doc({ summary: { AMOUNT_DUE: '£ 99.50' } })]);
    expect(fields).toMatchObject({ total: 99.5, currency: 'GBP' });
  });

  it('keeps empty pages so page numbers line up', () => {
    const pages = pagesFromExpenseDocuments([doc({ lines: { 2: ['second'] } })], 3);
    expect(pages.map((p) => [p.pageNumber, p.text])).toEqual([
      [1, ''],
      [2, 'second'],
      [3, ''],
    ]);
  });
});
