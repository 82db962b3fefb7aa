import { describe, expect, it } from 'vitest';
import {
  layoutLines,
  linesFromRuns,
  pageTextFromPdfjs,
  type TextRun,
  textRunsFromPdfjs,
  visibleCharCount,
} from './text-layout';

const run = (text: string, x: number, y: number, size = 10): TextRun => ({
  text,
  x,
  y,
  width: text.length * size * 0.5,
  height: size,
});

describe('linesFromRuns', () => {
  it('orders lines top to bottom and runs left to right, whatever the content stream order', () => {
    const lines = linesFromRuns([
      run('Total', 50, 600),
      run('12.00', 400, 600),
      run('Invoice', 50, 780, 14),
      run('INV-7', 103, 780, 14),
    ]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Invoice INV-7$/);
    expect(lines[1]).toMatch(/^Total {2,}12\.00$/);
  });

  it('keeps a table row on one line even when baselines wobble', () => {
    const [line] = linesFromRuns([run('Widget', 50, 500), run('2', 300, 501.5), run('9.50', 400, 499)]);
    expect(line?.split(/ {2,}/)).toEqual(['Widget', '2', '9.50']);
  });

  it('joins runs of one word split by kerning without a space', () => {
    const [line] = linesFromRuns([
      { text: 'Inv', x: 50, y: 700, width: 15, height: 10 },
      { text: 'oice', x: 65.5, y: 700, width: 20, height: 10 },
    ]);
    expect(line).toBe('Invoice');
  });

  it('separates lines closer than a font size but more than half of one', () => {
    expect(linesFromRuns([run('a', 50, 700), run('b', 50, 693)])).toEqual(['a', 'b']);
  });

  it('on a column grid, keeps a large-print value under its label', () => {
    // A label row in a small font over an "amount due" row in a font twice its size.
    const runs = [
      run('Total', 50, 700),
      run('Due', 400, 700),
      run('99.00', 50, 680, 20),
      run('2026-12-01', 400, 680, 20),
    ];
    const byGrid = linesFromRuns(runs, { columnWidth: 5 });
    expect(byGrid[1]?.indexOf('2026')).toBe(byGrid[0]?.indexOf('Due'));
    expect(byGrid[0]?.indexOf('Due')).toBe(70); // (400 - 50) / 5
  });

  it('on a column grid, indents a line by its first run and keeps word gaps single', () => {
    const lines = linesFromRuns([run('Hello', 50, 700), run('Bakery', 100, 680), run('Jansen', 134, 680)], {
      columnWidth: 5,
    });
    expect(lines).toEqual(['Hello', `${' '.repeat(10)}Bakery Jansen`]);
  });
});

describe('pdfjs items', () => {
  it('skips marked content and whitespace runs', () => {
    const items = [
      { type: 'beginMarkedContent' },
      { str: 'Hello', transform: [10, 0, 0, 10, 50, 700], width: 25, height: 10 },
      { str: ' ', transform: [10, 0, 0, 10, 75, 700], width: 5, height: 10 },
      { str: 'World', transform: [10, 0, 0, 10, 80, 700], width: 25, height: 10 },
    ];
    expect(textRunsFromPdfjs(items)).toHaveLength(2);
    expect(pageTextFromPdfjs(items)).toBe('Hello World');
  });

  it('counts only visible characters', () => {
    expect(visibleCharCount(' a b\n\tc ')).toBe(3);
  });

  it('positions each column of a line from the top-left corner of the page, in thousandths', () => {
    const page = { left: 0, bottom: 0, width: 600, height: 800 };
    const lines = layoutLines(
      [run('Invoice', 60, 760, 20), run('Total', 60, 100), run('due', 90, 100), run('12.00', 500, 100)],
      page,
    );
    expect(lines.map((line) => line.text)).toEqual(['Invoice', 'Total due', '12.00']);
    const [title, label, amount] = lines;
    expect(title).toMatchObject({ x: 100, y: 25, height: 25 });
    expect(label).toMatchObject({ x: 100, y: 863 });
    expect(amount?.x).toBe(833);
    expect(amount?.y).toBe(label?.y);
    expect(layoutLines([run('x', 1, 1)], { ...page, width: 0 })).toEqual([]);
  });
});
