import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encryptedPdf, notDocuments } from '@paperlane/adapters/files/test-support/hostile-files';
import { INVOICE_FIELD_NAMES } from '@paperlane/core';
import { expectedInvoiceFields, INVOICE_FIXTURES } from '@paperlane/testing';
import { type OpenAiFake, startFakeOpenAi } from '@paperlane/testing/fakes/openai-server';
import {
  analyzeExpenseReply,
  expenseDocument,
  startTextractFake,
  type TextractFake,
} from '@paperlane/testing/fakes/textract-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractOutput } from './extract';
import { main } from './paperlane';

const BIN = fileURLToPath(new URL('../../bin/paperlane.mjs', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(name, INVOICE_FIXTURES));
const expected = expectedInvoiceFields;

/** The scalar fields a fixture promises, as the CLI must print them. */
async function expectedScalars(name: string) {
  const want = await expected(name);
  return Object.fromEntries(
    INVOICE_FIELD_NAMES.filter((f) => want[f] !== undefined).map((f) => [f, want[f]]),
  );
}

/** Runs `paperlane <argv>` in-process with a clean environment (no developer keys leak in). */
async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
  });
  return { code, stdout, stderr };
}

const STACK_LINE = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperlane-extract-'));
  await mkdir(join(dir, 'folder.pdf'));
  await writeFile(join(dir, 'empty.pdf'), new Uint8Array());
  await writeFile(join(dir, 'page.pdf'), notDocuments.html);
  await writeFile(join(dir, 'archive.pdf'), notDocuments.zip);
  await writeFile(join(dir, 'locked.pdf'), encryptedPdf());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('paperlane extract', () => {
  it('prints the fields, text and provider of a text-layer PDF as JSON', async () => {
    const { code, stdout, stderr } = await run(['extract', fixture('en-us-classic.pdf'), '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as ExtractOutput;
    expect(output.provider).toBe('pdf-text');
    expect(output.contentType).toBe('application/pdf');
    expect(output.pageCount).toBe(1);
    expect(output.fields).toMatchObject({ ...(await expectedScalars('en-us-classic')), provider: 'rules' });
    expect(output.fields.lineItems).toEqual((await expected('en-us-classic')).lineItems);
    expect(output.text).toContain(String((await expected('en-us-classic')).invoiceNumber));
  });

  it('prints a readable summary without --json', async () => {
    const want = await expected('de-letter');
    const { code, stdout } = await run(['extract', fixture('de-letter.pdf')]);
    expect(code).toBe(0);
    expect(() => JSON.parse(stdout)).toThrow();
    expect(stdout).toContain('text by pdf-text, fields by rules');
    expect(stdout).toMatch(new RegExp(`invoice number +${String(want.invoiceNumber)} +\\(\\d+%\\)`));
    expect(stdout).toMatch(new RegExp(`total +${Number(want.total).toFixed(2)}`));
    const items = want.lineItems as { description: string }[];
    for (const item of items) expect(stdout).toContain(item.description);
  });

  describe('refuses hostile input with a clear message, a non-zero exit and no stack trace', () => {
    const cases: [string, () => string[], number, RegExp][] = [
      ['no file', () => ['extract'], 2, /a file is required/],
      [
        'an unknown flag',
        () => ['extract', '--bogus', fixture('de-letter.pdf')],
        2,
        /Unknown option '--bogus'/,
      ],
      ['an unknown OCR provider', () => ['extract', '--ocr', 'magic', fixture('de-letter.pdf')], 2, /--ocr/],
      [
        'an unknown extractor',
        () => ['extract', '--extractor', 'guess', fixture('de-letter.pdf')],
        2,
        /--extractor/,
      ],
      ['two files', () => ['extract', fixture('de-letter.pdf'), fixture('nl-classic.pdf')], 2, /exactly one/],
      ['a missing file', () => ['extract', join(dir, 'missing.pdf')], 1, /missing\.pdf: no such file/],
      ['a directory', () => ['extract', join(dir, 'folder.pdf')], 1, /is a directory/],
      ['an empty file', () => ['extract', join(dir, 'empty.pdf')], 1, /the file is empty \(empty_file\)/],
      ['HTML renamed to .pdf', () => ['extract', join(dir, 'page.pdf')], 1, /\(unsupported_file_type\)/],
      ['ZIP renamed to .pdf', () => ['extract', join(dir, 'archive.pdf')], 1, /\(unsupported_file_type\)/],
      ['an encrypted PDF', () => ['extract', join(dir, 'locked.pdf')], 1, /\(encrypted_pdf\)/],
      [
        'openai without a key',
        () => ['extract', '--extractor', 'openai', fixture('de-letter.pdf')],
        2,
        /OPENAI_API_KEY/,
      ],
    ];
    it.each(cases)('%s', async (_, argv, exitCode, message) => {
      const { code, stdout, stderr } = await run(argv());
      expect(code).toBe(exitCode);
      expect(stderr).toMatch(/^paperlane extract: /);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(STACK_LINE);
      expect(stdout).toBe('');
    });

    it('a file over FILE_MAX_BYTES, before reading it', async () => {
      const { code, stderr } = await run(['extract', fixture('en-us-classic.pdf')], {
        FILE_MAX_BYTES: '100',
      });
      expect(code).toBe(1);
      expect(stderr).toMatch(/larger than 100 bytes \(file_too_large\)/);
    });

    it('bad document settings, named without their values', async () => {
      const { code, stderr } = await run(['extract', fixture('de-letter.pdf')], {
        FILE_MAX_PAGES: '0',
        GOOGLE_CREDENTIALS: '{"private_key": "-----BEGIN',
      });
      expect(code).toBe(2);
      expect(stderr).toMatch(/FILE_MAX_PAGES/);
      expect(stderr).not.toContain('BEGIN');
    });
  });
});

describe('paperlane extract with cloud providers (real SDKs against local fakes)', () => {
  let openai: OpenAiFake;
  let textract: TextractFake;
  beforeAll(async () => {
    [openai, textract] = await Promise.all([startFakeOpenAi({ apiKey: 'sk-cli-test' }), startTextractFake()]);
  });
  afterAll(async () => {
    await Promise.all([openai?.close(), textract?.stop()]);
  });

  it('--extractor openai sends the text layer to the configured OpenAI-compatible server', async () => {
    const nulls = Object.fromEntries(INVOICE_FIELD_NAMES.map((name) => [name, null]));
    openai.reply({
      json: {
        ...nulls,
        vendorName: 'Northwind Analytics Inc.',
        invoiceNumber: 'INV-2026-0417',
        total: 5240.38,
        currency: 'USD',
        lineItems: [],
        taxes: [],
        confidence: { ...nulls, vendorName: 0.9, invoiceNumber: 0.9, total: 0.95, currency: 0.9 },
      },
    });
    const { code, stdout, stderr } = await run(
      ['extract', fixture('en-us-classic.pdf'), '--json', '--extractor', 'openai'],
      {
        OPENAI_API_KEY: 'sk-cli-test',
        OPENAI_BASE_URL: openai.baseUrl,
        OPENAI_MODEL: 'gpt-cli-test',
      },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as ExtractOutput;
    expect(output.fields).toMatchObject({
      provider: 'openai:gpt-cli-test',
      invoiceNumber: 'INV-2026-0417',
      total: 5240.38,
    });
    expect(output.provider).toBe('pdf-text');
    expect(JSON.stringify(openai.requests.at(-1)?.body.messages)).toContain('INV-2026-0417');
  });

  it('--ocr textract reads an image with AnalyzeExpense; throttling exits non-zero with its code', async () => {
    textract.script('AnalyzeExpense', {
      body: analyzeExpenseReply([
        expenseDocument({
          summary: {
            VENDOR_NAME: 'Grünwald Verlag GmbH & Co. KG',
            TOTAL: { text: '1.898,08', currency: 'EUR' },
          },
          lines: { 1: ['Grünwald Verlag GmbH & Co. KG', 'Rechnungsbetrag 1.898,08 EUR'] },
        }),
      ]),
    });
    const env = { AWS_ENDPOINT_URL_TEXTRACT: textract.endpoint, AWS_REGION: 'eu-central-1' };
    const png = fixture('de-amount-due.png');
    const ok = await run(['extract', png, '--json', '--ocr', 'textract'], env);
    expect(ok.code).toBe(0);
    const output = JSON.parse(ok.stdout) as ExtractOutput;
    expect(output.provider).toBe('textract');
    expect(output.fields).toMatchObject({
      vendorName: 'Grünwald Verlag GmbH & Co. KG',
      total: 1898.08,
      currency: 'EUR',
    });
    expect(textract.requests.at(-1)?.operation).toBe('AnalyzeExpense');

    textract.handle('AnalyzeExpense', () => ({ error: 'ThrottlingException', message: 'Rate exceeded' }));
    const throttled = await run(['extract', png, '--ocr', 'textract'], env);
    expect(throttled.code).toBe(1);
    expect(throttled.stderr).toMatch(/\(ocr_throttled\)/);
    expect(throttled.stderr).not.toMatch(STACK_LINE);
  });
});

describe('the paperlane bin', () => {
  const exec = promisify(execFile);
  const cleanEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '' };

  it('OCRs a PNG through tesseract, prints the fields and exits once the worker is closed', async () => {
    const { stdout } = await exec(
      process.execPath,
      [BIN, 'extract', fixture('de-amount-due.png'), '--json', '--ocr', 'tesseract'],
      {
        env: cleanEnv,
        timeout: 120_000,
      },
    );
    const output = JSON.parse(stdout) as ExtractOutput;
    expect(output.provider).toBe('tesseract');
    expect(output.contentType).toBe('image/png');
    const want = await expectedScalars('de-amount-due');
    // Fields OCR reads reliably on this scan; the full accuracy figure is the bench's.
    for (const field of [
      'invoiceNumber',
      'invoiceDate',
      'dueDate',
      'currency',
      'total',
      'vendorTaxId',
      'iban',
    ] as const) {
      expect(output.fields[field], field).toEqual(want[field]);
    }
  }, 150_000);

  it('exits 1 with one line of reason and no stack for a missing file', async () => {
    const failure = await exec(process.execPath, [BIN, 'extract', join(dir, 'nope.png')], {
      env: cleanEnv,
      timeout: 60_000,
    }).catch((error: { code: number; stderr: string; stdout: string }) => error);
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect(failure.stderr.trim().split('\n')).toEqual([
      `paperlane extract: ${join(dir, 'nope.png')}: no such file`,
    ]);
  }, 90_000);
});
