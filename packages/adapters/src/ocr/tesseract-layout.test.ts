import { describe, expect, it } from 'vitest';
import { textFromTesseractTsv } from './tesseract-layout';

const HEADER =
  'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';

/** TSV rows for one line of words: `[text, left, width]`, all `height` tall at `top`. */
function tsvLine(block: number, top: number, height: number, words: [string, number, number][]): string[] {
  const lefts = words.map(([, left]) => left);
  const right = Math.max(...words.map(([, left, width]) => left + width));
  const rows = [
    `4\t1\t${block}\t1\t1\t0\t${Math.min(...lefts)}\t${top}\t${right - Math.min(...lefts)}\t${height}\t-1\t`,
  ];
  words.forEach(([text, left, width], i) => {
    rows.push(`5\t1\t${block}\t1\t1\t${i + 1}\t${left}\t${top}\t${width}\t${height}\t95.0\t${text}`);
  });
  return rows;
}

describe('textFromTesseractTsv', () => {
  it('lays words out on the page grid: a value in large print stays under its label', () => {
    // Body font: 10 px a character. The amount row is printed at twice that size.
    const tsv = [
      HEADER,
      '1\t1\t0\t0\t0\t0\t0\t0\t1200\t800\t-1\t',
      ...tsvLine(1, 100, 24, [
        ['Amount', 100, 60],
        ['due', 170, 30],
      ]),
      ...tsvLine(2, 100, 24, [
        ['Due', 700, 30],
        ['date', 740, 40],
      ]),
      ...tsvLine(3, 140, 48, [
        ['1,898.08', 100, 160],
        ['EUR', 280, 60],
      ]),
      ...tsvLine(4, 140, 48, [['2026-12-01', 700, 200]]),
    ].join('\n');
    const [labels, values] = (textFromTesseractTsv(tsv) ?? '').split('\n');
    expect(labels).toMatch(/^Amount due {2,}Due date$/);
    expect(values).toMatch(/^1,898\.08 EUR {2,}2026-12-01$/);
    expect(values?.indexOf('2026-12-01')).toBe(labels?.indexOf('Due date'));
  });

  it('returns undefined for a dump without words, and skips malformed rows', () => {
    expect(textFromTesseractTsv(HEADER)).toBeUndefined();
    expect(textFromTesseractTsv('garbage\nmore garbage')).toBeUndefined();
    const tsv = [
      HEADER,
      '5\t1\t1\t1\t1\t1\tx\ty\tz\tw\t90\tNaN',
      ...tsvLine(1, 10, 20, [['Total', 10, 50]]),
    ].join('\n');
    expect(textFromTesseractTsv(tsv)).toBe('Total');
  });
});
