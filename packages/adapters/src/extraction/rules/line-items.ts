import type { InvoiceFields } from '@paperlane/core';
import { findCurrencies } from './currency';
import { findNumbers, roundMoney } from './numbers';
import type { Segment, TextLine } from './text-lines';
import { type ItemColumn, matchColumn, matchLabel } from './vocabulary';

export type LineItem = InvoiceFields['lineItems'][number];

export interface ItemTableHeader {
  line: TextLine;
  columns: { segment: Segment; column: ItemColumn }[];
}

const MAX_ITEMS = 500;

/**
 * Whether a line is the heading row of a line-item table: at least two headings, one of them a
 * description or amount column and one a number column.
 */
export function itemTableHeader(line: TextLine): ItemTableHeader | undefined {
  if (line.segments.length < 2 || line.segments.length > 12) return undefined;
  const columns: ItemTableHeader['columns'] = [];
  for (const segment of line.segments) {
    const column = matchColumn(segment.text);
    if (column) columns.push({ segment, column });
  }
  const kinds = new Set(columns.map((c) => c.column));
  const numeric = kinds.has('quantity') || kinds.has('unitPrice') || kinds.has('amount');
  if (columns.length < 2 || columns.length < line.segments.length - 1 || !numeric) return undefined;
  if (!kinds.has('description') && !kinds.has('quantity')) return undefined;
  return { line, columns };
}

// A cell holding only a number, optionally with a currency or a percent sign.
function numericCell(text: string): { value: number; percent: boolean } | undefined {
  const numbers = findNumbers(text);
  if (numbers.length !== 1) return undefined;
  const [number] = numbers;
  if (!number) return undefined;
  const rest = (text.slice(0, number.start) + text.slice(number.end)).replace(/[\s%()+-]/g, '');
  const currencyText = findCurrencies(rest)
    .map((c) => rest.slice(c.start, c.end))
    .join('');
  if (rest.length > currencyText.length + 1) return undefined;
  return { value: number.value, percent: number.percent };
}

// A quantity printed with its unit in one cell: `20 Stk`, `25 Liter(s)`, `3 m²`, `12 h`.
const QUANTITY_WITH_UNIT = /^(\d{1,6}(?:[.,]\d{1,4})?)\s?(\p{L}{1,8}\.?(?:\(s\))?[²³]?)$/u;

function quantityWithUnit(text: string): number | undefined {
  const match = QUANTITY_WITH_UNIT.exec(text.trim());
  if (!match || matchLabel(text)) return undefined;
  return findNumbers(match[1] ?? '')[0]?.value;
}

function isTotalsLine(line: TextLine): boolean {
  return line.segments.some((segment) => {
    const kind = matchLabel(segment.text)?.kind;
    return (
      kind === 'subtotal' || kind === 'total' || kind === 'tax' || kind === 'amountDue' || kind === 'gross'
    );
  });
}

/** Picks which heading a number belongs to: numbers are right-aligned under their heading. */
function columnFor(cell: Segment, header: ItemTableHeader): ItemColumn | undefined {
  let best: ItemColumn | undefined;
  let distance = Number.POSITIVE_INFINITY;
  for (const { segment, column } of header.columns) {
    if (column === 'description') continue;
    const d = Math.min(Math.abs(segment.end - cell.end), Math.abs(segment.start - cell.start));
    if (d < distance) {
      distance = d;
      best = column;
    }
  }
  return distance <= 8 ? best : undefined;
}

function completeItem(description: string, values: Partial<Record<ItemColumn, number>>): LineItem {
  let { quantity, unitPrice, amount } = values;
  if (amount === undefined && quantity !== undefined && unitPrice !== undefined) {
    amount = roundMoney(quantity * unitPrice);
  }
  if (unitPrice === undefined && amount !== undefined) {
    unitPrice = quantity ? roundMoney(amount / quantity) : amount;
  }
  if (quantity === undefined && amount !== undefined && unitPrice) {
    const derived = amount / unitPrice;
    quantity = Math.abs(derived - Math.round(derived * 1000) / 1000) < 1e-9 ? derived : 1;
  }
  const item: LineItem = { description: description.slice(0, 1000) };
  if (quantity !== undefined) item.quantity = quantity;
  if (unitPrice !== undefined) item.unitPrice = unitPrice;
  if (amount !== undefined) item.amount = amount;
  return item;
}

/**
 * Reads the rows under a line-item table heading until the totals begin. A row is a description
 * followed by number cells; each number goes to the heading it is aligned under, falling back to
 * the usual order (quantity, unit price, amount). A text-only row continues the previous
 * description (wrapped text).
 */
export function readItemTable(lines: readonly TextLine[], headerPosition: number): LineItem[] {
  const headerLine = lines[headerPosition];
  const header = headerLine ? itemTableHeader(headerLine) : undefined;
  if (!header || !headerLine) return [];
  const descriptionColumn = header.columns.find((c) => c.column === 'description')?.segment;
  const descriptionStart = descriptionColumn?.start ?? headerLine.segments[0]?.start ?? 0;
  // A table whose first heading is the quantity (`Menge  Produkt  Preis`) prints it before the description.
  const leftmost = [...header.columns].sort((a, b) => a.segment.start - b.segment.start)[0];
  const quantityFirst = leftmost?.column === 'quantity';
  const items: LineItem[] = [];
  let blankRun = 0;
  let strayRun = 0;
  for (
    let position = headerPosition + 1;
    position < lines.length && items.length < MAX_ITEMS;
    position += 1
  ) {
    const line = lines[position];
    if (!line || line.page !== headerLine.page) break;
    if (line.segments.length === 0) {
      blankRun += 1;
      if (blankRun > 1) break;
      continue;
    }
    blankRun = 0;
    if (isTotalsLine(line) || itemTableHeader(line)) break;
    const cells: ItemCell[] = line.segments.map((segment) => {
      const number = numericCell(segment.text);
      const quantity = number ? undefined : quantityWithUnit(segment.text);
      return quantity === undefined
        ? { segment, number }
        : { segment, number: { value: quantity, percent: false }, quantity: true };
    });
    if (cells.every((cell) => cell.number)) {
      // Numbers alone: the amount of the row above printed a line lower, or a code (GTIN) under it.
      const previous = items.at(-1);
      const last = cells.at(-1)?.number;
      if (previous && previous.amount === undefined && last && !last.percent) previous.amount = last.value;
      if (previous) continue;
    }
    // Leading numbers are position numbers (`Pos. 1`); text between amounts is a unit (`Std.`).
    const firstText = cells.findIndex((cell) => !cell.number);
    const afterText = firstText < 0 ? -1 : cells.findIndex((cell, i) => i > firstText && cell.number);
    const descriptionCells =
      firstText < 0 ? [] : cells.slice(firstText, afterText < 0 ? undefined : afterText);
    const description = descriptionCells.map((cell) => cell.segment.text).join(' ');
    if (afterText < 0) {
      const previous = items.at(-1);
      const aligned = Math.abs((line.segments[0]?.start ?? 0) - descriptionStart) <= 4;
      if (previous && aligned && line.segments.length === 1 && firstText === 0) {
        previous.description = `${previous.description} ${description}`.slice(0, 1000);
        continue;
      }
      // A text layer does not indent lines, so a wrapped description, a code under an item
      // (`(Stunde):`, `(GTIN)`) or a heading's second line (`unitaire`) may not align: a line
      // or two of it is passed over, not taken for the end of the table.
      if (line.segments.length === 1 && firstText === 0 && strayRun < 2) {
        strayRun += 1;
        continue;
      }
      break;
    }
    if (!/\p{L}/u.test(description)) continue;
    strayRun = 0;
    const leading = cells[0];
    if (quantityFirst && firstText === 1 && leading?.number && !leading.number.percent)
      leading.quantity = true;
    const numberCells = [
      ...(leading?.quantity && firstText === 1 ? [leading] : []),
      ...cells.slice(afterText).filter((cell) => cell.number),
    ];
    items.push(completeItem(description, assignColumns(numberCells, header)));
  }
  return items;
}

interface ItemCell {
  segment: Segment;
  number?: { value: number; percent: boolean } | undefined;
  /** The cell is the row's quantity (printed with its unit, or first where the table puts it first). */
  quantity?: boolean;
}

function assignColumns(allCells: ItemCell[], header: ItemTableHeader): Partial<Record<ItemColumn, number>> {
  const values: Partial<Record<ItemColumn, number>> = {};
  // A number with its unit is the quantity wherever it stands.
  const withUnit = allCells.find((cell) => cell.quantity);
  if (withUnit?.number) values.quantity = withUnit.number.value;
  const cells = allCells.filter((cell) => !cell.quantity);
  const aligned = cells.map((cell) => (cell.number?.percent ? 'taxRate' : columnFor(cell.segment, header)));
  const distinct = new Set(aligned);
  if (
    !aligned.includes(undefined) &&
    distinct.size === aligned.length &&
    !(values.quantity !== undefined && aligned.includes('quantity'))
  ) {
    cells.forEach((cell, i) => {
      const column = aligned[i];
      if (column && cell.number) values[column] = cell.number.value;
    });
    return values;
  }
  const amounts = cells.filter((cell) => !cell.number?.percent).map((cell) => cell.number?.value ?? 0);
  const order: ItemColumn[] =
    values.quantity !== undefined
      ? amounts.length >= 2
        ? ['unitPrice', 'amount']
        : ['amount']
      : amounts.length >= 3
        ? ['quantity', 'unitPrice', 'amount']
        : amounts.length === 2
          ? [header.columns.some((c) => c.column === 'quantity') ? 'quantity' : 'unitPrice', 'amount']
          : ['amount'];
  const tail = amounts.slice(-order.length);
  order.forEach((column, i) => {
    values[column] = tail[i];
  });
  return values;
}

const QUANTITY_PREFIX = /^(\d{1,4}(?:[.,]\d{1,3})?)\s?[x×*]\s+(\S.*)$/i;
const QUANTITY_DETAIL = /^(\d{1,4}(?:[.,]\d{1,3})?)\s?[x×*]\s?(\S+)$/i;

/**
 * Receipt rows without a table heading: `2 x Flat white   7.80`, optionally followed by a detail
 * line `2 x 3.90`, or `Scone with jam   4.25` (one piece). Reads `lines` (the receipt body,
 * between its header fields and its total).
 */
export function readReceiptItems(lines: readonly TextLine[]): LineItem[] {
  const items: LineItem[] = [];
  for (const line of lines) {
    if (items.length >= MAX_ITEMS) break;
    const segments = line.segments;
    if (segments.length === 1) {
      const detail = QUANTITY_DETAIL.exec(segments[0]?.text ?? '');
      const previous = items.at(-1);
      const price = detail ? numericCell(detail[2] ?? '') : undefined;
      if (detail && previous && price) {
        previous.quantity = numericCell(detail[1] ?? '')?.value ?? previous.quantity;
        previous.unitPrice = price.value;
      }
      continue;
    }
    if (segments.length !== 2) continue;
    const [first, last] = segments;
    if (!first || !last || matchLabel(first.text)) continue;
    const price = numericCell(last.text);
    const priceNumber = findNumbers(last.text)[0];
    if (!price || price.percent || priceNumber?.decimals !== 2 || !/\p{L}/u.test(first.text)) continue;
    const prefixed = QUANTITY_PREFIX.exec(first.text);
    const quantity = prefixed ? (numericCell(prefixed[1] ?? '')?.value ?? 1) : 1;
    const description = prefixed ? (prefixed[2] ?? first.text) : first.text;
    items.push(completeItem(description.trim(), { quantity, amount: price.value }));
  }
  return items;
}
