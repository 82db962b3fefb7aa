/** A page as positioned items in PDF points (origin top-left, y = text baseline). */
export interface TextItem {
  kind: 'text';
  x: number;
  y: number;
  text: string;
  size: number;
  bold?: boolean;
  mono?: boolean;
  align?: 'left' | 'right' | 'center';
}

export interface RuleItem {
  kind: 'rule';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface BoxItem {
  kind: 'box';
  x: number;
  y: number;
  w: number;
  h: number;
  /** Light fill behind a totals box; the text stays dark. */
  fill: string;
}

export type PageItem = TextItem | RuleItem | BoxItem;

export interface Page {
  width: number;
  height: number;
  items: PageItem[];
}

/** Measures text in points; the generator passes pdf-lib's standard font metrics. */
export type Measure = (text: string, size: number, bold: boolean, mono: boolean) => number;

/** Collects items; layouts call `text` and `rule` with page coordinates. */
export class PageBuilder {
  readonly items: PageItem[] = [];
  constructor(
    readonly width: number,
    public height: number,
  ) {}

  text(
    x: number,
    y: number,
    text: string,
    options: Partial<Omit<TextItem, 'kind' | 'x' | 'y' | 'text'>> = {},
  ) {
    if (text.length > 0) this.items.push({ kind: 'text', x, y, text, size: 9, ...options });
  }

  rule(x1: number, y1: number, x2: number, y2 = y1) {
    this.items.push({ kind: 'rule', x1, y1, x2, y2 });
  }

  box(x: number, y: number, w: number, h: number, fill = '#eeeeee') {
    this.items.push({ kind: 'box', x, y, w, h, fill });
  }

  build(): Page {
    return { width: this.width, height: this.height, items: this.items };
  }
}

/** Where a text item starts on the line, whatever its alignment. */
export function leftEdge(item: TextItem, measure: Measure): number {
  const width = measure(item.text, item.size, item.bold ?? false, item.mono ?? false);
  if (item.align === 'right') return item.x - width;
  if (item.align === 'center') return item.x - width / 2;
  return item.x;
}

/**
 * The page's text the way a layout-preserving extractor (`pdftotext -layout`) shows it:
 * items sharing a baseline form one line, placed at their column, at least two spaces apart.
 */
export function pageText(page: Page, measure: Measure): string {
  const rows = new Map<number, Array<{ left: number; text: string }>>();
  for (const item of page.items) {
    if (item.kind !== 'text') continue;
    const y = Math.round(item.y);
    const row = rows.get(y) ?? [];
    row.push({ left: leftEdge(item, measure), text: item.text });
    rows.set(y, row);
  }
  const margin = Math.min(...[...rows.values()].flat().map((cell) => cell.left));
  const lines: string[] = [];
  for (const y of [...rows.keys()].sort((a, b) => a - b)) {
    const cells = (rows.get(y) ?? []).sort((a, b) => a.left - b.left);
    let line = '';
    for (const cell of cells) {
      const column = Math.round((cell.left - margin) / 4.5);
      const gap = line.length === 0 ? column : Math.max(2, column - line.length);
      line += ' '.repeat(gap) + cell.text;
    }
    lines.push(line.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
