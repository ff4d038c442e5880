import { z } from 'zod';
import { MAX_HOURS_PER_DAY, UZHYA_FORMATS, isIsoDate, isPeriod } from './rules.js';

/** One strict zod schema per form; every form may carry `_csrf`. Messages are locale keys. */
const csrf = { _csrf: z.string().optional() };
const text = (max: number) =>
  z
    .string()
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .pipe(z.string().max(max, 'services:errors.tooLong'));
const optionalText = (max: number) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? '').replace(/\r\n?/g, '\n').trim())
    .pipe(z.string().max(max, 'services:errors.tooLong'));
const isoDate = z.string().trim().refine(isIsoDate, 'services:errors.dateInvalid');
const optionalIsoDate = z
  .string()
  .trim()
  .optional()
  .transform((s) => s || undefined)
  .refine((s) => s === undefined || isIsoDate(s), 'services:errors.dateInvalid');

/** A Kazakh mobile number, spaces and brackets allowed, stored as +7XXXXXXXXXX. */
export const phoneSchema = z
  .string()
  .transform((s) => s.replace(/[\s()-]/g, ''))
  .transform((s) => (s.startsWith('8') && s.length === 11 ? `+7${s.slice(1)}` : s))
  .pipe(z.string().regex(/^\+7\d{10}$/, 'services:errors.phone'));

export const orderForm = z
  .object({
    ...csrf,
    phone: phoneSchema,
    email: z
      .string()
      .trim()
      .optional()
      .transform((s) => s || undefined)
      .pipe(z.email('services:errors.email').max(200, 'services:errors.tooLong').optional()),
    address: text(500).pipe(z.string().min(5, 'services:errors.address')),
    comment: optionalText(1000),
  })
  .strict();
export type OrderFormInput = z.infer<typeof orderForm>;

export const reasonForm = z
  .object({
    ...csrf,
    reason: z
      .string({ error: 'services:errors.reasonRequired' })
      .min(1, 'services:errors.reasonRequired')
      .max(40),
    comment: optionalText(1000),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.reason === 'other' && !v.comment)
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'services:errors.commentRequired' });
  });
export type ReasonInput = z.infer<typeof reasonForm>;

export const signedForm = z
  .object({
    ...csrf,
    signRequestId: z.string().min(1).max(64),
    signedXml: z
      .string()
      .min(1)
      .max(512 * 1024),
    xml: z
      .string()
      .max(512 * 1024)
      .optional(),
  })
  .strict();
export type SignedInput = z.infer<typeof signedForm>;

export const specialistSearch = z.object({
  from: optionalIsoDate.catch(undefined),
  to: optionalIsoDate.catch(undefined),
  status: z.string().max(40).optional().catch(undefined),
  surname: z.string().trim().max(100).optional().catch(undefined),
  name: z.string().trim().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type SpecialistSearch = z.infer<typeof specialistSearch>;

export const journalSearch = z.object({
  order: z.coerce.number().int().positive().optional().catch(undefined),
  from: optionalIsoDate.catch(undefined),
  to: optionalIsoDate.catch(undefined),
});

export const entryForm = z
  .object({
    ...csrf,
    order: z.coerce.number().int().positive(),
    day: isoDate,
    hours: z.coerce
      .number({ error: 'services:errors.hoursInvalid' })
      .int('services:errors.hoursInvalid')
      .min(1, 'services:errors.hoursInvalid')
      .max(MAX_HOURS_PER_DAY, 'services:errors.hoursInvalid'),
    format: z.enum(UZHYA_FORMATS, { error: 'services:errors.formatRequired' }).optional(),
    objectsKk: optionalText(500),
    objectsRu: optionalText(500),
  })
  .strict();
export type EntryInput = z.infer<typeof entryForm>;

export const codeForm = z
  .object({
    ...csrf,
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'services:errors.codeFormat'),
  })
  .strict();

export const actSearch = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  month: z.coerce.number().int().min(1).max(12).optional().catch(undefined),
});

export const periodSchema = z.string().refine(isPeriod, 'services:errors.periodInvalid');

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

export const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** zod issues → { field: 'ns:key' } for the error summary and the field messages. */
export function fieldErrors(error: z.ZodError, fallback = 'services:errors.invalid'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (out[field]) continue;
    out[field] = issue.message.startsWith('services:') ? issue.message : fallback;
  }
  return out;
}
