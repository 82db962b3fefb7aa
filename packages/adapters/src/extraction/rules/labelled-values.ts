import { type Segment, segmentBelow, type TextLine } from './text-lines';
import { type LabelKind, type LabelMatch, matchLabel, textAfterLabel } from './vocabulary';

/** Where a label's value was found: in the label's own segment, the next column, or the line below. */
export type ValuePlacement = 'inline' | 'next' | 'below';

export interface ValueOption {
  text: string;
  placement: ValuePlacement;
  /** Line the value sits on. */
  line: TextLine;
  /** Text that follows on the same line up to the next label (amounts sit after rates and codes). */
  lineTail: string;
}

export interface LabelOccurrence {
  kind: LabelKind;
  label: string;
  line: TextLine;
  segment: Segment;
  /** Candidate values in the order to try them; a field takes the first one it can read. */
  options: ValueOption[];
}

// Up to four words: `Total  Sales  Incl.  GST` is one label spaced apart word by word.
const MAX_JOINED_SEGMENTS = 4;

/**
 * Joins the words of a label that OCR spaced apart into columns (`Total  Incl.  GST@6%`) when
 * together they make a longer label than the first word alone; the longest such label wins.
 * Mutates and returns `lines`.
 */
export function joinSpacedLabels(lines: TextLine[]): TextLine[] {
  for (const line of lines) {
    if (line.segments.length < 2) continue;
    const segments = [...line.segments];
    for (let i = 0; i < segments.length - 1; i += 1) {
      const first = segments[i];
      const alone = first ? matchLabel(first.text) : undefined;
      if (!first || !alone) continue;
      let best: { j: number; text: string; length: number } | undefined;
      for (let j = i + 1; j < Math.min(segments.length, i + MAX_JOINED_SEGMENTS); j += 1) {
        const next = segments[j];
        const previous = segments[j - 1];
        if (!next || !previous || next.start - previous.end > 3) break;
        const text = segments
          .slice(i, j + 1)
          .map((segment) => segment.text)
          .join(' ');
        const joined = matchLabel(text);
        if (!joined || joined.label.length <= (best?.length ?? alone.label.length)) continue;
        best = { j, text, length: joined.label.length };
      }
      if (best) {
        const last = segments[best.j];
        segments.splice(i, best.j - i + 1, {
          text: best.text,
          start: first.start,
          end: last?.end ?? first.end,
        });
      }
    }
    line.segments = segments;
  }
  return lines;
}

// How far below a label a stacked value may sit (one blank line between them is common in scans).
const MAX_LINES_BELOW = 2;

/**
 * Every label in the document with where its value may be. A label followed by text in its own
 * segment (`Date: 03/11/2026`) offers only that; a bare label offers the next column on its line,
 * else the segment directly below it (header rows `Invoice # | Date` over a row of values).
 * Lines in `skipLines` (line-item table headings) are not read as labels.
 *
 * @example
 * findLabels(toTextLines('Due Date:   11/18/2026'), new Set())[0].options[0].text // '11/18/2026'
 */
export function findLabels(lines: readonly TextLine[], skipLines: ReadonlySet<number>): LabelOccurrence[] {
  const labelled = new Map<TextLine, (LabelMatch | undefined)[]>();
  const labelsOf = (line: TextLine) => {
    let found = labelled.get(line);
    if (!found) {
      found = line.segments.map((segment) => matchLabel(segment.text));
      labelled.set(line, found);
    }
    return found;
  };
  const occurrences: LabelOccurrence[] = [];
  for (const [position, line] of lines.entries()) {
    if (skipLines.has(line.index) || line.segments.length === 0) continue;
    const matches = labelsOf(line);
    for (const [segmentIndex, segment] of line.segments.entries()) {
      const match = matches[segmentIndex];
      if (!match) continue;
      const tailSegments: string[] = [];
      for (let next = segmentIndex + 1; next < line.segments.length && !matches[next]; next += 1) {
        tailSegments.push(line.segments[next]?.text ?? '');
      }
      const rest = textAfterLabel(segment.text, match);
      const lineTail = [rest, ...tailSegments].filter(Boolean).join('  ');
      const options: ValueOption[] = [];
      if (rest) {
        options.push({ text: rest, placement: 'inline', line, lineTail });
      } else {
        const nextSegment = line.segments[segmentIndex + 1];
        if (nextSegment && !matches[segmentIndex + 1]) {
          options.push({ text: nextSegment.text, placement: 'next', line, lineTail });
        }
        const below = valueBelow(lines, position, segment, labelsOf);
        if (below) options.push(below);
      }
      occurrences.push({ kind: match.kind, label: match.label, line, segment, options });
    }
  }
  return occurrences;
}

function valueBelow(
  lines: readonly TextLine[],
  position: number,
  label: Segment,
  labelsOf: (line: TextLine) => (LabelMatch | undefined)[],
): ValueOption | undefined {
  const page = lines[position]?.page;
  for (let offset = 1; offset <= MAX_LINES_BELOW; offset += 1) {
    const line = lines[position + offset];
    if (!line || line.page !== page) return undefined;
    if (line.segments.length === 0) continue;
    const below = segmentBelow(line, label);
    if (!below) return undefined;
    if (labelsOf(line)[line.segments.indexOf(below)]) return undefined;
    return { text: below.text, placement: 'below', line, lineTail: below.text };
  }
  return undefined;
}
