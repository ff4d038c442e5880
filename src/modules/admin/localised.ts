import type { Locale } from '../../lib/i18n.js';

/**
 * A text stored once per language (`title_ru`, `title_kk`, `title_en`…) in the reader's language,
 * the Russian one where the translation is empty.
 */
export function pick<F extends string>(
  row: { [K in `${F}_${Locale}`]: string },
  field: F,
  lang: Locale,
): string {
  const v = row[`${field}_${lang}`];
  return v && v.trim() ? v : row[`${field}_ru`];
}
