import { describe, expect, it } from 'vitest';
import { currencyFromText, parseAmount, parseDate } from './normalize-values';

describe('parseAmount', () => {
  it.each([
    ['1,234.56', 1234.56],
    ['1.234,56', 1234.56],
    ['1 234,56', 1234.56],
    ['€ 1.234,56', 1234.56],
    ['$1,234,567.89', 1234567.89],
    ['12,5', 12.5],
    ['1.234', 1234],
    ['CHF 5.-', 5],
    ['(12.00)', -12],
    ['12.00-', -12],
    ['0.99', 0.99],
  ])('%s → %d', (text, value) => {
    expect(parseAmount(text)).toBe(value);
  });

  it.each(['', 'n/a', '..', '1..2'])('refuses %j', (text) => {
    expect(parseAmount(text)).toBeUndefined();
  });
});

describe('parseDate', () => {
  it.each([
    ['2026-11-03', '2026-11-03'],
    ['03.11.2026', '2026-11-03'],
    ['3.11.26', '2026-11-03'],
    ['3. Nov 2026', '2026-11-03'],
    ['18 april 2014', '2014-04-18'],
    ['November 3, 2026', '2026-11-03'],
    ['3 de noviembre de 2026', '2026-11-03'],
    ['25/12/2026', '2026-12-25'],
    ['12/25/2026', '2026-12-25'],
  ])('%s → %s', (text, iso) => {
    expect(parseDate(text)).toBe(iso);
  });

  it('reads ambiguous slashed dates only with an order', () => {
    expect(parseDate('03/11/2026')).toBeUndefined();
    expect(parseDate('03/11/2026', 'DMY')).toBe('2026-11-03');
    expect(parseDate('03/11/2026', 'MDY')).toBe('2026-03-11');
  });

  it.each(['31.02.2026', '2026-13-01', 'soon', '3 Smarch 2026'])('refuses %s', (text) => {
    expect(parseDate(text)).toBeUndefined();
  });
});

describe('currencyFromText', () => {
  it.each([
    ['1.234,56 €', 'EUR'],
    ['£12', 'GBP'],
    ['USD 5', 'USD'],
    ['$5', 'USD'],
    ['CHF 5.-', 'CHF'],
    ['12.00', undefined],
  ])('%s → %s', (text, code) => {
    expect(currencyFromText(text)).toBe(code);
  });
});
