/**
 * Folds text for vocabulary matching: lower case, no diacritics, one kind of apostrophe,
 * `º`/`°` read as `o` (so `N°`, `Nº` and `No` are one label), single spaces.
 * Positions are not preserved; fold only what is matched, never what is sliced.
 *
 * @example
 * foldText('Date d’échéance') // "date d'echeance"
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[º°]/g, 'o')
    .replace(/\s+/g, ' ')
    .trim();
}
