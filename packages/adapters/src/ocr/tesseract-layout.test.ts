import { describe, expect, it } from 'vitest';
import { layoutFromTesseractTsv, textFromTesseractTsv } from './tesseract-layout';

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

// Body font: 10 px a character. The amount row is printed at twice that size.
const TWO_COLUMNS = [
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

describe('textFromTesseractTsv', () => {
  it('lays words out on the page grid: a value in large print stays under its label', () => {
    const [labels, values] = (textFromTesseractTsv(TWO_COLUMNS) ?? '').split('\n');
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

describe('layoutFromTesseractTsv', () => {
  it('gives each column of a line its own position, in thousandths of the page from the top left', () => {
    expect(layoutFromTesseractTsv(TWO_COLUMNS)).toEqual([
      { text: 'Amount due', x: 83, y: 130, width: 83, height: 25 },
      { text: 'Due date', x: 583, y: 130, width: 67, height: 25 },
      { text: '1,898.08 EUR', x: 83, y: 185, width: 200, height: 50 },
      { text: '2026-12-01', x: 583, y: 185, width: 167, height: 50 },
    ]);
  });

  it('is undefined without the page row that gives the page size', () => {
    expect(
      layoutFromTesseractTsv([HEADER, ...tsvLine(1, 10, 20, [['Total', 10, 50]])].join('\n')),
    ).toBeUndefined();
  });
});
