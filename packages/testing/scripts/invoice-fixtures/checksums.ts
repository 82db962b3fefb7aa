/**
 * Check digits for the identifiers printed on fixtures, so every IBAN and VAT id
 * in the set is valid and an extractor that verifies checksums is tested fairly.
 */

function mod97(digits: string): number {
  let rest = 0;
  for (const ch of digits) rest = (rest * 10 + Number(ch)) % 97;
  return rest;
}

const lettersToDigits = (text: string) =>
  [...text].map((ch) => (/[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch)).join('');

/** A valid IBAN (compact) for a country and its BBAN. */
export function makeIban(country: string, bban: string): string {
  const check = 98 - mod97(lettersToDigits(`${bban}${country}00`));
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

/** Groups an IBAN in fours, as printed. */
export const printIban = (iban: string) => iban.replace(/(.{4})(?=.)/g, '$1 ');

/** German USt-IdNr.: eight digits plus an ISO 7064 MOD 11,10 check digit. */
export function makeDeVat(eightDigits: string): string {
  let product = 10;
  for (const ch of eightDigits) {
    let sum = (Number(ch) + product) % 10;
    if (sum === 0) sum = 10;
    product = (2 * sum) % 11;
  }
  const check = (11 - product) % 10;
  return `DE${eightDigits}${check}`;
}

/** French TVA: key = (12 + 3 × (SIREN mod 97)) mod 97. */
export function makeFrVat(siren: string): string {
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${siren}`;
}

/** Dutch BTW (pre-2020 scheme): weights 9..2 and -1 on the ninth digit, sum ≡ 0 mod 11. */
export function makeNlVat(eightDigits: string): string {
  const sum = [...eightDigits].reduce((acc, ch, i) => acc + Number(ch) * (9 - i), 0);
  const check = sum % 11;
  if (check === 10) throw new Error(`no NL check digit for ${eightDigits}`);
  return `NL${eightDigits}${check}B01`;
}

/** Italian partita IVA: ten digits plus a Luhn check digit. */
export function makeItVat(tenDigits: string): string {
  let sum = 0;
  [...tenDigits].forEach((ch, i) => {
    let d = Number(ch);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  });
  return `IT${tenDigits}${(10 - (sum % 10)) % 10}`;
}

/** Spanish CIF for a company (letter + seven digits + numeric control). */
export function makeEsVat(letter: string, sevenDigits: string): string {
  let sum = 0;
  [...sevenDigits].forEach((ch, i) => {
    const d = Number(ch);
    if (i % 2 === 1) sum += d;
    else sum += Math.floor((d * 2) / 10) + ((d * 2) % 10);
  });
  return `ES${letter}${sevenDigits}${(10 - (sum % 10)) % 10}`;
}

/** UK VAT: weights 8..2 on seven digits, then a two-digit check (mod 97). */
export function makeGbVat(sevenDigits: string): string {
  const sum = [...sevenDigits].reduce((acc, ch, i) => acc + Number(ch) * (8 - i), 0);
  let check = 97 - (sum % 97);
  while (check >= 100) check -= 97;
  return `GB${sevenDigits}${String(check).padStart(2, '0')}`;
}

/** Swiss UID (CHE-123.456.789): weights 5,4,3,2,7,6,5,4 mod 11. */
export function makeCheUid(eightDigits: string): string {
  const weights = [5, 4, 3, 2, 7, 6, 5, 4];
  const sum = [...eightDigits].reduce((acc, ch, i) => acc + Number(ch) * (weights[i] ?? 0), 0);
  const check = (11 - (sum % 11)) % 11;
  if (check === 10) throw new Error(`no CHE check digit for ${eightDigits}`);
  const digits = `${eightDigits}${check}`;
  return `CHE-${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6)}`;
}

/** Irish VAT: weights 8..2 on seven digits, check letter = sum mod 23 (0 → W). */
export function makeIeVat(sevenDigits: string): string {
  const sum = [...sevenDigits].reduce((acc, ch, i) => acc + Number(ch) * (8 - i), 0);
  const rest = sum % 23;
  return `IE${sevenDigits}${rest === 0 ? 'W' : String.fromCharCode(64 + rest)}`;
}
