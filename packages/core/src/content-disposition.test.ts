import { describe, expect, it } from 'vitest';
import { attachmentDisposition, safeFileName } from './content-disposition';

/** What a browser would take as the name: the RFC 8187 value decoded. */
const starName = (header: string) => decodeURIComponent(header.split("filename*=UTF-8''")[1] ?? '');

describe('safeFileName', () => {
  it('keeps an ordinary name as it is', () => {
    expect(safeFileName('invoice 2024-03.pdf')).toBe('invoice 2024-03.pdf');
    expect(safeFileName('Rechnung März.pdf')).toBe('Rechnung März.pdf');
  });

  it('drops CR, LF and every other control character, so no header can be split', () => {
    expect(safeFileName('a.pdf\r\nSet-Cookie: x=1')).toBe('a.pdfSet-Cookie: x=1');
    expect(safeFileName('a\u0000b\u007fc\u0085d.pdf')).toBe('abcd.pdf');
    expect(safeFileName('a\u2028b\u2029c.pdf')).toBe('abc.pdf');
  });

  it('drops bidirectional overrides that disguise an extension', () => {
    expect(safeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFileName('a\u2066b\u2069\u200f.pdf')).toBe('ab.pdf');
  });

  it('keeps no folders and no leading dots', () => {
    expect(safeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeFileName('..\\..\\boot.ini')).toBe('_.._boot.ini');
    expect(safeFileName('.bashrc')).toBe('bashrc');
  });

  it('names an empty or all-stripped name "download"', () => {
    expect(safeFileName('')).toBe('download');
    expect(safeFileName('\r\n\t ')).toBe('download');
    expect(safeFileName('...')).toBe('download');
  });

  it('cuts a long name to 200 characters, keeping its extension and whole code points', () => {
    const long = `${'😀'.repeat(300)}.pdf`;
    const safe = safeFileName(long);
    expect(Array.from(safe)).toHaveLength(200);
    expect(safe.endsWith('😀.pdf')).toBe(true);
    expect(safe).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});

describe('attachmentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    const header = attachmentDisposition('Rechnung März.pdf');
    expect(header).toBe(
      `attachment; filename="Rechnung M_rz.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`,
    );
    expect(starName(header)).toBe('Rechnung März.pdf');
  });

  it('never carries a quote, backslash, CR or LF into the header', () => {
    const hostile = 'a"; filename="evil.exe\\\r\n.pdf';
    const header = attachmentDisposition(hostile);
    expect(header).not.toMatch(/[\r\n\\]/);
    // One quoted fallback name: the hostile quote became `_`.
    expect(header.match(/"/g)).toHaveLength(2);
    expect(header).toContain(`filename="a_; filename=_evil.exe_.pdf"`);
    expect(starName(header)).toBe('a"; filename="evil.exe_.pdf');
    // The Headers API refuses values with CR/LF; this one is accepted.
    expect(() => new Headers({ 'content-disposition': header })).not.toThrow();
  });

  it("encodes the characters RFC 8187 does not allow bare (' ( ) * ! %)", () => {
    const header = attachmentDisposition("it's (100%)*!.pdf");
    expect(header).toContain("filename*=UTF-8''it%27s%20%28100%25%29%2A%21.pdf");
    expect(header).toContain('filename="it\'s (100_)*!.pdf"');
  });
});
