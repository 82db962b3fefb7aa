import { type DocumentContentType, ValidationError } from '@paperlane/core';

interface Signature {
  type: DocumentContentType;
  matches(bytes: Uint8Array): boolean;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[], offset = 0) =>
  bytes.length >= offset + prefix.length && prefix.every((byte, i) => bytes[offset + i] === byte);

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

// Magic numbers from each format's specification. The PDF header must open the
// file: readers tolerate leading junk, but a file that hides it is not one we want.
const SIGNATURES: readonly Signature[] = [
  { type: 'application/pdf', matches: (b) => startsWith(b, ascii('%PDF-')) },
  { type: 'image/png', matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/jpeg', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { type: 'image/webp', matches: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8) },
  {
    type: 'image/tiff',
    matches: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]),
  },
];

/**
 * The document type of `bytes`, decided by their magic number and never by a file
 * name or a client's Content-Type. Throws ValidationError `empty_file` for no
 * bytes and `unsupported_file_type` for anything else (HTML, ZIP, text...).
 *
 * @example
 * sniffContentType(await readFile('scan.pdf')) // 'application/pdf'
 */
export function sniffContentType(bytes: Uint8Array): DocumentContentType {
  if (bytes.length === 0) throw new ValidationError('the file is empty', { code: 'empty_file' });
  const found = SIGNATURES.find((signature) => signature.matches(bytes));
  if (!found) {
    throw new ValidationError('unsupported file type: expected PDF, PNG, JPEG, WebP or TIFF', {
      code: 'unsupported_file_type',
    });
  }
  return found.type;
}

/** True for the image types (everything but PDF). */
export function isImageType(type: DocumentContentType): boolean {
  return type !== 'application/pdf';
}
