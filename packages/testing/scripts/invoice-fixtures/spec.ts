import type { DateStyle, Lang, NumberStyle } from './format';

export type FixtureFormat = 'pdf-text' | 'pdf-scan' | 'png' | 'jpeg';
export type LayoutName = 'classic' | 'letter' | 'receipt' | 'two-column' | 'amount-due';

/** Every printed label a layout may use; languages give defaults, fixtures override. */
export interface Labels {
  title: string;
  invoiceNumber: string;
  invoiceDate: string;
  dueDate: string;
  billTo: string;
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  subtotal: string;
  /** `{rate}` is replaced by the rate, printed in the fixture's number style. */
  tax: string;
  total: string;
  /** Gross column of a receipt's tax table. */
  gross: string;
  amountDue: string;
  paid: string;
  balance: string;
  change: string;
  vatId: string;
  iban: string;
  bic: string;
  bank: string;
  thanks: string;
}

export interface Party {
  name: string;
  lines: string[];
  taxId?: string;
}

export interface Vendor extends Party {
  /** How the tax id is printed when it differs from the compact value. */
  taxIdPrinted?: string;
  iban?: string;
  bic?: string;
  bank?: string;
  /** Phone, e-mail, register entries: printed, never expected. */
  contact?: string[];
}

export interface ItemSpec {
  description: string;
  quantity: number;
  unitPrice: number;
  /** Overrides the fixture's tax rate for this item. */
  taxRate?: number;
}

/** One invoice: the data, and how it is printed. Totals are computed, never typed in. */
export interface FixtureSpec {
  name: string;
  format: FixtureFormat;
  layout: LayoutName;
  lang: Lang;
  vendor: Vendor;
  customer?: Party;
  invoiceNumber: string;
  invoiceDate: string;
  dueDate?: string;
  currency: string;
  /** `#` marks the number: `# €`, `$#`, `CHF #`. */
  money: string;
  numberStyle: NumberStyle;
  dateStyle: DateStyle;
  items: ItemSpec[];
  taxRate: number;
  /** Receipts print gross prices; the tax is the part included in them. */
  pricesIncludeTax?: boolean;
  /** A deposit already paid (invoices) or cash handed over (receipts): a distractor amount. */
  paid?: number;
  labels?: Partial<Labels>;
  /** Extra printed lines (payment terms, notes) that may hold distracting dates or numbers. */
  notes?: string[];
  /** Printed, never expected (delivery date, customer number, order date). */
  extraMeta?: Array<[label: string, value: string]>;
}

export interface TaxLine {
  rate: number;
  base: number;
  tax: number;
}

export interface Totals {
  lines: Array<ItemSpec & { amount: number }>;
  taxes: TaxLine[];
  subtotal: number;
  tax: number;
  total: number;
}

const round2 = (value: number) => Math.round((value + Number.EPSILON) * 100) / 100;

/** Line amounts, tax per rate, subtotal, tax and total, rounded the way invoices round. */
export function computeTotals(spec: FixtureSpec): Totals {
  const lines = spec.items.map((item) => ({ ...item, amount: round2(item.quantity * item.unitPrice) }));
  const rates = [...new Set(lines.map((line) => line.taxRate ?? spec.taxRate))].sort((a, b) => b - a);
  const taxes = rates.map((rate) => {
    const sum = round2(
      lines
        .filter((line) => (line.taxRate ?? spec.taxRate) === rate)
        .reduce((acc, line) => acc + line.amount, 0),
    );
    if (spec.pricesIncludeTax) {
      const tax = round2(sum - sum / (1 + rate / 100));
      return { rate, base: round2(sum - tax), tax };
    }
    return { rate, base: sum, tax: round2((sum * rate) / 100) };
  });
  const subtotal = round2(taxes.reduce((acc, t) => acc + t.base, 0));
  const tax = round2(taxes.reduce((acc, t) => acc + t.tax, 0));
  return { lines, taxes, subtotal, tax, total: round2(subtotal + tax) };
}

/** The InvoiceFields a perfect extractor returns for this fixture. */
export function expectedFields(spec: FixtureSpec) {
  const totals = computeTotals(spec);
  return {
    vendorName: spec.vendor.name,
    ...(spec.vendor.taxId ? { vendorTaxId: spec.vendor.taxId } : {}),
    invoiceNumber: spec.invoiceNumber,
    invoiceDate: spec.invoiceDate,
    ...(spec.dueDate ? { dueDate: spec.dueDate } : {}),
    currency: spec.currency,
    subtotal: totals.subtotal,
    tax: totals.tax,
    total: totals.total,
    ...(spec.vendor.iban ? { iban: spec.vendor.iban } : {}),
    lineItems: totals.lines.map((line) => ({
      description: line.description,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      amount: line.amount,
    })),
  };
}
