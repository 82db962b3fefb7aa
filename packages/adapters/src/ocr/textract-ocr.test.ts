import { TextractClient } from '@aws-sdk/client-textract';
import { ConfigError, RetryableError } from '@paperlane/core';
import {
  analyzeExpenseReply,
  expenseDocument,
  getExpenseAnalysisReply,
  startTextractFake,
  type TextractFake,
} from '@paperlane/testing/fakes/textract-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sniffContentType } from '../files/content-type';
import { scannedPdf, textImage } from '../files/test-support/hostile-files';
import { createTextractOcr, type TextractOcrOptions } from './textract-ocr';

let fake: TextractFake;
let client: TextractClient;

beforeAll(async () => {
  fake = await startTextractFake();
  // One attempt: retrying is the queue's job, and the tests must see each reply.
  client = new TextractClient({
    endpoint: fake.endpoint,
    region: 'eu-west-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  client.destroy();
  await fake.stop();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const invoice = expenseDocument({
  summary: {
    VENDOR_NAME: { text: 'Muster GmbH', confidence: 96 },
    INVOICE_RECEIPT_ID: { text: 'RE-2026-0042', label: 'Rechnungsnr.' },
    INVOICE_RECEIPT_DATE: '03.11.2026',
    DUE_DATE: '3. Dez 2026',
    SUBTOTAL: '1.037,45',
    TAX: '197,11',
    TOTAL: { text: '€1.234,56', currency: 'EUR', confidence: 99 },
    TAX_PAYER_ID: 'DE123456789',
  },
  lineItems: [
    { ITEM: 'Beratung', QUANTITY: '2', UNIT_PRICE: '400,00', PRICE: '800,00' },
    { ITEM: 'Reisekosten', PRICE: '237,45' },
  ],
  lines: { 1: ['Muster GmbH', 'Rechnung RE-2026-0042', 'Gesamt €1.234,56'] },
});

const noWait: TextractOcrOptions['wait'] = async () => {};

describe('Textract OCR (real SDK against the local fake)', () => {
  it('analyses an image inline and maps expense fields, line items and LINE text', async () => {
    fake.script('AnalyzeExpense', { body: analyzeExpenseReply([invoice]) });
    const image = await textImage(['Muster GmbH']);
    const result = await createTextractOcr({ client }).recognize({ bytes: image, contentType: 'image/png' });

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.operation).toBe('AnalyzeExpense');
    expect(Buffer.from(String((request!.body.Document as { Bytes: string }).Bytes), 'base64')).toEqual(
      Buffer.from(image),
    );
    expect(result.provider).toBe('textract');
    expect(result.text).toBe('Muster GmbH\nRechnung RE-2026-0042\nGesamt €1.234,56');
    expect(result.pages[0]?.confidence).toBeCloseTo(0.985, 3);
    // Each LINE block's box (the fake puts every one at left 0.1, top 0.1, 0.2 × 0.02 of the page).
    expect(result.pages[0]?.lines).toEqual(
      ['Muster GmbH', 'Rechnung RE-2026-0042', 'Gesamt €1.234,56'].map((text) => ({
        text,
        x: 100,
        y: 100,
        width: 200,
        height: 20,
      })),
    );
    expect(result.fields).toMatchObject({
      provider: 'textract',
      vendorName: 'Muster GmbH',
      invoiceNumber: 'RE-2026-0042',
      invoiceDate: '2026-11-03',
      dueDate: '2026-12-03',
      subtotal: 1037.45,
      tax: 197.11,
      total: 1234.56,
      currency: 'EUR',
      vendorTaxId: 'DE123456789',
      lineItems: [
        { description: 'Beratung', quantity: 2, unitPrice: 400, amount: 800 },
        { description: 'Reisekosten', amount: 237.45 },
      ],
    });
    expect(result.fields?.confidence?.total).toBeCloseTo(0.99, 5);
    expect(result.fields?.confidence?.vendorName).toBeCloseTo(0.96, 5);
  });

  it('sends a one-page PDF inline and re-encodes WebP, which Textract does not read', async () => {
    const ocr = createTextractOcr({ client });
    const pdf = await scannedPdf([['one page']]);
    await ocr.recognize({ bytes: pdf, contentType: 'application/pdf' });
    await ocr.recognize({ bytes: await textImage(['webp'], { format: 'webp' }), contentType: 'image/webp' });
    const sent = fake.requests.map((r) =>
      sniffContentType(Buffer.from(String((r.body.Document as { Bytes: string }).Bytes), 'base64')),
    );
    expect(sent).toEqual(['application/pdf', 'image/jpeg']);
  });

  it('analyses a multi-page PDF from S3 and polls until the job is done, paging results', async () => {
    const page2 = expenseDocument({ index: 1, lines: { 2: ['Seite 2', 'Summe 1.234,56'] } });
    fake.script('StartExpenseAnalysis', { body: { JobId: 'job-42' } });
    fake.script(
      'GetExpenseAnalysis',
      { body: getExpenseAnalysisReply('IN_PROGRESS') },
      { body: getExpenseAnalysisReply('IN_PROGRESS') },
      { body: getExpenseAnalysisReply('SUCCEEDED', { documents: [invoice], pages: 2, nextToken: 'next-1' }) },
      { body: getExpenseAnalysisReply('SUCCEEDED', { documents: [page2], pages: 2 }) },
    );
    const waits: number[] = [];
    const progress: number[] = [];
    const bytes = await scannedPdf([['one'], ['two']]);
    const ocr = createTextractOcr({
      client,
      bucket: 'paperlane-files',
      wait: async (ms) => {
        waits.push(ms);
      },
    });
    const result = await ocr.recognize({
      bytes,
      contentType: 'application/pdf',
      blobKey: 'tenants/t1/documents/d1/original',
      onProgress: (f) => progress.push(f),
    });

    const [start, ...gets] = fake.requests;
    expect(start?.operation).toBe('StartExpenseAnalysis');
    expect(start?.body.DocumentLocation).toEqual({
      S3Object: { Bucket: 'paperlane-files', Name: 'tenants/t1/documents/d1/original' },
    });
    expect(start?.body.ClientRequestToken).toMatch(/^[a-f0-9]{64}$/);
    expect(gets.map((r) => r.body)).toEqual([
      { JobId: 'job-42' },
      { JobId: 'job-42' },
      { JobId: 'job-42' },
      { JobId: 'job-42', NextToken: 'next-1' },
    ]);
    expect(waits).toEqual([1000, 1500, 2250]);
    expect(result.pages.map((p) => p.text)).toEqual([
      'Muster GmbH\nRechnung RE-2026-0042\nGesamt €1.234,56',
      'Seite 2\nSumme 1.234,56',
    ]);
    expect(result.fields?.total).toBe(1234.56);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('uses the same request token for the same bytes, so a retried job resumes the Textract job', async () => {
    const bytes = await scannedPdf([['one'], ['two']]);
    const ocr = createTextractOcr({ client, bucket: 'b', wait: noWait });
    await ocr.recognize({ bytes, contentType: 'application/pdf', blobKey: 'k' });
    await ocr.recognize({ bytes, contentType: 'application/pdf', blobKey: 'k' });
    const tokens = fake.requests
      .filter((r) => r.operation === 'StartExpenseAnalysis')
      .map((r) => r.body.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
  });

  it('gives up polling after maxWaitMs with a retryable error', async () => {
    let now = 0;
    fake.handle('GetExpenseAnalysis', () => ({ body: getExpenseAnalysisReply('IN_PROGRESS') }));
    try {
      const ocr = createTextractOcr({
        client,
        bucket: 'b',
        maxWaitMs: 60_000,
        clock: { now: () => new Date(now) },
        wait: async (ms) => {
          now += ms;
        },
      });
      const failure = ocr.recognize({
        bytes: await scannedPdf([['a'], ['b']]),
        contentType: 'application/pdf',
        blobKey: 'k',
      });
      await expect(failure).rejects.toBeInstanceOf(RetryableError);
      await expect(failure).rejects.toMatchObject({ code: 'ocr_timeout' });
      expect(now).toBeGreaterThanOrEqual(60_000);
    } finally {
      fake.handle('GetExpenseAnalysis', () => ({
        body: getExpenseAnalysisReply('SUCCEEDED', { documents: [invoice] }),
      }));
    }
  });

  it('fails a job Textract could not analyse permanently', async () => {
    fake.script('GetExpenseAnalysis', {
      body: getExpenseAnalysisReply('FAILED', { message: 'Unsupported document' }),
    });
    const ocr = createTextractOcr({ client, bucket: 'b', wait: noWait });
    await expect(
      ocr.recognize({
        bytes: await scannedPdf([['a'], ['b']]),
        contentType: 'application/pdf',
        blobKey: 'k',
      }),
    ).rejects.toMatchObject({
      code: 'ocr_failed',
      permanent: true,
      message: expect.stringContaining('Unsupported document'),
    });
  });

  it('refuses multi-page PDFs when it cannot reach them in S3', async () => {
    const ocr = createTextractOcr({ client });
    await expect(
      ocr.recognize({ bytes: await scannedPdf([['a'], ['b']]), contentType: 'application/pdf' }),
    ).rejects.toBeInstanceOf(ConfigError);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ['ThrottlingException', undefined, 'ocr_throttled'],
    ['ProvisionedThroughputExceededException', undefined, 'ocr_throttled'],
    ['InternalServerError', 500, 'ocr_unavailable'],
  ])('maps %s to a retryable error', async (type, status, code) => {
    fake.script('AnalyzeExpense', { error: type, message: 'slow down', ...(status ? { status } : {}) });
    const failure = createTextractOcr({ client }).recognize({
      bytes: await textImage(['x']),
      contentType: 'image/png',
    });
    await expect(failure).rejects.toBeInstanceOf(RetryableError);
    await expect(failure).rejects.toMatchObject({ code });
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ['UnsupportedDocumentException', 'unsupported_file_type'],
    ['BadDocumentException', 'corrupt_file'],
    ['DocumentTooLargeException', 'file_too_large'],
    ['InvalidParameterException', 'ocr_invalid_request'],
  ])('maps %s to a permanent error', async (type, code) => {
    fake.script('AnalyzeExpense', { error: type, message: 'no' });
    await expect(
      createTextractOcr({ client }).recognize({ bytes: await textImage(['x']), contentType: 'image/png' }),
    ).rejects.toMatchObject({ code, permanent: true });
  });

  it.each([
    ['AccessDeniedException', 'ocr_access_denied'],
    ['UnrecognizedClientException', 'ocr_access_denied'],
  ])('maps %s to a permanent configuration error', async (type, code) => {
    fake.script('AnalyzeExpense', { error: type, message: 'not allowed' });
    const failure = createTextractOcr({ client }).recognize({
      bytes: await textImage(['x']),
      contentType: 'image/png',
    });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toMatchObject({ code, permanent: true });
  });

  it.each([
    ['StartExpenseAnalysis', 'LimitExceededException', 'ocr_throttled'],
    ['GetExpenseAnalysis', 'ThrottlingException', 'ocr_throttled'],
    ['GetExpenseAnalysis', 'InternalServerError', 'ocr_unavailable'],
  ])('on the async path, %s answering %s is retryable (%s)', async (operation, type, code) => {
    fake.script(operation, { error: type, message: 'slow down' });
    const ocr = createTextractOcr({ client, bucket: 'b', wait: noWait });
    const failure = ocr.recognize({
      bytes: await scannedPdf([['a'], ['b']]),
      contentType: 'application/pdf',
      blobKey: 'k',
    });
    await expect(failure).rejects.toBeInstanceOf(RetryableError);
    await expect(failure).rejects.toMatchObject({ code });
    expect(fake.requests.at(-1)?.operation).toBe(operation);
  });

  it('treats a connection refused as retryable', async () => {
    const dead = new TextractClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await expect(
      createTextractOcr({ client: dead }).recognize({
        bytes: await textImage(['x']),
        contentType: 'image/png',
      }),
    ).rejects.toBeInstanceOf(RetryableError);
    dead.destroy();
  });
});
