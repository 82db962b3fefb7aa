import type { OcrLine } from '@paperlane/core';

/** A positioned run of text, in PDF user space (origin bottom-left, y up). */
export interface TextRun {
  text: string;
  x: number;
  y: number;
  width: number;
  /** Font size, used to judge line membership and spacing. */
  height: number;
}

/** The subset of pdfjs's TextItem this module reads. */
interface PdfjsTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

/**
 * Runs from pdfjs `getTextContent().items`, skipping marked-content markers and
 * whitespace-only runs (gaps are rebuilt from positions instead).
 *
 * @example
 * const runs = textRunsFromPdfjs((await page.getTextContent()).items);
 */
export function textRunsFromPdfjs(items: readonly unknown[]): TextRun[] {
  const runs: TextRun[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null || !('str' in item) || !('transform' in item)) continue;
    const { str, transform, width, height } = item as PdfjsTextItem;
    if (!str.trim()) continue;
    const [a = 0, b = 0, , , x = 0, y = 0] = transform;
    const size = height || Math.hypot(a, b) || 10;
    runs.push({ text: str, x, y, width, height: size });
  }
  return runs;
}

export interface LayoutOptions {
  /**
   * Width of one text column in run units. When set, a run after a column gap (and a
   * line's first run) starts at the column its `x` falls in, counted from the leftmost
   * run, so values stay under their labels even where font sizes differ (OCR, where
   * one space of a large font is several of a small one). Unset: gaps become spaces in
   * proportion to the font size, which is exact for a text layer's single body font.
   */
  columnWidth?: number;
}

/**
 * Lays runs out as lines in reading order: runs whose baselines are within half a
 * font size of each other share a line (top to bottom), each line reads left to
 * right, and horizontal gaps become spaces (by width, or by column with
 * `columnWidth`), so table columns stay on one line and stay apart (two or more
 * spaces between columns).
 *
 * @example
 * linesFromRuns([{ text: 'Total', x: 50, y: 700, width: 30, height: 10 },
 *                { text: '12.00', x: 400, y: 700, width: 25, height: 10 }])
 * // ['Total     ...     12.00'] (one line, columns kept apart)
 */
export function linesFromRuns(runs: readonly TextRun[], options: LayoutOptions = {}): string[] {
  const lines = groupLines(runs);
  const grid = options.columnWidth && options.columnWidth > 0 ? options.columnWidth : undefined;
  const left = grid ? Math.min(...runs.map((run) => run.x)) : 0;
  const columnOf = (run: TextRun) => (grid ? Math.min(MAX_COLUMN, Math.round((run.x - left) / grid)) : 0);
  return lines.map((line) =>
    joinRuns(
      line.runs.sort((p, q) => p.x - q.x),
      grid ? columnOf : undefined,
    ),
  );
}

/** Runs whose baselines are within half a font size of each other, top to bottom. */
function groupLines(runs: readonly TextRun[]): { y: number; height: number; runs: TextRun[] }[] {
  const sorted = [...runs].sort((p, q) => q.y - p.y || p.x - q.x);
  const lines: { y: number; height: number; runs: TextRun[] }[] = [];
  for (const run of sorted) {
    const line = lines.at(-1);
    if (line && Math.abs(line.y - run.y) <= Math.min(line.height, run.height) * 0.5) {
      line.runs.push(run);
      line.height = Math.max(line.height, run.height);
    } else {
      lines.push({ y: run.y, height: run.height, runs: [run] });
    }
  }
  return lines;
}

/** A page's extent in the runs' own units (PDF user space: y up). */
export interface PageBox {
  left: number;
  bottom: number;
  width: number;
  height: number;
}

/** Lines past this on one page are not positioned: no real page holds more. */
export const MAX_LAYOUT_LINES = 4000;

// A gap wider than this many font-size-thirds separates columns (as joinRuns reads them).
const COLUMN_GAP = 2.5;

/**
 * The page's text as positioned lines, one per column of each line (`Total` and its amount at
 * the far right are two, so each keeps its own position), in reading order, with positions in
 * thousandths of the page from its top-left corner (see `OcrLine`).
 *
 * @example
 * layoutLines([{ text: 'Total', x: 50, y: 700, width: 30, height: 10 }], { left: 0, bottom: 0, width: 600, height: 800 })
 * // [{ text: 'Total', x: 83, y: 113, width: 50, height: 13 }]
 */
export function layoutLines(runs: readonly TextRun[], page: PageBox): OcrLine[] {
  if (!(page.width > 0 && page.height > 0)) return [];
  const scaleX = 1000 / page.width;
  const scaleY = 1000 / page.height;
  const top = page.bottom + page.height;
  const out: OcrLine[] = [];
  for (const line of groupLines(runs)) {
    const ordered = line.runs.sort((p, q) => p.x - q.x);
    let column: TextRun[] = [];
    const flush = () => {
      if (column.length === 0) return;
      const text = joinRuns(column).replace(/\s+/g, ' ').trim();
      const left = Math.min(...column.map((r) => r.x));
      const right = Math.max(...column.map((r) => r.x + r.width));
      const height = Math.max(...column.map((r) => r.height));
      const baseline = Math.min(...column.map((r) => r.y));
      if (text) {
        out.push({
          text,
          x: Math.round((left - page.left) * scaleX),
          y: Math.round((top - baseline - height) * scaleY),
          width: Math.round((right - left) * scaleX),
          height: Math.max(1, Math.round(height * scaleY)),
        });
      }
      column = [];
    };
    let end: number | undefined;
    for (const run of ordered) {
      if (end !== undefined && run.x - end > run.height * 0.3 * COLUMN_GAP) flush();
      column.push(run);
      end = Math.max(end ?? Number.NEGATIVE_INFINITY, run.x + run.width);
    }
    flush();
    if (out.length >= MAX_LAYOUT_LINES) return out.slice(0, MAX_LAYOUT_LINES);
  }
  return out;
}

/** Bounds the padding one run can add (a stray speck at the far right of a wide scan). */
const MAX_COLUMN = 400;

function joinRuns(runs: TextRun[], columnOf?: (run: TextRun) => number): string {
  let out = '';
  let end: number | undefined;
  for (const run of runs) {
    if (end === undefined) {
      if (columnOf) out = ' '.repeat(columnOf(run));
    } else {
      const gap = run.x - end;
      // A space is roughly a quarter to a third of the font size.
      const space = run.height * 0.3;
      // Smaller gaps are kerning between runs of one word: joined directly.
      if (gap > space * 0.5 && !out.endsWith(' ') && !run.text.startsWith(' ')) {
        const count = Math.min(40, Math.max(1, Math.round(gap / space)));
        const column = gap > space * 2.5;
        // A column gap must read as one: never fewer than two spaces for wide gaps.
        const spaces = !column ? 1 : columnOf ? Math.max(2, columnOf(run) - out.length) : Math.max(2, count);
        out += ' '.repeat(spaces);
      }
    }
    out += run.text;
    end = Math.max(end ?? Number.NEGATIVE_INFINITY, run.x + run.width);
  }
  return out.replace(/\s+$/, '');
}

/**
 * Page text from pdfjs text items, lines joined with `\n`.
 *
 * @example
 * const text = pageTextFromPdfjs((await page.getTextContent()).items);
 */
export function pageTextFromPdfjs(items: readonly unknown[]): string {
  return linesFromRuns(textRunsFromPdfjs(items)).join('\n');
}

/** Characters that carry content (not whitespace): what decides "scanned or not". */
export function visibleCharCount(text: string): number {
  return text.replace(/\s+/g, '').length;
}
