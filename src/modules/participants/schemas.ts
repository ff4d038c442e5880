/** One strict zod schema per form of the participants' pages; messages are `staff:errors.*` keys. */
import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';
import { isValidIin } from '../../lib/iin.js';
import { STAFF_ROLES } from './rules.js';

const csrf = { _csrf: z.string().optional() };

export const addStaffForm = z.strictObject({
  ...csrf,
  iin: blocks
    .text({ max: 20, required: 'staff:errors.iinRequired', tooLong: 'staff:errors.iinFormat' })
    .transform((v) => v.replace(/\s/g, ''))
    .refine((v) => /^\d{12}$/.test(v) && isValidIin(v), { error: 'staff:errors.iinFormat' }),
  role: blocks.oneOf(STAFF_ROLES, 'staff:errors.roleRequired'),
  orgAdmin: z
    .enum(['yes'], { error: 'staff:errors.roleRequired' })
    .optional()
    .transform((v) => v === 'yes'),
});
export type AddStaffInput = z.output<typeof addStaffForm>;

/** The administrator's reason for a suspension or an exclusion (shown to the participant). */
export const standingReasonForm = z.strictObject({
  ...csrf,
  reason: blocks.text({
    max: 1000,
    min: 5,
    required: 'staff:errors.reasonRequired',
    tooShort: 'staff:errors.reasonTooShort',
    tooLong: 'staff:errors.reasonTooLong',
    multiline: true,
  }),
});
export type StandingReasonInput = z.output<typeof standingReasonForm>;
