import { describe, expect, it } from 'vitest';
import { dollarSignCurrency } from './currency';
import { extractInvoiceByRules } from './extract-invoice';
import { pointOfSaleNumber } from './header-fields';
import { toTextLines } from './text-lines';

// Shaped like an Argentine AFIP invoice's text layer (columns kept apart by runs of spaces).
const afip = [
  '                                    ORIGINAL',
  ' GARCIA MARCOS ANDRES                          A                 FACTURA',
  '                                             COD. 01',
  '                                                    Punto de Venta: 00003      Comp. Nro: 00001360',
  'Razón Social: GARCIA MARCOS ANDRES                  Fecha de Emisión: 11/02/2023',
  'Domicilio Comercial: 32 14 - Pedro Luro             CUIT: 20315600449',
  'CUIT:    30500017704     Apellido y Nombre / Razón Social: LA SEGUNDA COOPERATIVA LTDA',
  '                                                          Importe Neto Gravado: $      188636,36',
  '                                                                     IVA 21%: $       39613,64',
  '                                                               Importe Total: $      228250,00',
].join('\n');

describe('Argentine invoices', () => {
  it('reads a bare $ as pesos where a CUIT shows the country, and dates day first', () => {
    const fields = extractInvoiceByRules(afip);
    expect(fields).toMatchObject({
      currency: 'ARS',
      invoiceNumber: '00003-00001360',
      invoiceDate: '2023-02-11',
      total: 228250,
    });
  });

  it('leaves a bare $ as US dollars elsewhere', () => {
    expect(dollarSignCurrency('Invoice date 11/02/2023\nTotal due: $ 120.00')).toBe('USD');
    expect(extractInvoiceByRules('Acme Inc\nInvoice # 42\nTotal $120.00').currency).toBe('USD');
  });

  it('takes the currency named in words when amounts carry no sign', () => {
    const text =
      'FACTURA  NRO.: 00004-00017649\nCUIT: 30-50001770-4\nSON PESOS: DIECISIETE MIL CON 00/100\nTotal   17,000.00';
    expect(extractInvoiceByRules(text)).toMatchObject({ currency: 'ARS', invoiceNumber: '00004-00017649' });
  });

  it('joins point of sale and voucher number, but not a phone number of the same shape', () => {
    expect(pointOfSaleNumber(toTextLines('Factura Nº 0005-00011643'))?.value).toBe('0005-00011643');
    expect(pointOfSaleNumber(toTextLines('  N° 0003 - 00003435'))?.value).toBe('0003-00003435');
    expect(pointOfSaleNumber(toTextLines('Tel. 0911-12345678'))).toBeUndefined();
  });

  it('does not take a copy mark for the vendor', () => {
    const text =
      'ORIGINAL\nESCOBAR LUIS RAMON\nPunto de Venta: 00003  Comp. Nro: 00000128\nImporte Total: $ 178000,00';
    expect(extractInvoiceByRules(text).vendorName).toBe('ESCOBAR LUIS RAMON');
  });
});
