import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';
import { isoDate } from '../entitlements/schemas.js';
import { isValidIin } from '../../lib/iin.js';
import { SERVICE_FORMS } from './rules.js';

const csrf = { _csrf: z.string().optional() };

// the import API (Е-Собес → portal), answered in English field by field ----------------------------

const externalId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.:/-]+$/, 'letters, digits and . _ : / - only');

const nameText = z
  .string()
  .min(1)
  .max(300)
  .refine((s) => !blocks.hasControlCharacters(s, false), 'must not contain control characters');

export const programmeServiceSchema = z
  .strictObject({
    externalId,
    code: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\w.-]+$/, 'letters, digits and . _ - only'),
    name: z.strictObject({ ru: nameText, kk: nameText, en: nameText }),
    form: z.enum(SERVICE_FORMS),
    volume: z.number().int().min(1).max(100_000),
    periodFrom: isoDate,
    periodTo: isoDate,
  })
  .superRefine((s, ctx) => {
    if (s.periodTo < s.periodFrom)
      ctx.addIssue({ code: 'custom', path: ['periodTo'], message: 'must not be before periodFrom' });
  });

export const programmeSchema = z
  .strictObject({
    externalId,
    iin: z
      .string()
      .regex(/^\d{12}$/, 'must be 12 digits')
      .refine(isValidIin, 'check digit does not match'),
    category: z.enum(['disability', 'elderly']),
    number: z
      .string()
      .min(1)
      .max(64)
      .refine((s) => !blocks.hasControlCharacters(s, false), 'must not contain control characters'),
    developedOn: isoDate,
    validUntil: isoDate,
    services: z.array(programmeServiceSchema).min(1).max(50),
    /** the recommended providers by БИН, in the order Е-Собес recommends them */
    providers: z
      .array(z.string().regex(/^\d{12}$/, 'must be 12 digits'))
      .max(20)
      .default([]),
  })
  .superRefine((p, ctx) => {
    if (p.validUntil < p.developedOn)
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must not be before developedOn' });
    const seen = new Set<string>();
    p.services.forEach((s, i) => {
      if (seen.has(s.externalId))
        ctx.addIssue({ code: 'custom', path: ['services', i, 'externalId'], message: 'duplicate' });
      seen.add(s.externalId);
      if (s.periodFrom < p.developedOn || s.periodTo > p.validUntil)
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'periodFrom'],
          message: 'the period must lie within the programme (developedOn … validUntil)',
        });
    });
    if (new Set(p.providers).size !== p.providers.length)
      ctx.addIssue({ code: 'custom', path: ['providers'], message: 'duplicate provider' });
  });

export const programmeBatchSchema = z
  .strictObject({ programmes: z.array(programmeSchema).min(1).max(500) })
  .superRefine((b, ctx) => {
    const seen = new Map<string, number>();
    b.programmes.forEach((p, i) => {
      if (seen.has(p.externalId))
        ctx.addIssue({
          code: 'custom',
          path: ['programmes', i, 'externalId'],
          message: `duplicates programmes.${seen.get(p.externalId)}`,
        });
      else seen.set(p.externalId, i);
    });
  });

export type ProgrammeBatch = z.infer<typeof programmeBatchSchema>;

// forms -------------------------------------------------------------------------------------------

/** «Заключить договор»: the provider chosen (recommended or found by name). */
export const requestForm = z.strictObject({
  ...csrf,
  organisation: blocks.id('contracts:errors.providerRequired'),
});

/** The provider search (GET): a part of the name; a bad value is ignored. */
export const providerQuery = z.object({ q: blocks.filterText(100) });

/** A reason (decline, termination, dispute). */
export const reasonForm = z.strictObject({
  ...csrf,
  reason: blocks.text({
    max: 1000,
    required: 'contracts:errors.reasonRequired',
    multiline: true,
    tooLong: 'contracts:errors.reasonTooLong',
  }),
});
export type ReasonInput = z.output<typeof reasonForm>;

/** A service rendered: date, service of the contract, quantity. */
export const recordForm = z.strictObject({
  ...csrf,
  service: blocks.id('contracts:errors.serviceRequired'),
  date: blocks.calendarDate('contracts:errors.date'),
  quantity: blocks.integer({ min: 1, max: 1000, message: 'contracts:errors.quantity' }),
});
export type RecordInput = z.output<typeof recordForm>;

/** The act: formed from the records (the button carries nothing else). */
export const emptyForm = z.strictObject({ ...csrf });

export interface TermsInput {
  validFrom: string;
  validTo: string;
  services: { programmeServiceId: number; volume: number }[];
}

const termsBase = z.strictObject({
  validFrom: blocks.calendarDate('contracts:errors.date'),
  validTo: blocks.calendarDate('contracts:errors.date'),
});
const volumeValue = blocks.integer({ min: 0, max: 100_000, message: 'contracts:errors.volumePositive' });
const VOLUME_FIELD = /^volume_([1-9]\d{0,11})$/;

/**
 * The provider's terms: validity and, per programme service, the volume (`volume_<id>`; empty or 0
 * leaves the service out). Any other field is a forged request (null → plain 400).
 */
export function parseTerms(
  body: unknown,
): { ok: true; data: TermsInput } | { ok: false; errors: Record<string, string> } | null {
  const b = (body ?? {}) as Record<string, unknown>;
  const base: Record<string, unknown> = {};
  const volumes: [number, unknown, string][] = [];
  for (const [k, v] of Object.entries(b)) {
    if (k === '_csrf') continue;
    const m = VOLUME_FIELD.exec(k);
    if (m) volumes.push([Number(m[1]), v, k]);
    else if (k === 'validFrom' || k === 'validTo') base[k] = v;
    else return null;
  }
  const errors: Record<string, string> = {};
  const parsedBase = termsBase.safeParse(base);
  if (!parsedBase.success)
    for (const i of parsedBase.error.issues)
      errors[String(i.path[0])] ??= blocks.textKeyOr(i.message, 'contracts:errors.date');
  const services: TermsInput['services'] = [];
  for (const [id, raw, field] of volumes) {
    if (raw === '' || raw === undefined) continue;
    const v = volumeValue.safeParse(raw);
    if (!v.success) errors[field] = 'contracts:errors.volumePositive';
    else if (v.data > 0) services.push({ programmeServiceId: id, volume: v.data });
  }
  if (Object.keys(errors).length || !parsedBase.success) return { ok: false, errors };
  return { ok: true, data: { ...parsedBase.data, services } };
}
