/** Longest name a download is given, in characters (the extension is kept when cutting). */
const MAX_FILE_NAME_CHARS = 200;
const FALLBACK_NAME = 'download';

/**
 * Characters a file name never keeps: C0/C1 controls (CR and LF would split a header),
 * Unicode line and paragraph separators, and the bidirectional overrides and isolates
 * that make `invoice\u202Efdp.exe` display as `invoiceexe.pdf`.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A stored file name made safe to offer as a download name: no control or bidi
 * characters, no folders (`/` and `\` become `_`), no leading dots or spaces, at most
 * 200 characters with the extension kept; `download` when nothing is left.
 *
 * @example safeFileName('../../etc/passwd\r\nX: y') // '_.._etc_passwdX: y'
 */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(UNSAFE, '')
    .replace(/[/\\]/g, '_')
    .replace(/^[\s.]+/, '')
    .trim();
  const chars = Array.from(cleaned);
  if (chars.length === 0) return FALLBACK_NAME;
  if (chars.length <= MAX_FILE_NAME_CHARS) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(cleaned.slice(dot)) : [];
  const keep = extension.length > 0 && extension.length <= 16 ? extension : [];
  return [...chars.slice(0, MAX_FILE_NAME_CHARS - keep.length), ...keep].join('');
}

/** RFC 8187 `attr-char`: what `filename*` may carry unencoded (encodeURIComponent leaves `'()*!` too). */
const encodeAttrValue = (value: string) =>
  encodeURIComponent(value).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );

/**
 * A `Content-Disposition: attachment` value for a stored file name (RFC 6266): an
 * ASCII `filename` for old clients (anything else, quotes, backslashes and `%`
 * become `_`) and the exact name as UTF-8 in `filename*`. The name goes through
 * {@link safeFileName} first, so no caller's file name can add or split a header.
 *
 * @example attachmentDisposition('Rechnung März.pdf')
 * // `attachment; filename="Rechnung M_rz.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`
 */
export function attachmentDisposition(fileName: string): string {
  const name = safeFileName(fileName);
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeAttrValue(name)}`;
}
