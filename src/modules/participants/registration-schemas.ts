import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';
import { DIRECTIONS } from '../directory/lists.js';

const csrf = { _csrf: z.string().optional() };

const reason = blocks.text({
  max: 1000,
  min: 3,
  multiline: true,
  required: 'participants:errors.reasonRequired',
  tooShort: 'participants:errors.reasonTooShort',
  tooLong: 'participants:errors.tooLong',
});

/** The administrator's refusal of a supplier application. */
export const refuseForm = z.strictObject({ ...csrf, reason });

/** The administrator's directions of an organisation: a subset of the available ones, and why. */
export const directionsForm = z.strictObject({
  ...csrf,
  directions: z
    .union([z.enum(DIRECTIONS), z.array(z.enum(DIRECTIONS)).max(DIRECTIONS.length)], {
      error: 'participants:errors.notAvailable',
    })
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  reason: blocks.optionalText({ max: 1000, multiline: true, tooLong: 'participants:errors.tooLong' }),
});
