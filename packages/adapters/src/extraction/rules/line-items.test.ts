import { describe, expect, it } from 'vitest';
import { extractInvoiceByRules } from './extract-invoice';

const itemsOf = (lines: string[]) => extractInvoiceByRules(lines.join('\n')).lineItems;

describe('line-item tables of text layers', () => {
  it('reads a quantity printed with its unit, past a heading wrapped onto the next line', () => {
    expect(
      itemsOf([
        'Description          Quantité          Rem.        Prix HT',
        'unitaire',
        'Café moulu 500g          12 Unit(s)        6,10 €                73,20 €',
        'Thé vert 100g             4 Kg(s)          2,50 €      5%        10,00 €',
        'Total HT          83,20 €',
      ]),
    ).toEqual([
      { description: 'Café moulu 500g', quantity: 12, unitPrice: 6.1, amount: 73.2 },
      { description: 'Thé vert 100g', quantity: 4, unitPrice: 2.5, amount: 10 },
    ]);
  });

  it('takes the first number as the quantity where the quantity is the first heading', () => {
    expect(
      itemsOf([
        'Menge      Produkt                     USt.      Preis       Gesamtbetrag',
        '2,00       Wartung Heizung             19%       85,00 €     170,00 €',
        '(pauschal):',
        '3,00       Dichtungen                  19%        1,50 €       4,50 €',
        'Nettobetrag: 174,50 €',
      ]),
    ).toEqual([
      { description: 'Wartung Heizung', quantity: 2, unitPrice: 85, amount: 170 },
      { description: 'Dichtungen', quantity: 3, unitPrice: 1.5, amount: 4.5 },
    ]);
  });

  it('takes an amount printed a line below its row and passes over codes under it', () => {
    expect(
      itemsOf([
        'Pos     Art-Nr-Lief.     Beschreibung        Nettopreis     Menge     Steuersatz     Nettobetrag',
        'Art-Nr',
        '1       K-77             Kabelbinder         0,2000        100 Stk       19 %',
        '20,00',
        '(GTIN)',
        '2       K-78             Schrumpfschlauch    1,2500          8 m         19 %',
        '10,00',
        'Rechnungssumme ohne USt.     30,00',
      ]),
    ).toEqual([
      { description: 'Kabelbinder', quantity: 100, unitPrice: 0.2, amount: 20 },
      { description: 'Schrumpfschlauch', quantity: 8, unitPrice: 1.25, amount: 10 },
    ]);
  });
});
