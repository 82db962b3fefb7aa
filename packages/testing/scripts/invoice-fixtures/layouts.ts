import { printIban } from './checksums';
import { type LayoutContext, printQuantity } from './context';
import { type Page, PageBuilder } from './page';
import type { LayoutName } from './spec';

const A4 = { width: 595, height: 842 };
const RIGHT = 545;

function vendorTaxLine(ctx: LayoutContext): string {
  const { vendor } = ctx.spec;
  const printed = vendor.taxIdPrinted ?? vendor.taxId;
  return printed ? `${ctx.labels.vatId}: ${printed}` : '';
}

function bankLine(ctx: LayoutContext): string {
  const { vendor } = ctx.spec;
  if (!vendor.iban) return '';
  const parts = [
    vendor.bank ? `${ctx.labels.bank}: ${vendor.bank}` : '',
    `${ctx.labels.iban}: ${printIban(vendor.iban)}`,
    vendor.bic ? `${ctx.labels.bic}: ${vendor.bic}` : '',
  ];
  return parts.filter(Boolean).join('  ·  ');
}

/** The items table: description left, quantity, unit price and amount right-aligned. */
function itemsTable(page: PageBuilder, ctx: LayoutContext, top: number, columns = { qty: 350, unit: 450 }) {
  const { labels } = ctx;
  page.text(50, top, labels.description, { bold: true });
  page.text(columns.qty, top, labels.quantity, { bold: true, align: 'right' });
  page.text(columns.unit, top, labels.unitPrice, { bold: true, align: 'right' });
  page.text(RIGHT, top, labels.amount, { bold: true, align: 'right' });
  page.rule(50, top + 5, RIGHT);
  let y = top + 20;
  for (const line of ctx.totals.lines) {
    page.text(50, y, line.description);
    page.text(columns.qty, y, printQuantity(ctx, line.quantity), { align: 'right' });
    page.text(columns.unit, y, ctx.num(line.unitPrice), { align: 'right' });
    page.text(RIGHT, y, ctx.num(line.amount), { align: 'right' });
    y += 16;
  }
  page.rule(50, y - 10, RIGHT);
  return y + 8;
}

/** Subtotal, one line per tax rate, total, then deposit and balance when a deposit was paid. */
function totalsBlock(page: PageBuilder, ctx: LayoutContext, top: number, labelX = 360): number {
  const { labels, totals, spec } = ctx;
  const rows: Array<[string, string, boolean]> = [[labels.subtotal, ctx.money(totals.subtotal), false]];
  for (const tax of totals.taxes) rows.push([ctx.taxLabel(tax.rate), ctx.money(tax.tax), false]);
  rows.push([labels.total, ctx.money(totals.total), true]);
  if (spec.paid !== undefined) {
    rows.push([labels.paid, ctx.money(spec.paid), false]);
    rows.push([labels.balance, ctx.money(Math.round((totals.total - spec.paid) * 100) / 100), true]);
  }
  let y = top;
  for (const [label, value, bold] of rows) {
    page.text(labelX, y, label, { bold });
    page.text(RIGHT, y, value, { bold, align: 'right' });
    y += 15;
  }
  return y;
}

function partyBlock(page: PageBuilder, ctx: LayoutContext, x: number, top: number, heading: string): number {
  const customer = ctx.spec.customer;
  if (!customer) return top;
  let y = top;
  if (heading) {
    page.text(x, y, heading, { bold: true });
    y += 14;
  }
  for (const line of [customer.name, ...customer.lines]) {
    page.text(x, y, line);
    y += 12;
  }
  if (customer.taxId) {
    page.text(x, y, `${ctx.labels.vatId}: ${customer.taxId}`);
    y += 12;
  }
  return y;
}

function metaRows(ctx: LayoutContext): Array<[string, string]> {
  const { spec, labels } = ctx;
  return [
    [labels.invoiceNumber, spec.invoiceNumber],
    [labels.invoiceDate, ctx.date(spec.invoiceDate)],
    ...(spec.extraMeta ?? []),
    ...(spec.dueDate ? ([[labels.dueDate, ctx.date(spec.dueDate)]] as Array<[string, string]>) : []),
  ];
}

/** Letterhead top-left, title and meta right, bill-to, table, totals bottom-right, footer. */
function classic(ctx: LayoutContext): Page {
  const page = new PageBuilder(A4.width, A4.height);
  const { spec, labels } = ctx;
  page.text(50, 70, spec.vendor.name, { size: 18, bold: true });
  let y = 90;
  for (const line of [...spec.vendor.lines, ...(spec.vendor.contact ?? [])]) {
    page.text(50, y, line);
    y += 12;
  }
  page.text(RIGHT, 70, labels.title, { size: 22, bold: true, align: 'right' });
  let metaY = 170;
  for (const [label, value] of metaRows(ctx)) {
    page.text(350, metaY, `${label}:`, { bold: true });
    page.text(RIGHT, metaY, value, { align: 'right' });
    metaY += 14;
  }
  const partyEnd = partyBlock(page, ctx, 50, 170, labels.billTo);
  y = itemsTable(page, ctx, Math.max(metaY, partyEnd, y) + 30);
  y = totalsBlock(page, ctx, y + 10);
  y += 20;
  for (const note of spec.notes ?? []) {
    page.text(50, y, note);
    y += 12;
  }
  page.rule(50, 760, RIGHT);
  page.text(50, 775, vendorTaxLine(ctx), { size: 8 });
  page.text(50, 787, bankLine(ctx), { size: 8 });
  page.text(50, 799, labels.thanks, { size: 8 });
  return page.build();
}

/** German business letter (DIN 5008): sender line over the address, meta right, 3-column footer. */
function letter(ctx: LayoutContext): Page {
  const page = new PageBuilder(A4.width, A4.height);
  const { spec, labels, totals } = ctx;
  page.text(RIGHT, 60, spec.vendor.name, { size: 15, bold: true, align: 'right' });
  let y = 76;
  for (const line of spec.vendor.lines) {
    page.text(RIGHT, y, line, { size: 8, align: 'right' });
    y += 10;
  }
  page.text(50, 140, [spec.vendor.name, ...spec.vendor.lines].join(' · '), { size: 6.5 });
  page.rule(50, 144, 300);
  partyBlock(page, ctx, 50, 160, '');
  let metaY = 160;
  for (const [label, value] of metaRows(ctx)) {
    page.text(360, metaY, label, { size: 8.5 });
    page.text(RIGHT, metaY, value, { size: 8.5, align: 'right' });
    metaY += 13;
  }
  page.text(50, 270, `${labels.title} ${spec.invoiceNumber}`, { size: 14, bold: true });
  y = itemsTable(page, ctx, 300);
  y = totalsBlock(page, ctx, y + 10);
  y += 20;
  for (const note of spec.notes ?? []) {
    page.text(50, y, note.replace('{total}', ctx.money(totals.total)));
    y += 12;
  }
  page.rule(50, 750, RIGHT);
  const columns: string[][] = [
    [spec.vendor.name, ...spec.vendor.lines],
    spec.vendor.iban
      ? [
          spec.vendor.bank ?? '',
          `${labels.iban}: ${printIban(spec.vendor.iban)}`,
          `${labels.bic}: ${spec.vendor.bic ?? ''}`,
        ]
      : [],
    [...(spec.vendor.contact ?? []), vendorTaxLine(ctx)],
  ];
  columns.forEach((column, i) => {
    column.forEach((line, j) => {
      page.text(50 + i * 170, 762 + j * 10, line, { size: 7 });
    });
  });
  return page.build();
}

/** Till receipt: narrow, centred header, gross prices, tendered cash and change. */
function receipt(ctx: LayoutContext): Page {
  const width = 226;
  const right = 214;
  const page = new PageBuilder(width, 0);
  const { spec, labels, totals } = ctx;
  const mono = { mono: true, size: 8 } as const;
  let y = 30;
  page.text(width / 2, y, spec.vendor.name, { ...mono, size: 11, bold: true, align: 'center' });
  y += 14;
  for (const line of [...spec.vendor.lines, ...(spec.vendor.contact ?? []), vendorTaxLine(ctx)]) {
    page.text(width / 2, y, line, { ...mono, align: 'center' });
    y += 10;
  }
  y += 6;
  for (const [label, value] of metaRows(ctx)) {
    page.text(12, y, `${label}: ${value}`, mono);
    y += 10;
  }
  page.rule(12, y - 4, right);
  y += 8;
  for (const line of totals.lines) {
    const qty = line.quantity === 1 ? '' : `${printQuantity(ctx, line.quantity)} x `;
    page.text(12, y, `${qty}${line.description}`, mono);
    page.text(right, y, ctx.num(line.amount), { ...mono, align: 'right' });
    y += 10;
    if (line.quantity !== 1) {
      page.text(24, y, `${printQuantity(ctx, line.quantity)} x ${ctx.num(line.unitPrice)}`, mono);
      y += 10;
    }
  }
  page.rule(12, y - 4, right);
  y += 8;
  page.text(12, y, labels.total, { ...mono, size: 10, bold: true });
  page.text(right, y, ctx.money(totals.total), { ...mono, size: 10, bold: true, align: 'right' });
  y += 14;
  if (spec.paid !== undefined) {
    page.text(12, y, labels.paid, mono);
    page.text(right, y, ctx.num(spec.paid), { ...mono, align: 'right' });
    y += 10;
    page.text(12, y, labels.change, mono);
    page.text(right, y, ctx.num(Math.round((spec.paid - totals.total) * 100) / 100), {
      ...mono,
      align: 'right',
    });
    y += 10;
  }
  y += 8;
  // The tax breakdown as a small table: a label row, then one value row per rate.
  const taxWord = labels.tax.split('{rate}')[0]?.trim() ?? '';
  page.text(12, y, `${taxWord} %`, mono);
  page.text(95, y, labels.subtotal, { ...mono, align: 'right' });
  page.text(150, y, taxWord, { ...mono, align: 'right' });
  page.text(right, y, labels.gross, { ...mono, align: 'right' });
  y += 10;
  for (const tax of totals.taxes) {
    page.text(12, y, `${ctx.taxLabel(tax.rate).replace(/^\D+/, '')}`, mono);
    page.text(95, y, ctx.num(tax.base), { ...mono, align: 'right' });
    page.text(150, y, ctx.num(tax.tax), { ...mono, align: 'right' });
    page.text(right, y, ctx.num(Math.round((tax.base + tax.tax) * 100) / 100), { ...mono, align: 'right' });
    y += 10;
  }
  y += 8;
  for (const note of [...(spec.notes ?? []), labels.thanks]) {
    page.text(width / 2, y, note, { ...mono, align: 'center' });
    y += 10;
  }
  page.height = y + 20;
  return page.build();
}

/** Letterhead left and customer right on the same rows, label-over-value meta, totals box right. */
function twoColumn(ctx: LayoutContext): Page {
  const page = new PageBuilder(A4.width, A4.height);
  const { spec, labels } = ctx;
  page.text(50, 70, spec.vendor.name, { size: 16, bold: true });
  page.text(RIGHT, 70, labels.title, { size: 20, bold: true, align: 'right' });
  let y = 92;
  for (const line of [...spec.vendor.lines, ...(spec.vendor.contact ?? []), vendorTaxLine(ctx)]) {
    page.text(50, y, line);
    y += 12;
  }
  const partyEnd = partyBlock(page, ctx, 330, 92, labels.billTo);
  let top = Math.max(y, partyEnd) + 24;
  const meta = metaRows(ctx);
  meta.forEach(([label, value], i) => {
    page.text(50 + i * 125, top, label, { bold: true, size: 8.5 });
    page.text(50 + i * 125, top + 14, value);
  });
  top += 50;
  y = itemsTable(page, ctx, top);
  const boxTop = y + 4;
  page.box(340, boxTop, RIGHT - 330, 15 * (ctx.totals.taxes.length + 2) + 10);
  totalsBlock(page, ctx, boxTop + 16, 350);
  let left = boxTop + 16;
  for (const line of [
    labels.bank && ctx.spec.vendor.bank ? `${labels.bank}: ${ctx.spec.vendor.bank}` : '',
    ctx.spec.vendor.iban ? `${labels.iban}: ${printIban(ctx.spec.vendor.iban)}` : '',
    ctx.spec.vendor.bic ? `${labels.bic}: ${ctx.spec.vendor.bic}` : '',
    ...(spec.notes ?? []),
  ]) {
    page.text(50, left, line, { size: 8.5 });
    if (line) left += 15;
  }
  page.text(50, 800, labels.thanks, { size: 8 });
  return page.build();
}

/** Statement style: the amount due and due date in a box at the top, the breakdown below. */
function amountDue(ctx: LayoutContext): Page {
  const page = new PageBuilder(A4.width, A4.height);
  const { spec, labels, totals } = ctx;
  page.text(50, 66, spec.vendor.name, { size: 16, bold: true });
  let y = 84;
  for (const line of [...spec.vendor.lines, ...(spec.vendor.contact ?? [])]) {
    page.text(50, y, line, { size: 8.5 });
    y += 11;
  }
  page.text(RIGHT, 66, `${labels.title} ${spec.invoiceNumber}`, { size: 13, bold: true, align: 'right' });
  const boxTop = Math.max(y, 130) + 10;
  page.box(50, boxTop, RIGHT - 50, 56);
  const due = Math.round((totals.total - (spec.paid ?? 0)) * 100) / 100;
  page.text(64, boxTop + 18, labels.amountDue, { size: 9 });
  page.text(64, boxTop + 42, ctx.money(due), { size: 20, bold: true });
  if (spec.dueDate) {
    page.text(330, boxTop + 18, labels.dueDate, { size: 9 });
    page.text(330, boxTop + 42, ctx.date(spec.dueDate), { size: 14, bold: true });
  }
  y = boxTop + 86;
  const partyEnd = partyBlock(page, ctx, 50, y, labels.billTo);
  let metaY = y;
  for (const [label, value] of metaRows(ctx).filter(([label]) => label !== labels.dueDate)) {
    page.text(350, metaY, label);
    page.text(RIGHT, metaY, value, { align: 'right' });
    metaY += 14;
  }
  y = itemsTable(page, ctx, Math.max(partyEnd, metaY) + 26);
  y = totalsBlock(page, ctx, y + 10);
  y += 16;
  for (const note of spec.notes ?? []) {
    page.text(50, y, note, { size: 8.5 });
    y += 12;
  }
  page.text(50, 780, vendorTaxLine(ctx), { size: 8 });
  page.text(50, 792, bankLine(ctx), { size: 8 });
  return page.build();
}

export const LAYOUTS: Record<LayoutName, (ctx: LayoutContext) => Page> = {
  classic,
  letter,
  receipt,
  'two-column': twoColumn,
  'amount-due': amountDue,
};
