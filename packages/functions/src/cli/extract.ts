import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXTRACTORS } from '@paperlane/adapters/extraction/create-extractor';
import { OCR_PROVIDERS } from '@paperlane/adapters/ocr/create-ocr-provider';
import { ConfigError, INVOICE_FIELD_NAMES, type InvoiceFields, PaperlaneError } from '@paperlane/core';
import { type InvoiceReading, readInvoice } from '@paperlane/jobs/invoice-processing/read-invoice';
import { z } from 'zod';
import { loadConfig } from '../config/config';
import { createDocumentServices } from '../documents/document-services';
import type { CliIo } from './io';

export const EXTRACT_USAGE =
  'usage: paperlane extract <file> [--json] [--ocr textract|google-vision|tesseract] [--extractor openai|rules]\n';

const argsSchema = z.strictObject({
  file: z.string().min(1).max(4096),
  json: z.boolean().default(false),
  ocr: z.enum(OCR_PROVIDERS).optional(),
  extractor: z.enum(EXTRACTORS).optional(),
});
type ExtractArgs = z.infer<typeof argsSchema>;

/** What `--json` prints: the fields the job would store, the text it would store, and who read it. */
export interface ExtractOutput {
  fields: InvoiceFields;
  text: string;
  /** The OCR provider that produced the text (`pdf-text`, `tesseract`, `pdf-text+tesseract`, `textract`, ...). */
  provider: string;
  contentType: string;
  pageCount: number;
}

/** A failure with a message for the user and an exit code; never printed with a stack. */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const ARG_OPTIONS = {
  json: { type: 'boolean' },
  ocr: { type: 'string' },
  extractor: { type: 'string' },
} as const;

function parseExtractArgs(argv: string[]): ExtractArgs {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof ARG_OPTIONS; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options: ARG_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's messages name the flag ("Unknown option '--foo'") and nothing else.
    throw new CliFailure((error as Error).message, 2);
  }
  if (parsed.positionals.length !== 1) {
    throw new CliFailure(parsed.positionals.length === 0 ? 'a file is required' : 'give exactly one file', 2);
  }
  const result = argsSchema.safeParse({ ...parsed.values, file: parsed.positionals[0] });
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${i.path[0] === 'file' ? 'file' : `--${i.path.join('.')}`}: ${i.message}`,
    );
    throw new CliFailure(problems.join('; '), 2);
  }
  return result.data;
}

/** Reads at most `maxBytes` of a regular file; anything else is refused with a plain reason. */
async function readInput(file: string, maxBytes: number): Promise<Uint8Array> {
  const path = resolve(file);
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    const reason =
      error.code === 'ENOENT'
        ? 'no such file'
        : error.code === 'EACCES'
          ? 'permission denied'
          : 'cannot read it';
    throw new CliFailure(`${file}: ${reason}`, 1);
  });
  if (info.isDirectory()) throw new CliFailure(`${file}: is a directory`, 1);
  if (!info.isFile()) throw new CliFailure(`${file}: not a regular file`, 1);
  if (info.size > maxBytes) {
    throw new CliFailure(`${file}: the file is larger than ${maxBytes} bytes (file_too_large)`, 1);
  }
  const handle = await open(path, 'r').catch(() => {
    throw new CliFailure(`${file}: cannot open it`, 1);
  });
  try {
    // Read against the cap, not the size stat saw: the file may grow in between.
    const buffer = new Uint8Array(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) {
        throw new CliFailure(`${file}: the file is larger than ${maxBytes} bytes (file_too_large)`, 1);
      }
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

const LABELS: Record<(typeof INVOICE_FIELD_NAMES)[number], string> = {
  vendorName: 'vendor',
  vendorTaxId: 'vendor tax id',
  invoiceNumber: 'invoice number',
  invoiceDate: 'invoice date',
  dueDate: 'due date',
  currency: 'currency',
  subtotal: 'subtotal',
  tax: 'tax',
  total: 'total',
  iban: 'IBAN',
};

const money = (value: number | undefined) => (value === undefined ? '' : value.toFixed(2));

/** The readable form: one field a line with its confidence, then the line items. */
export function formatReading(file: string, reading: InvoiceReading): string {
  const { fields, ocr } = reading;
  const pages = ocr.pages.length;
  const out = [
    `${file}: ${reading.contentType}, ${pages} page${pages === 1 ? '' : 's'}, text by ${ocr.provider}, fields by ${fields.provider}`,
  ];
  for (const name of INVOICE_FIELD_NAMES) {
    const value = fields[name];
    const shown = value === undefined ? '—' : typeof value === 'number' ? money(value) : value;
    const confidence = fields.confidence[name];
    const sure = confidence === undefined ? '' : `  (${Math.round(confidence * 100)}%)`;
    out.push(`  ${LABELS[name].padEnd(15)} ${shown}${sure}`);
  }
  out.push(`  line items      ${fields.lineItems.length === 0 ? '—' : fields.lineItems.length}`);
  for (const item of fields.lineItems) {
    const quantity = item.quantity === undefined ? '' : `${item.quantity} × `;
    const price = item.unitPrice === undefined ? '' : ` @ ${money(item.unitPrice)}`;
    out.push(`    ${quantity}${item.description}${price}  ${money(item.amount)}`.trimEnd());
  }
  return `${out.join('\n')}\n`;
}

/**
 * `paperlane extract FILE`: reads an invoice file exactly as the invoice-processing job
 * does (`readInvoice` over `createDocumentServices(loadConfig(env))`: sniffing, file
 * limits, the PDF text layer, OCR, extraction), with `--ocr` / `--extractor` standing in
 * for OCR_PROVIDER / EXTRACTOR. Prints a summary, or with `--json`
 * `{"fields", "text", "provider", "contentType", "pageCount"}`. Exit codes: 0 read,
 * 1 the file could not be read (with the job's reason code), 2 bad arguments or
 * configuration.
 *
 * @example
 * // npx paperlane extract invoice.pdf --json --ocr tesseract --extractor rules
 * const code = await runExtract(['invoice.pdf', '--json'], { stdout, stderr, env: process.env });
 */
export async function runExtract(argv: string[], io: CliIo): Promise<number> {
  let services: ReturnType<typeof createDocumentServices> | undefined;
  try {
    const args = parseExtractArgs(argv);
    const env = {
      ...io.env,
      ...(args.ocr ? { OCR_PROVIDER: args.ocr } : {}),
      ...(args.extractor ? { EXTRACTOR: args.extractor } : {}),
    };
    try {
      services = createDocumentServices(loadConfig(env));
    } catch (error) {
      if (error instanceof ConfigError) throw new CliFailure(error.message, 2);
      throw error;
    }
    const bytes = await readInput(args.file, services.settings.fileLimits.maxBytes);
    const reading = await readInvoice({
      bytes,
      sniff: services.sniff,
      ocr: services.ocr,
      extractor: services.extractor,
    });
    if (args.json) {
      const output: ExtractOutput = {
        fields: reading.fields,
        text: reading.ocr.text,
        provider: reading.ocr.provider,
        contentType: reading.contentType,
        pageCount: reading.ocr.pages.length,
      };
      io.stdout(`${JSON.stringify(output, null, 2)}\n`);
    } else {
      io.stdout(formatReading(args.file, reading));
    }
    return 0;
  } catch (error) {
    if (error instanceof CliFailure) {
      io.stderr(`paperlane extract: ${error.message}\n${error.exitCode === 2 ? EXTRACT_USAGE : ''}`);
      return error.exitCode;
    }
    // The job's own reasons (empty_file, unsupported_file_type, encrypted_pdf, ...); anything
    // else is summarised, since provider errors can carry internals.
    const reason =
      error instanceof PaperlaneError
        ? `${error.message} (${error.code})`
        : `unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
    io.stderr(`paperlane extract: ${reason}\n`);
    return error instanceof ConfigError ? 2 : 1;
  } finally {
    // Ends the tesseract worker (a thread) and SDK clients, so the process can exit.
    await services?.close();
  }
}
