import { DateTime } from 'luxon';
import { ASTANA_ZONE } from './clock.js';

export type CsvCell = string | number | boolean | Date | null | undefined;

/** A cell that a spreadsheet would read as a formula is prefixed with an apostrophe (CSV injection). */
function cell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (v instanceof Date) s = DateTime.fromJSDate(v).setZone(ASTANA_ZONE).toFormat('yyyy-MM-dd HH:mm:ss');
  else s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a UTF-8 byte-order mark (so spreadsheet programs read Cyrillic and Kazakh letters). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return '\uFEFF' + [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
