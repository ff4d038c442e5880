import { z } from 'zod';
import { isValidIin } from '../../lib/iin.js';
import * as blocks from '../../lib/schema-blocks.js';
import { hasControlCharacters, isCalendarDate, MAX_YEAR, MIN_YEAR } from '../../lib/schema-blocks.js';

/**
 * A calendar date 'YYYY-MM-DD' that exists, between 1900 and 2100 (the shared rule of
 * lib/schema-blocks; the API answers in English, field by field).
 */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, `must be an existing date between ${MIN_YEAR} and ${MAX_YEAR}`);

const externalId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.:/-]+$/, 'letters, digits and . _ : / - only');

export const importMeasureSchema = z.strictObject({
  externalId,
  helpType: z
    .string()
    .min(1)
    .max(64)
    .refine((s) => !hasControlCharacters(s, false), 'must not contain control characters'),
  volume: z.number().int().min(0).max(100_000_000),
  deadline: isoDate.nullable().optional(),
});

export const importIprSchema = z
  .strictObject({
    externalId,
    iin: z
      .string()
      .regex(/^\d{12}$/, 'must be 12 digits')
      .refine(isValidIin, 'check digit does not match'),
    /**
     * rules, item 7: `disability` (an ИПР of a person with a disability, the default) or `elderly`
     * (a person unable to care for themselves because of old age: recommended special social services,
     * no ИПР and no disability group)
     */
    category: z.enum(['disability', 'elderly']).default('disability'),
    disabilityGroup: z.number().int().min(1).max(3).nullable().optional(),
    developedOn: isoDate,
    validUntil: isoDate.nullable().optional(),
    measures: z.array(importMeasureSchema).min(1).max(100),
  })
  .superRefine((ipr, ctx) => {
    if (ipr.validUntil && ipr.validUntil < ipr.developedOn) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must not be before developedOn' });
    }
    if (ipr.category === 'elderly' && ipr.disabilityGroup != null) {
      ctx.addIssue({
        code: 'custom',
        path: ['disabilityGroup'],
        message: 'an elderly person has no disability group (category elderly)',
      });
    }
  });

/** The batch Е-Собес sends to `POST /api/esobes/ipr` (and `npm run esobes:import FILE` reads). */
export const importBatchSchema = z
  .strictObject({ iprs: z.array(importIprSchema).min(1).max(1000) })
  .superRefine((batch, ctx) => {
    const iprIds = new Map<string, number>();
    const measureIds = new Map<string, string>();
    batch.iprs.forEach((ipr, i) => {
      if (iprIds.has(ipr.externalId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['iprs', i, 'externalId'],
          message: `duplicates iprs.${iprIds.get(ipr.externalId)}`,
        });
      } else iprIds.set(ipr.externalId, i);
      ipr.measures.forEach((m, j) => {
        const at = measureIds.get(m.externalId);
        if (at)
          ctx.addIssue({
            code: 'custom',
            path: ['iprs', i, 'measures', j, 'externalId'],
            message: `duplicates ${at}`,
          });
        else measureIds.set(m.externalId, `iprs.${i}.measures.${j}`);
      });
    });
  });

export type ImportBatch = z.infer<typeof importBatchSchema>;

/** Field path → message, e.g. `iprs.0.measures.1.volume`. */
export function issuesToFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '(root)';
    if (!fields[key]) fields[key] = issue.message;
  }
  return fields;
}

const csrf = { _csrf: z.string().optional() };

export const phoneForm = z.strictObject({ ...csrf, phone: blocks.text({ max: 40 }) });
export const codeForm = z.strictObject({ ...csrf, code: blocks.text({ max: 20 }) });
export const emailForm = z.strictObject({ ...csrf, email: blocks.text({ max: 254 }) });
export const preferencesForm = z.strictObject({
  ...csrf,
  notifyChannel: z.enum(['sms', 'email']),
  locale: z.enum(['ru', 'kk', 'en']),
});

/** An e-mail address as people type it: one @, a dotted domain, no spaces. */
export const emailAddress = z.email().max(254);
