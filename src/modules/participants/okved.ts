/**
 * Which directions of the supplier cabinet an economic activity code (ОКЭД, the Kazakh classifier
 * of economic activities, ГК РК 03-2019) opens (rules item 13: «в зависимости от наличия основного
 * кода экономической деятельности организации»). The card takes the MAIN code; the other registered
 * codes are shown for information. docs/participants.md documents the table.
 */
import type { Direction } from '../directory/lists.js';
import { DIRECTIONS } from '../directory/lists.js';

export interface OkvedRule {
  /** the code's leading digits (without dots): «8810» matches 88.10.0, 88.10.1 … */
  prefix: string;
  /** the classifier's name of the group, for the documentation and the card */
  title: string;
  directions: readonly Direction[];
}

/** Most specific first: the longest matching prefix wins. */
export const OKVED_DIRECTIONS: readonly OkvedRule[] = [
  {
    prefix: '8810',
    title: 'Предоставление социальных услуг без обеспечения проживания престарелым и лицам с инвалидностью',
    directions: ['special_social_services', 'individual_assistant'],
  },
  {
    prefix: '8899',
    title:
      'Предоставление прочих социальных услуг без обеспечения проживания, не включенных в другие группировки',
    directions: ['special_social_services', 'sign_language'],
  },
  {
    prefix: '8891',
    title: 'Услуги по дневному уходу за детьми (в том числе с инвалидностью)',
    directions: ['special_social_services'],
  },
  {
    prefix: '87',
    title: 'Предоставление социальных услуг с обеспечением проживания',
    directions: ['special_social_services'],
  },
  {
    prefix: '8559',
    title: 'Прочие виды образования, не включенные в другие группировки (курсы жестового языка)',
    directions: ['sign_language'],
  },
  {
    prefix: '4774',
    title: 'Розничная торговля медицинскими и ортопедическими товарами в специализированных магазинах',
    directions: ['tsr_sales'],
  },
  {
    prefix: '4646',
    title: 'Оптовая торговля фармацевтическими и медицинскими товарами',
    directions: ['tsr_sales'],
  },
  {
    prefix: '3250',
    title:
      'Производство медицинских и стоматологических инструментов и принадлежностей (ортопедические изделия)',
    directions: ['tsr_sales'],
  },
  {
    prefix: '8610',
    title: 'Деятельность больничных организаций (в том числе санаторно-курортных)',
    directions: ['sanatorium'],
  },
  {
    prefix: '5590',
    title: 'Предоставление прочих мест для временного проживания (санатории-профилактории)',
    directions: ['sanatorium'],
  },
];

/** The code as digits only («88.10.1» → «88101»); anything else yields ''. */
export function normaliseOkved(code: string): string {
  const digits = code.replace(/[.\s]/g, '');
  return /^\d{2,5}$/.test(digits) ? digits : '';
}

/** The rule a code falls under (the longest prefix), or undefined. */
export function okvedRule(code: string): OkvedRule | undefined {
  const digits = normaliseOkved(code);
  if (!digits) return undefined;
  return [...OKVED_DIRECTIONS]
    .filter((r) => digits.startsWith(r.prefix))
    .sort((a, b) => b.prefix.length - a.prefix.length)[0];
}

/** The directions the main activity code opens, in the portal's order of directions. */
export function directionsForActivity(mainCode: string): Direction[] {
  const rule = okvedRule(mainCode);
  return rule ? DIRECTIONS.filter((d) => rule.directions.includes(d)) : [];
}

/** «88101» → «88.10.1» as the registry writes a code. */
export function formatOkved(code: string): string {
  const d = normaliseOkved(code);
  if (d.length <= 2) return d || code;
  return [d.slice(0, 2), d.slice(2, 4), d.slice(4)].filter(Boolean).join('.');
}
