/**
 * One strict zod schema per МСУ form. Messages are locale keys (`msu:errors.*`), so a failed parse
 * becomes the page's error summary and field messages as they are.
 */
import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';
import { AGE_GROUPS, PROFILES, SEXES } from './rules.js';
import { isValidIin } from '../../lib/iin.js';

const csrf = { _csrf: z.string().optional() };

const text = (max: number, required: string | null, multiline = false) =>
  blocks.text({ max, required: required ?? undefined, tooLong: 'msu:errors.tooLong', multiline });

/** A reason of a few words at least. */
const reason = blocks.text({
  max: 1000,
  min: 3,
  multiline: true,
  required: 'msu:errors.reasonRequired',
  tooShort: 'msu:errors.reasonTooShort',
  tooLong: 'msu:errors.tooLong',
});

/** Refusal forms (cancel the queue, cancel an enrolment, discharge): a reason of a few words at least. */
export const reasonForm = z
  .object({
    ...csrf,
    reason,
  })
  .strict();

const count = (message: string) => blocks.integer({ min: 0, max: 99_999, message });

export const bedsForm = z
  .object({
    ...csrf,
    total: count('msu:errors.bedsInvalid'),
    reason,
  })
  .strict();

/** A checkbox with a hidden «no» beside it: 'yes' when ticked. */
const yesNoBox = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => ((Array.isArray(v) ? v : [v]).includes('yes') ? 'yes' : 'no'));

const optionalId = blocks.optionalId();

const isoDay = blocks.filterDate;

/** GET filters: anything unexpected is ignored rather than refused (they are links people share). */
export const catalogueQuery = z.object({
  region: blocks.filterText(200),
  locality: blocks.filterText(200),
  profile: z.enum(PROFILES).optional().catch(undefined),
  measure: blocks.id().optional().catch(undefined),
});

export const openDataQuery = z.object({
  institution: optionalId.catch(undefined),
  from: isoDay.catch(undefined),
  to: isoDay.catch(undefined),
  page: blocks.pageNumber,
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
  page: blocks.pageNumber,
});

/** «Проверить очередь»: the order number and the recipient's birth date (govuk date input); both checked at once. */
export const queueCheckForm = z
  .object({
    ...csrf,
    number: text(40, null),
    'birth-day': text(10, null),
    'birth-month': text(10, null),
    'birth-year': text(10, null),
  })
  .strict()
  .transform((v, ctx) => {
    const number = (v.number ?? '').trim().replace(/^№\s*/, '');
    if (!number) ctx.addIssue({ code: 'custom', path: ['number'], message: 'msu:errors.numberRequired' });
    else if (!/^\d{4}-\d{7}$/.test(number))
      ctx.addIssue({ code: 'custom', path: ['number'], message: 'msu:errors.numberFormat' });
    const [d, m, y] = [v['birth-day'], v['birth-month'], v['birth-year']];
    const birthDate = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
    const dateOk = /^\d{1,2}$/.test(d) && /^\d{1,2}$/.test(m) && blocks.isCalendarDate(birthDate);
    if (!dateOk) ctx.addIssue({ code: 'custom', path: ['birth'], message: 'msu:errors.birthDateInvalid' });
    if (!number || !/^\d{4}-\d{7}$/.test(number) || !dateOk) return z.NEVER;
    return { number, birthDate };
  });

const texts = (prefix: string, max: number) => ({
  [`${prefix}_ru`]: text(max, null, true),
  [`${prefix}_kk`]: text(max, null, true),
  [`${prefix}_en`]: text(max, null, true),
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
    reason: text(1000, null, true),
  })
  .strict();

export const registerForm = z
  .object({
    ...csrf,
    organisation: blocks.id('msu:errors.organisationRequired'),
  })
  .strict();

export type InstitutionForm = z.output<typeof institutionForm>;
export type DepartmentForm = z.output<typeof departmentForm>;

/** «Проверить очередь» by ИИН (seed 004): the ИИН of the recipient or of the applicant. */
export const queueCheckIinForm = z.strictObject({
  ...csrf,
  iin: text(20, null)
    .transform((s) => (s ?? '').replace(/\s+/g, ''))
    .superRefine((s, ctx) => {
      if (!s) ctx.addIssue({ code: 'custom', message: 'outreach:queueCheck.iinRequired' });
      else if (!/^\d{12}$/.test(s) || !isValidIin(s))
        ctx.addIssue({ code: 'custom', message: 'outreach:queueCheck.iinFormat' });
    }),
});
