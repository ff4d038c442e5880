/** IIN and BIN as NCA writes them into certificates: `SERIALNUMBER=IIN…` and `OU=BIN…`. */
import { isValidIin } from '../lib/iin.js';

export { isValidIin, checkDigit, maskIin } from '../lib/iin.js';

/** `IIN123456789012` → `123456789012`; null when the value is not an IIN serial number. */
export function iinFromSerialNumber(value: string | undefined | null): string | null {
  if (!value) return null;
  const m = /^IIN(\d{12})$/.exec(value.trim());
  return m ? (m[1] as string) : null;
}

/** `BIN123456789012` → `123456789012`; null when the value is not a BIN. */
export function binFromOu(value: string | undefined | null): string | null {
  if (!value) return null;
  const m = /^BIN(\d{12})$/.exec(value.trim());
  return m ? (m[1] as string) : null;
}

/** IIN taken from the certificate only when it also passes the checksum. */
export function validIinFromSerialNumber(value: string | undefined | null): string | null {
  const iin = iinFromSerialNumber(value);
  return iin && isValidIin(iin) ? iin : null;
}
