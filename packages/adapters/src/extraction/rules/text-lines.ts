/** A run of text on one line, separated from its neighbours by two or more spaces (a layout column). */
export interface Segment {
  text: string;
  /** Column of the first character. */
  start: number;
  /** Column after the last character. */
  end: number;
}

export interface TextLine {
  /** Index in the document's line list. */
  index: number;
  /** 1-based page, 1 when the input had no page structure. */
  page: number;
  raw: string;
  segments: Segment[];
}

/** Longer lines are OCR garbage, not layout; they are cut so every later scan stays bounded. */
export const MAX_LINE_LENGTH = 2000;

/**
 * Lines past this are not read: 500 dense pages fit, and the cap bounds the work hostile
 * input (a megabyte of short garbage lines) can cause.
 */
export const MAX_LINES = 25_000;

/**
 * Splits text into lines of column segments. Text layers and OCR keep columns apart with runs
 * of spaces, so two or more spaces (or a tab) end a segment; a single space is a word gap.
 *
 * @example
 * toTextLines('Total        $5.00')[0].segments.map((s) => s.text) // ['Total', '$5.00']
 */
export function toTextLines(text: string, page = 1, firstIndex = 0): TextLine[] {
  const lines: TextLine[] = [];
  const rawLines = text.replace(/\r\n?/g, '\n').split('\n', MAX_LINES);
  for (const [offset, full] of rawLines.entries()) {
    const raw = full
      .replace(/\t/g, '    ')
      .replace(/[\u00a0\u2007\u202f]/g, ' ')
      // Zero-width characters (some PDF generators put them after labels) are not text.
      .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
      .slice(0, MAX_LINE_LENGTH);
    const segments: Segment[] = [];
    for (const match of raw.matchAll(/\S+(?: \S+)*/g)) {
      segments.push({ text: match[0], start: match.index, end: match.index + match[0].length });
    }
    lines.push({ index: firstIndex + offset, page, raw, segments });
  }
  return lines;
}

/**
 * The segment on `line` that sits under `column` (the span of a label above it), preferring the
 * largest overlap. Stacked layouts put a value directly below its label.
 */
export function segmentBelow(line: TextLine, column: Segment, slack = 2): Segment | undefined {
  let best: Segment | undefined;
  let bestOverlap = 0;
  for (const segment of line.segments) {
    const overlap = Math.min(segment.end, column.end + slack) - Math.max(segment.start, column.start - slack);
    if (overlap > bestOverlap) {
      best = segment;
      bestOverlap = overlap;
    }
  }
  return best;
}
