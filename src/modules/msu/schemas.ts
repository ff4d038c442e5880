/**
 * One strict zod schema per МСУ form. Messages are locale keys (`msu:errors.*`), so a failed parse
 * becomes the page's error summary and field messages as they are.
 */
import { z } from 'zod';
import { DateTime } from 'luxon';
import { AGE_GROUPS, PROFILES, SEXES } from './rules.js';

const csrf = { _csrf: z.string().optional() };

/** The signing contract's post: the request id and the complete enveloped-signed document. */
export const signedForm = z
  .object({
    ...csrf,
    signRequestId: z.string().min(1).max(64),
    signedXml: z
      .string()
      .min(1)
      .max(256 * 1024),
    // the document as issued may come back with the signed one; it is never read
    xml: z.string().optional(),
  })
  .strict();

const text = (max: number, required: string | null) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').replace(/\r\n?/g, '\n').trim())
    .pipe(
      required
        ? z.string().min(1, required).max(max, 'msu:errors.tooLong')
        : z.string().max(max, 'msu:errors.tooLong'),
    );

/** Refusal forms (cancel the queue, cancel an enrolment, discharge): a reason of a few words at least. */
export const reasonForm = z
  .object({
    ...csrf,
    reason: text(1000, 'msu:errors.reasonRequired').pipe(z.string().min(3, 'msu:errors.reasonTooShort')),
  })
  .strict();

const count = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^\d{1,5}$/, message)
    .transform(Number);

export const bedsForm = z
  .object({
    ...csrf,
    total: count('msu:errors.bedsInvalid'),
    reason: text(1000, 'msu:errors.reasonRequired').pipe(z.string().min(3, 'msu:errors.reasonTooShort')),
  })
  .strict();

/** A checkbox with a hidden «no» beside it: 'yes' when ticked. */
const yesNoBox = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => ((Array.isArray(v) ? v : [v]).includes('yes') ? 'yes' : 'no'));

const optionalId = z
  .string()
  .optional()
  .transform((v) => (v && /^\d{1,12}$/.test(v) ? Number(v) : undefined));

const isoDay = z
  .string()
  .optional()
  .transform((v) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) && DateTime.fromISO(v).isValid ? v : undefined));

/** GET filters: anything unexpected is ignored rather than refused (they are links people share). */
export const catalogueQuery = z.object({
  region: z.string().max(200).optional().catch(undefined),
  locality: z.string().max(200).optional().catch(undefined),
  profile: z.enum(PROFILES).optional().catch(undefined),
  measure: z
    .string()
    .regex(/^\d{1,12}$/)
    .optional()
    .catch(undefined),
});

export const openDataQuery = z.object({
  institution: optionalId.catch(undefined),
  from: isoDay.catch(undefined),
  to: isoDay.catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
  format: z.enum(['html', 'csv', 'json']).optional().catch(undefined),
});

export const cabinetQuery = z.object({
  status: z
    .enum([
      'awaiting_arrival',
      'enrolled',
      'place_offered',
      'queued',
      'no_show',
      'discharged',
      'enrolment_cancelled',
    ])
    .optional()
    .catch(undefined),
  department: optionalId.catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

/** «Проверить очередь»: the order number and the recipient's birth date (govuk date input); both checked at once. */
export const queueCheckForm = z
  .object({
    ...csrf,
    number: z.string().optional(),
    'birth-day': z.string().optional(),
    'birth-month': z.string().optional(),
    'birth-year': z.string().optional(),
  })
  .strict()
  .transform((v, ctx) => {
    const number = (v.number ?? '').trim().replace(/^№\s*/, '');
    if (!number) ctx.addIssue({ code: 'custom', path: ['number'], message: 'msu:errors.numberRequired' });
    else if (!/^\d{4}-\d{7}$/.test(number))
      ctx.addIssue({ code: 'custom', path: ['number'], message: 'msu:errors.numberFormat' });
    const [d, m, y] = [v['birth-day'], v['birth-month'], v['birth-year']].map((x) => (x ?? '').trim());
    const date = DateTime.fromObject({ year: Number(y), month: Number(m), day: Number(d) });
    const dateOk = Boolean(d && m && y) && /^\d{4}$/.test(y!) && date.isValid && Number(y) >= 1900;
    if (!dateOk) ctx.addIssue({ code: 'custom', path: ['birth'], message: 'msu:errors.birthDateInvalid' });
    if (!number || !/^\d{4}-\d{7}$/.test(number) || !dateOk) return z.NEVER;
    return { number, birthDate: date.toISODate()! };
  });

const texts = (prefix: string, max: number) => ({
  [`${prefix}_ru`]: text(max, null),
  [`${prefix}_kk`]: text(max, null),
  [`${prefix}_en`]: text(max, null),
});

export const institutionForm = z
  .object({
    ...csrf,
    name: text(300, 'msu:errors.nameRequired'),
    ...texts('description', 4000),
    ...texts('arrival', 4000),
    region: text(200, 'msu:errors.regionRequired'),
    locality: text(200, 'msu:errors.localityRequired'),
    address: text(300, 'msu:errors.addressRequired'),
    phone: text(40, null).pipe(z.string().regex(/^(\+?[\d\s()-]{6,20})?$/, 'msu:errors.phoneFormat')),
    email: text(200, null).pipe(z.union([z.literal(''), z.email('msu:errors.emailFormat')])),
    working_hours: text(200, null),
    active: yesNoBox,
  })
  .strict();

export const departmentForm = z
  .object({
    ...csrf,
    name_ru: text(200, 'msu:errors.nameRequired'),
    name_kk: text(200, null),
    name_en: text(200, null),
    profile: z.enum(PROFILES, { error: 'msu:errors.profileRequired' }),
    sex: z.enum(SEXES, { error: 'msu:errors.sexRequired' }),
    age_group: z.enum(AGE_GROUPS, { error: 'msu:errors.ageGroupRequired' }),
    beds_total: count('msu:errors.bedsInvalid'),
    active: yesNoBox,
    reason: text(1000, null),
  })
  .strict();

export const registerForm = z
  .object({
    ...csrf,
    organisation: z
      .string()
      .regex(/^\d{1,12}$/, 'msu:errors.organisationRequired')
      .transform(Number),
  })
  .strict();

export type FieldErrors = Record<string, string>;

/** The first message per field, as the error summary and the field messages want it. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (!out[field]) out[field] = issue.message.includes(':') ? issue.message : 'errors:validation';
  }
  return out;
}
