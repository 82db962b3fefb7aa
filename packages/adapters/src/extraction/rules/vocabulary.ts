import { foldText } from './fold-text';

/**
 * What a label on an invoice introduces. `title` is the document title (`Invoice`, `Rechnung`),
 * which may carry the number; `amountDue` is what is left to pay (after deposits), a weaker
 * total; `paid` and `other` are known labels whose values must not be taken for anything else
 * (cash given, change, customer numbers, delivery dates).
 */
export type LabelKind =
  | 'invoiceNumber'
  | 'title'
  | 'invoiceDate'
  | 'dueDate'
  | 'vendorTaxId'
  | 'iban'
  | 'subtotal'
  | 'tax'
  | 'total'
  | 'gross'
  | 'amountDue'
  | 'recipient'
  | 'vendor'
  | 'other';

// Written folded (see foldText): lower case, no accents, `n°` as `no`. Matching takes the longest
// label that starts a segment, so `total excl. vat` beats `total` and `invoice date` beats `invoice`.
const LABELS: Record<LabelKind, readonly string[]> = {
  invoiceNumber: [
    'invoice number',
    'invoice no',
    'invoice nr',
    'invoice #',
    'invoice num',
    'inv no',
    'inv #',
    'inv. no',
    'invoice no.',
    'invoice id',
    'receipt no',
    'receipt number',
    'receipt #',
    'document no',
    'document number',
    'rechnungsnummer',
    'rechnungs-nr',
    'rechnungsnr',
    'rechnung nr',
    'rechnung-nr',
    'rechnung no',
    'belegnummer',
    'beleg-nr',
    'belegnr',
    'bon-nr',
    'bonnr',
    'bon nr',
    'bonnummer',
    'quittungsnummer',
    'facture no',
    'facture n',
    'no de facture',
    'no facture',
    'numero de facture',
    'numero facture',
    'ticket no',
    'recu no',
    'factuurnummer',
    'factuur nr',
    'factuurnr',
    'factuur no',
    'bonnummer',
    'kassabon nr',
    'factura no',
    'factura n',
    'no de factura',
    'no factura',
    'numero de factura',
    'num. factura',
    'n. factura',
    'ticket n',
    'fattura n',
    'fattura no',
    'fattura nr',
    'numero fattura',
    'n. fattura',
    'documento n',
    'documento no',
    'scontrino n',
    'ricevuta n',
    'faktura nr',
    'faktura numer',
    'numer faktury',
    'nr faktury',
  ],
  title: [
    'invoice',
    'avoir',
    'gutschrift',
    'credit note',
    'faktura',
    'tax invoice',
    'receipt',
    'rechnung',
    'quittung',
    'kassenbon',
    'facture',
    'recu',
    'factuur',
    'kassabon',
    'factura',
    'ticket',
    'fattura',
    'ricevuta',
    'scontrino',
  ],
  invoiceDate: [
    'invoice date',
    'date',
    'issue date',
    'date of issue',
    'issued',
    'issued on',
    'date issued',
    'receipt date',
    'rechnungsdatum',
    'datum',
    'belegdatum',
    'ausstellungsdatum',
    'date de facture',
    'date de facturation',
    "date d'emission",
    'date facture',
    'factuurdatum',
    'datum factuur',
    'fecha',
    'fecha de factura',
    'fecha factura',
    'fecha de emision',
    'fecha emision',
    'data',
    'data fattura',
    'data documento',
    'data emissione',
    'data di emissione',
  ],
  dueDate: [
    'due date',
    'due',
    'due on',
    'due by',
    'payment due',
    'payable by',
    'pay by',
    'payment date',
    'fallig am',
    'fallig',
    'falligkeit',
    'falligkeitsdatum',
    'zahlbar bis',
    'zahlungsziel',
    'faellig am',
    'echeance',
    "date d'echeance",
    'date limite de paiement',
    'a payer avant le',
    'payable le',
    'vervaldatum',
    'vervaldag',
    'te betalen voor',
    'uiterste betaaldatum',
    'vencimiento',
    'fecha de vencimiento',
    'fecha vencimiento',
    'fecha de pago',
    'scadenza',
    'data scadenza',
    'data di scadenza',
    'scadenza pagamento',
  ],
  vendorTaxId: [
    'vat no',
    'vat number',
    'vat reg. no',
    'vat reg no',
    'vat registration',
    'vat registration number',
    'vat reg',
    'vat id',
    'tax id',
    'tax no',
    'tax number',
    'ein',
    'tin',
    'federal tax id',
    'gst no',
    'abn',
    'ust-idnr',
    'ust-id',
    'ust-id-nr',
    'ust.-idnr',
    'ust-nr',
    'ust id',
    'ustid',
    'ustidnr',
    'steuernummer',
    'st.-nr',
    'steuer-nr',
    'mwst-nr',
    'uid',
    'uid-nr',
    'n. tva',
    'no tva',
    'no tva intracommunautaire',
    'tva intracommunautaire',
    'numero de tva',
    'identifiant tva',
    'btw-nummer',
    'btw nummer',
    'btw-nr',
    'btw nr',
    'btw-id',
    'btw id',
    'cif',
    'nif',
    'nif/cif',
    'n.i.f',
    'c.i.f',
    'p.iva',
    'p. iva',
    'partita iva',
    'p.i',
    'codice fiscale',
  ],
  iban: ['iban'],
  subtotal: [
    'total sales (excluding gst)',
    'total sales excluding gst',
    'total sales (excl gst)',
    'total excl gst',
    'total exclude gst',
    'total excluding gst',
    'total (excluding gst)',
    'amount (excluding gst)',
    'rechnungssumme ohne ust',
    'summe ohne ust',
    'gesamtbetrag ohne ust',
    'betrag ohne ust',
    'wartosc netto',
    'razem netto',
    'subtotal',
    'sub-total',
    'sub total',
    'net amount',
    'net total',
    'total net',
    'net',
    'total excl. vat',
    'total excl vat',
    'total excluding vat',
    'total before tax',
    'amount before tax',
    'total excl. tax',
    'zwischensumme',
    'nettobetrag',
    'netto',
    'summe netto',
    'gesamt netto',
    'netto-betrag',
    'total exkl. mwst',
    'total exkl mwst',
    'total netto',
    'rechnungsbetrag netto',
    'total ht',
    'montant ht',
    'sous-total',
    'sous total',
    'total hors taxes',
    'base ht',
    'subtotaal',
    'totaal excl. btw',
    'totaal excl btw',
    'totaal exclusief btw',
    'excl.',
    'excl',
    'excl. btw',
    'netto bedrag',
    'base imponible',
    'base',
    'importe neto',
    'total sin iva',
    'neto',
    'imponibile',
    'totale imponibile',
    'importo netto',
    'totale netto',
    'subtotale',
  ],
  tax: [
    'total gst',
    'gst amount',
    'total gst amount',
    'gst payable',
    'total tax amount',
    'steuerbetrag',
    'vat total',
    'tax total',
    'ust.-betrag',
    'wartosc vat',
    'kwota vat',
    'tax',
    'sales tax',
    'vat',
    'gst',
    'hst',
    'total vat',
    'total tax',
    'vat amount',
    'tax amount',
    'mwst',
    'mwst.',
    'ust',
    'ust.',
    'umsatzsteuer',
    'mehrwertsteuer',
    'zzgl. mwst',
    'zzgl. ust',
    'mwst-betrag',
    'tva',
    'montant tva',
    'total tva',
    'btw',
    'totaal btw',
    'btw-bedrag',
    'iva',
    'cuota iva',
    'importo iva',
    'totale iva',
    'imposta',
  ],
  total: [
    'total sales (inclusive of gst)',
    'total sales (inclusive gst)',
    'total sales inclusive gst',
    'total sales (incl gst)',
    'total incl gst',
    'total incl. gst',
    'total incl. of gst',
    'total inclusive gst',
    'total (inclusive of gst)',
    'total rm incl. of gst',
    'total rm',
    'total amount payable',
    'nett total',
    'net total (rm)',
    'grand total (rm)',
    'total (rm)',
    'bruttosumme',
    'wartosc brutto',
    'razem',
    'do zaplaty razem',
    'total',
    'grand total',
    'final total',
    'invoice total',
    'total amount',
    'total due',
    'total payable',
    'total incl. vat',
    'total incl vat',
    'total including vat',
    'total inc. vat',
    'total (incl. vat)',
    'amount total',
    'gesamtbetrag',
    'gesamtsumme',
    'rechnungsbetrag',
    'endbetrag',
    'bruttobetrag',
    'summe',
    'gesamt',
    'total inkl. mwst',
    'total inkl mwst',
    'gesamtbetrag brutto',
    'rechnungssumme',
    'summe brutto',
    'total ttc',
    'montant ttc',
    'montant total',
    'total a payer ttc',
    'totaal',
    'totaal incl. btw',
    'totaal incl btw',
    'totaal inclusief btw',
    'totaalbedrag',
    'te betalen bedrag',
    'total factura',
    'importe total',
    'total a pagar',
    'total importe',
    'totale',
    'totale documento',
    'totale fattura',
    'totale complessivo',
    'importo totale',
    'totale da pagare',
    'totaal te betalen',
  ],
  gross: ['gross', 'brutto', 'bruto', 'lordo', 'ttc', 'incl.', 'incl', 'total gross'],
  amountDue: [
    'due payable',
    'payable amount',
    'do zaplaty',
    'kwota do zaplaty',
    'amount due',
    'balance due',
    'balance',
    'amount payable',
    'please pay',
    'zu zahlen',
    'zahlbetrag',
    'offener betrag',
    'restbetrag',
    'montant a payer',
    'net a payer',
    'reste a payer',
    'montant du',
    'te betalen',
    'openstaand bedrag',
    'importe a pagar',
    'a pagar',
    'da pagare',
    'netto a pagare',
    'saldo',
    'amount outstanding',
  ],
  recipient: [
    'bill to',
    'billed to',
    'invoice to',
    'sold to',
    'ship to',
    'deliver to',
    'customer',
    'client',
    'to',
    'rechnungsempfanger',
    'rechnungsadresse',
    'kunde',
    'empfanger',
    'lieferadresse',
    'facture a',
    'facturer a',
    'adresse de facturation',
    'destinataire',
    'factuur aan',
    'klant',
    'afleveradres',
    'cliente',
    'facturar a',
    'destinatario',
    'spett.le',
    'spettabile',
    'intestatario',
    'kaufer',
    'warenempfanger',
    'abweichender rechnungsempfanger',
    'buyer',
    'acheteur',
    'adresse de livraison',
    'delivery address',
    'shipping address',
    'lieferanschrift',
    'nabywca',
    'odbiorca',
  ],
  vendor: [
    'from',
    'payable to',
    'remit to',
    'sold by',
    'sprzedawca',
    'wystawca',
    'vendor',
    'supplier',
    'seller',
    'issued by',
    'verkaufer',
    'lieferant',
    'absender',
    'rechnungssteller',
    'emetteur',
    'fournisseur',
    'vendeur',
    'prestataire',
    'leverancier',
    'afzender',
    'verkoper',
    'proveedor',
    'emisor',
    'vendedor',
    'fornitore',
    'cedente',
    'venditore',
    'mittente',
  ],
  other: [
    'total savings',
    'total saving',
    'total qty',
    'total quantity',
    'total items',
    'total item',
    'total item(s)',
    'item count',
    'total discount',
    'rounding',
    'rounding adj',
    'rounding adjustment',
    'round adj',
    'gst summary',
    'total qty/item',
    'gesamtbetrag der zuschlage',
    'gesamtbetrag der abschlage',
    'summe der zuschlage',
    'summe der abschlage',
    'positionssumme',
    'erhaltene anzahlungen',
    'kwota oplacona',
    'zaplacono',
    'wahrung',
    'rechnungswahrung',
    'currency',
    'devise',
    'po number',
    'po no',
    'purchase order',
    'order number',
    'order no',
    'order date',
    'customer number',
    'customer no',
    'customer id',
    'account number',
    'delivery date',
    'ship date',
    'payment terms',
    'terms',
    'deposit',
    'deposit paid',
    'amount paid',
    'paid',
    'cash',
    'change',
    'tendered',
    'card',
    'tip',
    'bic',
    'swift',
    'bank',
    'iban/bic',
    'reference',
    'kundennummer',
    'kunden-nr',
    'kundennr',
    'bestellnummer',
    'bestell-nr',
    'bestellung',
    'auftragsnummer',
    'lieferdatum',
    'leistungsdatum',
    'leistungszeitraum',
    'anzahlung',
    'bereits bezahlt',
    'gegeben',
    'gegeben bar',
    'bar',
    'ruckgeld',
    'ubertrag',
    'zahlungsbedingungen',
    'no client',
    'numero client',
    'code client',
    'bon de commande',
    'date de livraison',
    'acompte',
    'acompte verse',
    'deja paye',
    'especes',
    'rendu',
    'report',
    'a reporter',
    'klantnummer',
    'klantnr',
    'ordernummer',
    'leverdatum',
    'contant',
    'wisselgeld',
    'betaald',
    'aanbetaling',
    'no cliente',
    'numero de cliente',
    'pedido',
    'fecha de entrega',
    'efectivo',
    'cambio',
    'anticipo',
    'entregado',
    'codice cliente',
    'ordine',
    'data consegna',
    'contanti',
    'resto',
    'acconto',
    'riporto',
    'kvk',
    'siret',
    'siren',
    'rcs',
    'rea',
    'hrb',
    'amtsgericht',
    'registergericht',
    'geschaftsfuhrer',
    'tel',
    'phone',
    'fax',
    'email',
    'e-mail',
    'web',
    'attn',
    'client no',
    'client number',
    'client id',
    'z. hd',
    'carried forward',
    'brought forward',
  ],
};

interface LabelEntry {
  label: string;
  kind: LabelKind;
}

// Indexed by the label's first word so a segment is compared with a handful of labels, not all.
const BY_FIRST_WORD = new Map<string, LabelEntry[]>();
for (const [kind, labels] of Object.entries(LABELS) as [LabelKind, readonly string[]][]) {
  for (const label of labels) {
    const key = firstWord(label);
    const entries = BY_FIRST_WORD.get(key) ?? [];
    entries.push({ label, kind });
    BY_FIRST_WORD.set(key, entries);
  }
}
for (const entries of BY_FIRST_WORD.values()) entries.sort((a, b) => b.label.length - a.label.length);

function firstWord(folded: string): string {
  return /^[a-z]+/.exec(folded)?.[0] ?? '';
}

// Tax lines that print the rate before the tax's name: `zzgl. 19 % USt.`, `plus 7% VAT`, `dont TVA`.
const TAX_WITH_RATE =
  /^(?:zzgl\.?|plus|\+|inkl\.?|incl\.?|davon|enthaltene?|dont|waarvan|di cui)\s?(?:\d{1,2}(?:[.,]\d{1,2})?\s?%\s?)?(?:mwst|ust|umsatzsteuer|vat|tax|tva|btw|iva)\b\.?/;

export interface LabelMatch {
  kind: LabelKind;
  /** The label as listed (folded). */
  label: string;
  /** Folded text after the label and its punctuation (`:`, `#`, `.`), for presence tests only. */
  restFolded: string;
  /** Characters of the original segment the label and its punctuation cover. */
  consumed: number;
}

/**
 * The label a segment starts with, if any: the longest vocabulary entry that is a whole-word
 * prefix of the folded segment.
 *
 * @example
 * matchLabel('Total excl. VAT')?.kind // 'subtotal'
 * matchLabel('Fällig am')?.kind // 'dueDate'
 */
export function matchLabel(segment: string): LabelMatch | undefined {
  if (segment.length > 300) return undefined;
  // Cheap rejection first: most segments are values, and folding is the costly step.
  const rawFirst = /^(?:\p{L}[\p{L}\p{M}]*|\+)/u.exec(segment.trimStart())?.[0];
  if (!rawFirst) return undefined;
  const rateFirst = TAX_WITH_RATE.exec(foldText(segment.slice(0, 60)));
  if (rateFirst) {
    const label = rateFirst[0];
    return { kind: 'tax', label, restFolded: '', consumed: consumedLength(segment, label.length) };
  }
  if (!BY_FIRST_WORD.has(firstWord(foldText(rawFirst)))) return undefined;
  const folded = foldText(segment);
  const entries = BY_FIRST_WORD.get(firstWord(folded));
  if (!entries) return undefined;
  for (const entry of entries) {
    if (!folded.startsWith(entry.label)) continue;
    const next = folded[entry.label.length] ?? '';
    if (/[a-z]$/.test(entry.label) && /[a-z0-9]/.test(next)) continue;
    const after = folded.slice(entry.label.length);
    const punctuation = /^[\s:#.]*/.exec(after)?.[0].length ?? 0;
    return {
      kind: entry.kind,
      label: entry.label,
      restFolded: after.slice(punctuation).trim(),
      consumed: consumedLength(segment, entry.label.length + punctuation),
    };
  }
  return undefined;
}

/**
 * Maps a length in folded text back to the original segment. Folding only removes combining marks
 * and collapses spaces, so walking the original and folding char by char finds the same point.
 */
function consumedLength(segment: string, foldedLength: number): number {
  let folded = 0;
  let index = 0;
  const trimmed = segment.length - segment.trimStart().length;
  index = trimmed;
  let previousSpace = false;
  while (index < segment.length && folded < foldedLength) {
    const char = segment[index] ?? '';
    const isSpace = /\s/.test(char);
    if (!(isSpace && previousSpace)) folded += foldChar(char).length || (isSpace ? 1 : 0);
    previousSpace = isSpace;
    index += 1;
  }
  return index;
}

function foldChar(char: string): string {
  return char.normalize('NFKD').replace(/\p{M}+/gu, '');
}

/** The text of a segment after its label, trimmed of the label's punctuation. */
export function textAfterLabel(segment: string, match: LabelMatch): string {
  return segment
    .slice(match.consumed)
    .replace(/^[\s:#.\-–]+/, '')
    .trim();
}

/** Column headings of a line-item table. */
export type ItemColumn = 'description' | 'quantity' | 'unitPrice' | 'amount' | 'taxRate' | 'other';

const COLUMNS: Record<ItemColumn, readonly string[]> = {
  description: [
    'description',
    'item',
    'items',
    'product',
    'service',
    'details',
    'beschreibung',
    'bezeichnung',
    'artikel',
    'leistung',
    'position',
    'designation',
    'libelle',
    'produit',
    'omschrijving',
    'artikel',
    'product',
    'descripcion',
    'concepto',
    'articulo',
    'descrizione',
    'articolo',
    'prodotto',
  ],
  quantity: [
    'qty',
    'quantity',
    'qty.',
    'units',
    'hours',
    'menge',
    'anzahl',
    'stk',
    'qte',
    'quantite',
    'qte.',
    'aantal',
    'cant.',
    'cant',
    'cantidad',
    'uds',
    'q.ta',
    'qta',
    'quantita',
  ],
  unitPrice: [
    'unit price',
    'price',
    'rate',
    'unit cost',
    'einzelpreis',
    'preis',
    'e-preis',
    'ep',
    'stuckpreis',
    'prix unitaire',
    'prix unit.',
    'p.u.',
    'pu',
    'prix',
    'prijs',
    'stukprijs',
    'eenheidsprijs',
    'precio unit.',
    'precio unitario',
    'precio',
    'prezzo unit.',
    'prezzo unitario',
    'prezzo',
  ],
  amount: [
    'amount',
    'total',
    'line total',
    'gesamt',
    'betrag',
    'gesamtpreis',
    'summe',
    'montant',
    'total ht',
    'montant ht',
    'bedrag',
    'totaal',
    'importe',
    'total linea',
    'importo',
    'totale',
  ],
  taxRate: ['vat %', 'vat', 'tax', 'mwst', 'ust', 'tva', 'btw', 'iva', 'mwst %', 'tva %', 'btw %', 'iva %'],
  other: [
    'unit',
    'einheit',
    'unite',
    'eenheid',
    'unidad',
    'unita',
    'discount',
    'rabatt',
    'remise',
    'sku',
    'code',
  ],
};
const COLUMN_LOOKUP = new Map<string, ItemColumn>();
for (const [column, words] of Object.entries(COLUMNS) as [ItemColumn, readonly string[]][]) {
  for (const word of words) if (!COLUMN_LOOKUP.has(word)) COLUMN_LOOKUP.set(word, column);
}

/**
 * The line-item column a heading names, matching the whole heading.
 *
 * @example
 * matchColumn('Prix unitaire') // 'unitPrice'
 */
export function matchColumn(heading: string): ItemColumn | undefined {
  if (heading.length > 40) return undefined;
  return COLUMN_LOOKUP.get(foldText(heading).replace(/[:]$/, ''));
}

/** Legal forms that mark a company name (`GmbH`, `Ltd`, `S.r.l.`), compared as whole words. */
const LEGAL_FORM =
  /(?:^|[\s,])(?:gmbh|ag|kg|ohg|ug|e\.k\.|ltd\.?|limited|llc|inc\.?|corp\.?|plc|co\.|s\.?a\.?s?\.?|s\.?l\.?|sarl|sas|eurl|sa|b\.?v\.?|n\.?v\.?|vof|s\.?r\.?l\.?|s\.?p\.?a\.?|s\.?n\.?c\.?|s\.?a\.?s\.?|sdn\.? bhd\.?|bhd|s\/b|plt|enterprise|trading|sp\. z o\.o\.)(?=$|[\s,.)])/;

/** Whether text contains a company legal form. */
export function hasLegalForm(text: string): boolean {
  return LEGAL_FORM.test(foldText(text));
}
