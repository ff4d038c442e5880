const grouping = {
  en: new Intl.NumberFormat('en-US'),
  ru: new Intl.NumberFormat('ru-RU'),
};

/** Money is integer tiyn (1 ₸ = 100 tiyn); only presentation turns it into tenge. */
export function formatTiyn(tiyn: number | null | undefined, locale = 'ru'): string {
  if (tiyn === null || tiyn === undefined) return '—';
  if (!Number.isInteger(tiyn)) throw new Error('money must be integer tiyn');
  const tenge = Math.trunc(tiyn / 100);
  const rest = Math.abs(tiyn % 100);
  const grouped = grouping[locale === 'en' ? 'en' : 'ru'].format(tenge);
  // ru/kk: 12 345,67 ₸; en: 12,345.67 ₸
  return `${grouped}${locale === 'en' ? '.' : ','}${String(rest).padStart(2, '0')} ₸`;
}

/** Parses "12 345,67" / "12345.67" / "12345" tenge into integer tiyn; null when malformed. */
export function parseTenge(input: string): number | null {
  const s = input.replace(/[\s\u00a0₸]/g, '').replace(',', '.');
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(s)) return null;
  const [whole, frac = ''] = s.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}
