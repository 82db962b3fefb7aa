// Test-only builders for the documents the file, OCR and thumbnail suites feed in.
// Everything is generated here, so no binary fixture hides what a test is about.
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';

const encoder = new TextEncoder();

function pngChunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A tiny PNG whose header declares `width × height` 8-bit grey pixels (a pixel bomb). */
export function pngDeclaring(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // depth 8, greyscale, deflate, no filter, no interlace
  // A few rows of zeros: decoding the rest would need the whole 400 MB bitmap.
  const idat = deflateSync(Buffer.alloc((width + 1) * 4));
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', ihdr),
      pngChunk('IDAT', idat),
      pngChunk('IEND', new Uint8Array()),
    ]),
  );
}

/** Lines of dark text on white, rendered by sharp (librsvg) with the DejaVu font. */
export async function textImage(
  lines: string[],
  options: { width?: number; fontSize?: number; format?: 'png' | 'jpeg' | 'webp' | 'tiff' } = {},
): Promise<Uint8Array> {
  const fontSize = options.fontSize ?? 32;
  const width = options.width ?? 900;
  const lineHeight = Math.round(fontSize * 1.6);
  const height = lineHeight * (lines.length + 1);
  const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const texts = lines
    .map((line, i) => `<text x="30" y="${lineHeight * (i + 1)}">${escapeXml(line)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="white"/>
    <g font-family="DejaVu Sans" font-size="${fontSize}" fill="#111">${texts}</g></svg>`;
  const image = sharp(Buffer.from(svg)).flatten({ background: '#ffffff' });
  const format = options.format ?? 'png';
  return new Uint8Array(await image.toFormat(format).toBuffer());
}

/** A PDF with a real text layer: one string array per page, drawn top-down. */
export async function textPdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([595, 842]);
    lines.forEach((line, i) => {
      page.drawText(line, { x: 50, y: 780 - i * 22, size: 12, font });
    });
  }
  return doc.save();
}

/** A PDF whose pages are images of text (no text layer), as a scanner makes them. */
export async function scannedPdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const lines of pages) {
    const png = await doc.embedPng(await textImage(lines, { width: 1200, fontSize: 36 }));
    const page = doc.addPage([595, 842]);
    const width = 500;
    const height = (png.height / png.width) * width;
    page.drawImage(png, { x: 40, y: 800 - height, width, height });
  }
  return doc.save();
}

/** `count` empty pages, cheaply (the 500-page bomb). */
export async function manyPagePdf(count: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < count; i++) doc.addPage([200, 200]);
  return doc.save();
}

/**
 * A hand-built PDF with a Standard security handler `/Encrypt` dictionary whose
 * user password is not empty (pdf-lib cannot encrypt), with a correct xref table.
 */
export function encryptedPdf(): Uint8Array {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    `<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>] >>\n`;
  out += `startxref\n${xref}\n%%EOF\n`;
  return encoder.encode(out);
}

/** A real JPEG cut off halfway through its entropy-coded data. */
export async function truncatedJpeg(): Promise<Uint8Array> {
  const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3a6ea5' } })
    .composite([{ input: Buffer.from(await textImage(['truncated'], { width: 400 })), top: 0, left: 0 }])
    .jpeg()
    .toBuffer();
  return new Uint8Array(jpeg.subarray(0, Math.floor(jpeg.length / 2)));
}

/** A JPEG whose scan header is overwritten with garbage: the decoder gives up. */
export async function corruptJpeg(): Promise<Uint8Array> {
  const jpeg = Buffer.from(
    await sharp({ create: { width: 300, height: 200, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer(),
  );
  const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  jpeg.fill(0x7f, sos + 2, sos + 14);
  return new Uint8Array(jpeg);
}

/** Files that are not documents, saved under a `.pdf` name by someone. */
export const notDocuments = {
  html: encoder.encode('<!DOCTYPE html><html><body><h1>Invoice</h1></body></html>'),
  zip: new Uint8Array([
    0x50,
    0x4b,
    0x03,
    0x04,
    0x14,
    0x00,
    0x00,
    0x00,
    0x08,
    0x00,
    ...encoder.encode('invoice.pdf'),
  ]),
  text: encoder.encode('Invoice INV-1\nTotal 10.00 EUR\n'),
  pdfInText: encoder.encode('see attached %PDF-1.7 file'),
  gif: encoder.encode('GIF89a\x01\x00\x01\x00'),
};

/** A plain image of `width × height`, optionally tagged with an EXIF orientation. */
export async function plainImage(
  width: number,
  height: number,
  options: { orientation?: number; format?: 'png' | 'jpeg' } = {},
): Promise<Uint8Array> {
  let image = sharp({ create: { width, height, channels: 3, background: '#cc5533' } });
  image = options.format === 'jpeg' || options.orientation ? image.jpeg() : image.png();
  if (options.orientation) image = image.withMetadata({ orientation: options.orientation });
  return new Uint8Array(await image.toBuffer());
}
