import type { OcrLine } from '@paperlane/core';
import { layoutLines, linesFromRuns, type TextRun } from './text-layout';

interface TsvWord {
  text: string;
  left: number;
  top: number;
  width: number;
  line: string;
}

interface TsvDump {
  words: TsvWord[];
  lines: Map<string, { bottom: number }>;
  /** The page's size in pixels (the level 1 row). */
  page?: { width: number; height: number };
}

/** Words of a tesseract TSV dump (level 5 rows) with the key of the line each belongs to. */
function tsvWords(tsv: string): TsvDump {
  const words: TsvWord[] = [];
  const lines = new Map<string, { bottom: number }>();
  let pageSize: TsvDump['page'];
  for (const row of tsv.split('\n')) {
    // level page block par line word left top width height conf text
    const cells = row.split('\t');
    if (cells.length < 12) continue;
    const [level, page, block, par, line, , left, top, width, height, , ...rest] = cells;
    const key = `${page}.${block}.${par}.${line}`;
    const box = [left, top, width, height].map(Number) as [number, number, number, number];
    if (!box.every(Number.isFinite)) continue;
    if (level === '1' && !pageSize) pageSize = { width: box[0] + box[2], height: box[1] + box[3] };
    if (level === '4') lines.set(key, { bottom: box[1] + box[3] });
    const text = rest.join('\t').trim();
    if (level === '5' && text) words.push({ text, left: box[0], top: box[1], width: box[2], line: key });
  }
  return { words, lines, ...(pageSize ? { page: pageSize } : {}) };
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Page text laid out from tesseract's word boxes (`tsv` output) on a character grid:
 * the column width is the page's median character width, so a value printed under its
 * label lands under it in the text, whatever the font sizes. tesseract's own text
 * output spaces each line by that line's font, which moves large-print values (an
 * "amount due" box) columns away from their labels. Lines of different blocks at the
 * same height become one line, as on the page. Undefined when the dump holds no words.
 *
 * @example
 * const text = textFromTesseractTsv(result.data.tsv) ?? result.data.text;
 */
export function textFromTesseractTsv(tsv: string): string | undefined {
  return tesseractRuns(tsv)?.text;
}

/**
 * The page's words from tesseract's `tsv` output as positioned lines (see `layoutLines`),
 * or undefined when the dump holds no words or no page size.
 *
 * @example
 * const lines = layoutFromTesseractTsv(result.data.tsv); // [{ text: 'TOTAL', x: 80, y: 702, ... }, ...]
 */
export function layoutFromTesseractTsv(tsv: string): OcrLine[] | undefined {
  const read = tesseractRuns(tsv);
  if (!read?.page) return undefined;
  // Runs sit in y-up space at minus their bottom edge: the page spans -height to 0.
  return layoutLines(read.runs, {
    left: 0,
    bottom: -read.page.height,
    width: read.page.width,
    height: read.page.height,
  });
}

function tesseractRuns(tsv: string): { text: string; runs: TextRun[]; page?: TsvDump['page'] } | undefined {
  const { words, lines, page } = tsvWords(tsv);
  const charWidths = words.filter((w) => w.text.length >= 3).map((w) => w.width / w.text.length);
  const columnWidth = median(charWidths) ?? median(words.map((w) => w.width / w.text.length));
  if (!columnWidth) return undefined;
  // A line's font size from its mean character width (about half an em): a word gap is
  // then a space of that font, monospaced receipts included, and wider gaps are columns.
  const perLine = new Map<string, { width: number; chars: number }>();
  for (const word of words) {
    const sum = perLine.get(word.line) ?? { width: 0, chars: 0 };
    perLine.set(word.line, { width: sum.width + word.width, chars: sum.chars + word.text.length });
  }
  const runs: TextRun[] = words.map((word) => {
    const sum = perLine.get(word.line);
    const height = sum && sum.chars > 0 ? (2 * sum.width) / sum.chars : 2 * columnWidth;
    const bottom = lines.get(word.line)?.bottom ?? word.top + height;
    // linesFromRuns reads PDF space (y up): the line's bottom edge, negated, is its baseline.
    return { text: word.text, x: word.left, y: -bottom, width: word.width, height };
  });
  return { text: linesFromRuns(runs, { columnWidth }).join('\n'), runs, ...(page ? { page } : {}) };
}
