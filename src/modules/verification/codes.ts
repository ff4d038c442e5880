/**
 * The pure part of document verification: reading a typed code, masking a signer for a public page,
 * and the verification block printed on the portal's PDFs (bilingual, as the documents are).
 */
import { verificationUrl, type VerificationBlock } from '../../lib/pdf-verification.js';
import type { PersonName } from '../people/names.js';

/** A verification code as stored: twelve hexadecimal letters in upper case. */
export const CODE_PATTERN = /^[0-9A-F]{12}$/;

/**
 * The code a person typed or scanned, as stored; null when it cannot be a code. Case, spaces and
 * hyphens do not matter (a code is often read aloud or copied in groups: «3F2A-91C0-7B1D»).
 */
export function normaliseCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  return CODE_PATTERN.test(code) ? code : null;
}

/** «Ахметова А. С.»: the surname and initials, the way a public page may name a signer. */
export function maskedSignerName(p: PersonName): string {
  const cap = (s: string) =>
    s
      .toLocaleLowerCase('ru-RU')
      .replace(/(^|[\s-])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toLocaleUpperCase('ru-RU'));
  const initials = [p.name, p.patronymic]
    .filter((x): x is string => Boolean(x))
    .map((x) => `${x.charAt(0).toLocaleUpperCase('ru-RU')}.`)
    .join(' ');
  return `${cap(p.surname)} ${initials}`.trim();
}

/** The same from a certificate's common name («АХМЕТОВА АЙГЕРІМ СЕРІКҚЫЗЫ») when no person row is known. */
export function maskedCommonName(commonName: string): string {
  const [surname = '', name = '', patronymic = null] = commonName.trim().split(/\s+/);
  return maskedSignerName({ surname, name, patronymic });
}

/** The verification block of a printed document: the QR code to `/verify/{code}`, the code in words. */
export function verificationBlockFor(baseUrl: string, code: string): VerificationBlock {
  return {
    code,
    url: verificationUrl(baseUrl, code),
    caption: 'Құжаттың түпнұсқалығын тексеру / Проверить подлинность документа',
    codeLabel: 'Тексеру коды / Код проверки',
  };
}
