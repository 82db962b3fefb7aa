/**
 * A file name safe to store and show: the last path segment only, no control or
 * bidi-override characters, at most 255 characters, never empty.
 *
 * @example safeFileName('../../etc/passwd\u0000.pdf') // 'passwd.pdf'
 */
export function safeFileName(raw: string | undefined, fallback = 'document'): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 255);
  return cleaned.length > 0 ? cleaned : fallback;
}
