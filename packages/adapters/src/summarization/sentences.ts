/** Abbreviations whose period does not end a sentence (en/de/fr/nl/es/it business text). */
const ABBREVIATIONS = new Set(
  'nr no str tel fax inkl zzgl ggf bzw usw z.b d.h ca evtl vgl dr prof mr mrs ms st etc vs e.g i.e approx art abs'.split(
    ' ',
  ),
);

/**
 * Splits text into sentences: at `.`, `!`, `?` followed by a space and a capital or digit,
 * and at line breaks (OCR text is mostly lines: headings, table rows, addresses).
 *
 * @example
 * splitSentences('Dear Sir. Please pay by 3 Dec.\nTotal 12.00 EUR') // ['Dear Sir.', 'Please pay by 3 Dec.', 'Total 12.00 EUR']
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const line of text.split(/\n+/)) {
    let start = 0;
    const boundary = /[.!?]+["')\]]*\s+(?=[\p{Lu}\d"'(])/gu;
    for (let match = boundary.exec(line); match; match = boundary.exec(line)) {
      const before = line.slice(start, match.index).split(/\s+/).pop()?.toLowerCase() ?? '';
      // Initials (`J. Smith`) and German ordinals (`3. Dezember`) end with a period mid-sentence.
      if (ABBREVIATIONS.has(before) || /^(\p{L}|\d{1,2})$/u.test(before)) continue;
      const end = match.index + match[0].length;
      sentences.push(line.slice(start, end).trim());
      start = end;
    }
    sentences.push(line.slice(start).trim());
  }
  return sentences.map((sentence) => sentence.replace(/\s+/g, ' ')).filter((sentence) => sentence.length > 0);
}
