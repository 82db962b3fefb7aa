import { describe, expect, it } from 'vitest';
import { extractInvoiceByRules } from './extract-invoice';

const vendorOf = (lines: string[]) => extractInvoiceByRules(lines.join('\n')).vendorName;

describe('vendor name', () => {
  it('reads the `Name:` row under a seller heading, not the headings and rows around it', () => {
    const lines = [
      'Rechnung Nr. 7 vom 01.02.2024',
      'Währung:                 EUR',
      'Verkäufer',
      'Nummer:                  549910',
      'Name:                    Lieferant GmbH',
      'Anschrift:               Lieferantenstraße 20',
      'Käufer',
      'Name:                    Kunden AG Mitte',
    ];
    expect(vendorOf(lines)).toBe('Lieferant GmbH');
  });

  it('joins a seller name wrapped over two lines of its cell', () => {
    const lines = [
      'Verkäufer',
      'Nummer:        549910',
      'MVM Musterhafter',
      'Name:          Versicherungsverein a.G.',
    ];
    expect(vendorOf(lines)).toBe('MVM Musterhafter Versicherungsverein a.G.');
  });

  it('takes the name under `Payable to` and `Sprzedawca`, skipping unlabelled rows with a colon cell', () => {
    expect(vendorOf(['INVOICE', 'PAYABLE TO :', '   Northwind Traders, Inc.', '   PO Box 100'])).toBe(
      'Northwind Traders, Inc.',
    );
    expect(vendorOf(['Sprzedawca:           Nabywca:', 'Złom-Hurt', 'ul. Polna 1'])).toBe('Złom-Hurt');
    expect(vendorOf(['Verkäufer:', 'Nummer          : 12345', 'Rohstoff AG', 'Markt 1'])).toBe('Rohstoff AG');
  });

  it('cuts a letterhead line at its separators and skips delivery-address headings', () => {
    const lines = [
      "Moulin Bleu SARL - 12 chemin de l'olive - 84340 Malaucène - France",
      'Adresse de livraison        Contact commercial',
      'Ma boutique',
    ];
    expect(vendorOf(lines)).toBe('Moulin Bleu SARL');
    expect(vendorOf(['Spiel GmbH ● Ecke 12 ● 12345 Stadt', 'Herrn Max Muster'])).toBe('Spiel GmbH');
  });

  it('on a thermal receipt, prefers the registered company over OCR noise above it', () => {
    const lines = [
      '19134 SLUONE',
      ' pacs ca  PERS  :',
      '       KEDAI RUNCIT MAJU JAYA',
      '                      (81109-A)',
      '               NO 290, JALAN AIR PANAS,',
    ];
    expect(vendorOf(lines)).toBe('KEDAI RUNCIT MAJU JAYA');
    expect(vendorOf(['QTETeeee', '  PASARAYA  MURAH  SDN 8HD', 'LOT 485, JALAN ULU KELANG'])).toBe(
      'PASARAYA MURAH SDN BHD',
    );
    expect(vendorOf(['Avs oper', 'PASARAYA BORONG PINTAR', 'SDN BHD', 'TEL 03-1234567'])).toBe(
      'PASARAYA BORONG PINTAR SDN BHD',
    );
  });
});
