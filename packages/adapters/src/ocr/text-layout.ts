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

/**
 * Lays runs out as lines in reading order: runs whose baselines are within half a
 * font size of each other share a line (top to bottom), each line reads left to
 * right, and horizontal gaps become spaces in proportion to their width, so table
 * columns stay on one line and stay apart (two or more spaces between columns).
 *
 * @example
 * linesFromRuns([{ text: 'Total', x: 50, y: 700, width: 30, height: 10 },
 *                { text: '12.00', x: 400, y: 700, width: 25, height: 10 }])
 * // ['Total     ...     12.00'] (one line, columns kept apart)
 */
export function linesFromRuns(runs: readonly TextRun[]): string[] {
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
  return lines.map((line) => joinRuns(line.runs.sort((p, q) => p.x - q.x)));
}

function joinRuns(runs: TextRun[]): string {
  let out = '';
  let end: number | undefined;
  for (const run of runs) {
    if (end !== undefined) {
      const gap = run.x - end;
      // A space is roughly a quarter to a third of the font size.
      const space = run.height * 0.3;
      // Smaller gaps are kerning between runs of one word: joined directly.
      if (gap > space * 0.5 && !out.endsWith(' ') && !run.text.startsWith(' ')) {
        const count = Math.min(40, Math.max(1, Math.round(gap / space)));
        // A column gap must read as one: never fewer than two spaces for wide gaps.
        out += ' '.repeat(gap > space * 2.5 ? Math.max(2, count) : 1);
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
