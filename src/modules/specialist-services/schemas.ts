import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';
import { MAX_HOURS_PER_DAY, UZHYA_FORMATS, isPeriod } from './rules.js';

/** One strict zod schema per form; every form may carry `_csrf`. Messages are locale keys. */
const csrf = { _csrf: z.string().optional() };
const text = (max: number) => blocks.text({ max, multiline: true, tooLong: 'services:errors.tooLong' });
const optionalText = text;
const isoDate = blocks.calendarDate('services:errors.dateInvalid');
const optionalIsoDate = blocks.optionalCalendarDate('services:errors.dateInvalid');

/** A Kazakh mobile number, spaces and brackets allowed, stored as +7XXXXXXXXXX. */
export const phoneSchema = blocks
  .text({ max: 40, required: 'services:errors.phone' })
  .transform((s) => s.replace(/[\s()-]/g, ''))
  .transform((s) => (s.startsWith('8') && s.length === 11 ? `+7${s.slice(1)}` : s))
  .pipe(z.string().regex(/^\+7\d{10}$/, 'services:errors.phone'));

export const orderForm = z
  .object({
    ...csrf,
    phone: phoneSchema,
    email: blocks
      .optionalText({ max: 200, tooLong: 'services:errors.tooLong' })
      .pipe(z.email('services:errors.email').max(200, 'services:errors.tooLong').optional()),
    address: text(500).pipe(z.string().min(5, 'services:errors.address')),
    comment: optionalText(1000),
  })
  .strict();
export type OrderFormInput = z.infer<typeof orderForm>;

export const reasonForm = z
  .object({
    ...csrf,
    reason: blocks.text({ max: 40, required: 'services:errors.reasonRequired' }),
    comment: optionalText(1000),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.reason === 'other' && !v.comment)
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'services:errors.commentRequired' });
  });
export type ReasonInput = z.infer<typeof reasonForm>;

/** «Отказаться подписать» an act (issue 19 item 7): why, in the recipient's words. */
export const disputeForm = z
  .object({
    ...csrf,
    reason: blocks.text({
      max: 1000,
      min: 3,
      multiline: true,
      required: 'outreach:dispute.reasonRequired',
      tooShort: 'outreach:dispute.reasonRequired',
      tooLong: 'outreach:dispute.reasonTooLong',
    }),
  })
  .strict();

/** What a signed form posts (the one signed form of src/lib/schema-blocks.ts). */
export type { SignedInput } from '../signing/signed-steps.js';

export const specialistSearch = z.object({
  from: optionalIsoDate.catch(undefined),
  to: optionalIsoDate.catch(undefined),
  status: blocks.filterText(40),
  surname: blocks.filterText(100),
  name: blocks.filterText(100),
  page: blocks.integer({ min: 1, max: 10_000 }).catch(1).default(1),
});
export type SpecialistSearch = z.infer<typeof specialistSearch>;

export const journalSearch = z.object({
  order: blocks.id().optional().catch(undefined),
  from: optionalIsoDate.catch(undefined),
  to: optionalIsoDate.catch(undefined),
});

export const entryForm = z
  .object({
    ...csrf,
    order: blocks.id(),
    day: isoDate,
    hours: blocks.integer({ min: 1, max: MAX_HOURS_PER_DAY, message: 'services:errors.hoursInvalid' }),
    format: z.enum(UZHYA_FORMATS, { error: 'services:errors.formatRequired' }).optional(),
    objectsKk: optionalText(500),
    objectsRu: optionalText(500),
  })
  .strict();
export type EntryInput = z.infer<typeof entryForm>;

export const codeForm = z
  .object({
    ...csrf,
    code: blocks
      .text({ max: 6, required: 'services:errors.codeFormat', tooLong: 'services:errors.codeFormat' })
      .pipe(z.string().regex(/^\d{6}$/, 'services:errors.codeFormat')),
  })
  .strict();

export const actSearch = z.object({
  year: blocks.integer({ min: 2000, max: blocks.MAX_YEAR }).optional().catch(undefined),
  month: blocks.integer({ min: 1, max: 12 }).optional().catch(undefined),
});

export const periodSchema = blocks
  .text({ max: 7, required: 'services:errors.periodInvalid', tooLong: 'services:errors.periodInvalid' })
  .pipe(z.string().refine(isPeriod, 'services:errors.periodInvalid'));

export const actSendForm = z
  .object({
    ...csrf,
    period: periodSchema,
    endsJointWork: z.enum(['yes']).optional(),
  })
  .strict();

export const electronicActForm = actSendForm;

export const applicationForm = z
  .object({
    ...csrf,
    type: z.enum(['inclusion', 'exclusion'], { error: 'services:errors.applicationType' }),
    kind: z.enum(['UZHYA', 'UIP'], { error: 'services:errors.kindRequired' }),
    region: optionalText(200),
    locality: optionalText(200),
    reason: optionalText(1000),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.type === 'inclusion') {
      if (!v.region)
        ctx.addIssue({ code: 'custom', path: ['region'], message: 'services:errors.regionRequired' });
      if (!v.locality)
        ctx.addIssue({ code: 'custom', path: ['locality'], message: 'services:errors.localityRequired' });
    }
    if (v.type === 'exclusion' && !v.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'services:errors.reasonRequired' });
  });
export type ApplicationInput = z.infer<typeof applicationForm>;

export const decisionForm = z
  .object({
    ...csrf,
    decision: z.enum(['approve', 'reject']),
    comment: optionalText(1000),
  })
  .strict();
