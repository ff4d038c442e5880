/**
 * The words of the goods documents a person signs, in the signer's language. A signed document is
 * evidence, not a page: its text is fixed when it is issued, so it is written here, once, and the
 * pages that show it read it back from the document's facts.
 */
import { tFor, type Locale } from '../../lib/i18n.js';
import type { TsrKindRow } from './goods-repository.js';
import type { Fulfilment, GoodsAction } from './rules.js';

/** The stored name of a ТСР kind in the reader's language. */
export function kindName(kind: Pick<TsrKindRow, 'name_ru' | 'name_kk' | 'name_en'>, lang: Locale): string {
  return lang === 'kk' ? kind.name_kk : lang === 'en' ? kind.name_en : kind.name_ru;
}

/** The order document's title and names. */
export function createWords(kind: TsrKindRow, fulfilment: Fulfilment, lang: Locale) {
  const t = tFor(lang);
  const name = kindName(kind, lang);
  return {
    title: t('goods:doc.createTitle', { kind: name }),
    kindName: name,
    fulfilmentName: t(`goods:fulfilment.${fulfilment}`),
  };
}

/** A step's statement and the reason written when a refusal gives none. */
export function stepWords(action: GoodsAction, orderNumber: string, lang: Locale) {
  const t = tFor(lang);
  return {
    statement: t(`goods:doc.statement.${action}`, { number: orderNumber }),
    noReason: t('goods:doc.noReason'),
  };
}
