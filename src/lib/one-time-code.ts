/** One-time confirmation codes (SMS): drawn at random, kept only as a keyed hash bound to their row. */
import crypto from 'node:crypto';

/** A random code of `length` digits, leading zeros kept. */
export function randomDigits(length: number): string {
  return String(crypto.randomInt(0, 10 ** length)).padStart(length, '0');
}

/** The keyed hash of a code: bound to its purpose and row, so a leaked table reveals nothing usable. */
export function keyedCodeHash(secret: string, purpose: string, rowId: number, code: string): string {
  return crypto.createHmac('sha256', secret).update(`${purpose}:${rowId}:${code}`).digest('hex');
}

/** Two hex hashes compared in constant time. */
export function sameHexHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
