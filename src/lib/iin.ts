/**
 * ИИН/БИН: 12 digits, the last a check digit computed with weights 1..11 (mod 11);
 * when that gives 10, weights 3..11,1,2; when that gives 10 again the number is invalid.
 */
const W1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

export function checkDigit(first11: string): number | null {
  if (!/^\d{11}$/.test(first11)) return null;
  const digits = [...first11].map(Number);
  const sum = (w: number[]) => digits.reduce((acc, d, i) => acc + d * (w[i] ?? 0), 0) % 11;
  let c = sum(W1);
  if (c === 10) c = sum(W2);
  return c === 10 ? null : c;
}

export function isValidIin(value: string): boolean {
  if (!/^\d{12}$/.test(value)) return false;
  return checkDigit(value.slice(0, 11)) === Number(value[11]);
}

/** Builds a valid IIN from a birth date, sex and serial (the serial is bumped until a check digit exists). */
export function makeIin(birthDate: string, sex: 'M' | 'F', serial: number): string {
  const [y, m, d] = birthDate.split('-');
  if (!y || !m || !d) throw new Error('birthDate must be YYYY-MM-DD');
  const year = Number(y);
  const century = year < 1900 ? 1 : year < 2000 ? 3 : 5;
  const sexDigit = century + (sex === 'F' ? 1 : 0);
  for (let s = serial; s < serial + 100; s++) {
    const first11 = `${y.slice(2)}${m}${d}${sexDigit}${String(s % 10000).padStart(4, '0')}`;
    const c = checkDigit(first11);
    if (c !== null) return first11 + c;
  }
  throw new Error('no valid IIN in range');
}

/** Builds a valid BIN: YYMM of registration, 4 (resident legal entity), 0 (head office), serial, check digit. */
export function makeBin(registered: string, serial: number): string {
  const [y, m] = registered.split('-');
  if (!y || !m) throw new Error('registered must be YYYY-MM');
  for (let s = serial; s < serial + 100; s++) {
    const first11 = `${y.slice(2)}${m}40${String(s % 100000).padStart(5, '0')}`;
    const c = checkDigit(first11);
    if (c !== null) return first11 + c;
  }
  throw new Error('no valid BIN in range');
}

/** Masks an IIN for logs and public pages: 9001******12 style. */
export function maskIin(iin: string): string {
  return iin.length === 12 ? `${iin.slice(0, 4)}******${iin.slice(10)}` : '************';
}
