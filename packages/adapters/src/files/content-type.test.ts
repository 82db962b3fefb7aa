import { describe, expect, it } from 'vitest';
import { sniffContentType } from './content-type';
import { notDocuments, plainImage, textImage, textPdf } from './test-support/hostile-files';

describe('sniffContentType', () => {
  it('recognises each supported format by its bytes', async () => {
    expect(sniffContentType(await textPdf([['hello']]))).toBe('application/pdf');
    expect(sniffContentType(await plainImage(4, 4))).toBe('image/png');
    expect(sniffContentType(await plainImage(4, 4, { format: 'jpeg' }))).toBe('image/jpeg');
    expect(sniffContentType(await textImage(['x'], { format: 'webp', width: 60 }))).toBe('image/webp');
    expect(sniffContentType(await textImage(['x'], { format: 'tiff', width: 60 }))).toBe('image/tiff');
  });

  it.each(Object.entries(notDocuments))('refuses %s whatever its name says', (_name, bytes) => {
    expect(() => sniffContentType(bytes)).toThrowError(
      expect.objectContaining({ code: 'unsupported_file_type', permanent: true }),
    );
  });

  it('refuses an empty file with its own code', () => {
    expect(() => sniffContentType(new Uint8Array())).toThrowError(
      expect.objectContaining({ code: 'empty_file' }),
    );
  });

  it('refuses a RIFF container that is not WebP', () => {
    const wav = new TextEncoder().encode('RIFF\x24\x00\x00\x00WAVEfmt ');
    expect(() => sniffContentType(wav)).toThrowError(
      expect.objectContaining({ code: 'unsupported_file_type' }),
    );
  });
});
