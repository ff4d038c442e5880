/**
 * One strict zod schema per form of the sanatorium area. Messages are locale keys
 * (`sanatorium:errors.*`), so a failed parse becomes the page's error summary and field messages.
 */
import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';
import { KZ_REGIONS } from '../directory/lists.js';
import { ACCESSIBILITY, PROFILES } from './rules.js';

const csrf = { _csrf: z.string().optional() };

const text = (max: number, required?: string, multiline = false) =>
  blocks.text({ max, required, tooLong: 'sanatorium:errors.tooLong', multiline });

/** Checkbox groups arrive as one string, several strings, or nothing. */
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((x) => x !== ''));

const checkbox = z
  .union([z.literal('yes'), z.literal('')])
  .optional()
  .transform((v) => v === 'yes');

/** The sanatorium's offer: location, profiles, description, accessibility, published. */
export const offerForm = z.strictObject({
  ...csrf,
  name: text(200, 'sanatorium:errors.nameRequired'),
  region: z.enum(KZ_REGIONS, { error: 'sanatorium:errors.regionRequired' }),
  locality: text(200, 'sanatorium:errors.localityRequired'),
  address: text(300, 'sanatorium:errors.addressRequired'),
  profiles: list.pipe(
    z
      .array(z.enum(PROFILES, { error: 'sanatorium:errors.profilesRequired' }))
      .min(1, { error: 'sanatorium:errors.profilesRequired' }),
  ),
  description: text(4000, undefined, true),
  accessibility: list.pipe(z.array(z.enum(ACCESSIBILITY, { error: 'sanatorium:errors.badRequest' }))),
  published: checkbox,
});
export type OfferInput = z.output<typeof offerForm>;

/** A period («заезд»): start date, length, places, price per stay. */
export const periodForm = z.strictObject({
  ...csrf,
  startsOn: blocks.calendarDate('sanatorium:errors.startsOnInvalid'),
  days: blocks.integer({ min: 1, max: 60, message: 'sanatorium:errors.daysInvalid' }),
  places: blocks.integer({ min: 1, max: 1000, message: 'sanatorium:errors.placesInvalid' }),
  companionPlaces: blocks.integer({ min: 0, max: 1000, message: 'sanatorium:errors.placesInvalid' }),
  price: blocks.money({
    required: 'sanatorium:errors.priceRequired',
    format: 'sanatorium:errors.moneyFormat',
  }),
  companionPrice: blocks.money({
    required: 'sanatorium:errors.priceRequired',
    format: 'sanatorium:errors.moneyFormat',
  }),
});
export type PeriodInput = z.output<typeof periodForm>;

/** «Создать»: whether an accompanying person comes. */
export const createForm = z.strictObject({
  ...csrf,
  companion: z
    .enum(['yes', 'no'], { error: 'sanatorium:errors.chooseCompanion' })
    .transform((v) => v === 'yes'),
});
export type CreateInput = z.output<typeof createForm>;

/** A step's button: a reason where the step asks why. */
export const stepForm = z.strictObject({
  ...csrf,
  reason: text(1000, undefined, true).optional(),
});
export type StepInput = z.output<typeof stepForm>;

/** The search filters (a bad value is ignored: filters are links people share). */
export const searchQuery = z.object({
  region: blocks.filterChoice(KZ_REGIONS),
  profile: blocks.filterChoice(PROFILES),
  month: blocks
    .filterText(7)
    .pipe(
      z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
        .optional(),
    )
    .catch(undefined),
  accessibility: list.pipe(z.array(z.enum(ACCESSIBILITY))).catch([]),
  measure: z.unknown().optional(),
});
export type SearchQuery = z.output<typeof searchQuery>;

/** A photo's text fields (the file comes apart): the alternative text is required. */
export const photoForm = z.strictObject({
  ...csrf,
  alt: text(300, 'sanatorium:errors.altRequired'),
});
export type PhotoInput = z.infer<typeof photoForm>;
