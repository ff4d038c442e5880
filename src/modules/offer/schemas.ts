import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';
import { DOC_TYPES } from './rules.js';

const csrf = { _csrf: z.string().optional() };

const text = (max: number, required?: string) =>
  blocks.text({ max, ...(required ? { required } : {}), tooLong: 'offer:errors.tooLong' });

/** «Добавить документ»: its type, title, number, who issued it, validity and (optionally) the article. */
export const documentForm = z
  .strictObject({
    ...csrf,
    docType: blocks.oneOf(DOC_TYPES, 'offer:errors.docTypeRequired'),
    title: text(200, 'offer:errors.titleRequired'),
    number: text(64, 'offer:errors.numberRequired'),
    issuedBy: text(200),
    validFrom: blocks.calendarDate('offer:errors.validFrom'),
    validUntil: blocks.optionalCalendarDate('offer:errors.validUntil'),
    goodsId: blocks.optionalId('offer:errors.goods'),
  })
  .refine((f) => !f.validUntil || f.validUntil >= f.validFrom, {
    path: ['validUntil'],
    error: 'offer:errors.validUntilBeforeFrom',
  });
export type DocumentFormInput = z.output<typeof documentForm>;

/** The organisation assigns one of its specialists to an order. */
export const assignForm = z.strictObject({
  ...csrf,
  specialist: blocks.id('offer:errors.specialistRequired'),
});
