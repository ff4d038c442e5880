/**
 * The only texts the area writes itself, outside any page: the fields of signed documents and of the
 * act PDFs (in the portal's default language, Kazakh beside Russian where the act is bilingual) and
 * the SMS with a journal code (in the recipient's language). Pages translate in routes and views.
 */
import { DEFAULT_LOCALE, isLocale, tFor } from '../../lib/i18n.js';

/** a text of a signed document or a stored record, in the portal's default language */
export const documentText = tFor(DEFAULT_LOCALE);
const kk = tFor('kk');

/** «Kazakh / Russian», as the bilingual act writes a name (both texts kept under the default locale). */
export function bilingual(kkKey: string, ruKey: string): string {
  return `${documentText(kkKey)} / ${documentText(ruKey)}`;
}

/** «2026 ж. қараша / ноябрь 2026 г.»: the act's month, from the locales' month names. */
export function actPeriodLabel(period: string): string {
  const [y, m] = period.split('-');
  const month = `common:monthInText.${Number(m)}`;
  return `${y} ж. ${kk(month)} / ${documentText(month)} ${y} г.`;
}

/** A text sent to a person, in their language (the portal's default one if theirs is unknown). */
export function personText(
  locale: string | null | undefined,
  key: string,
  params: Record<string, unknown>,
): string {
  return tFor(isLocale(locale) ? locale : DEFAULT_LOCALE)(key, params);
}
