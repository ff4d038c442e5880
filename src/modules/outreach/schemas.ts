import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';
import { KZ_REGIONS } from '../directory/lists.js';
import { NOTIFY_METHODS, OUTREACH_STATES } from './rules.js';

const csrf = { _csrf: z.string().optional() };

/** The list's filter (GET): a bad value is ignored. */
export const outreachQuery = z.object({
  state: blocks.filterChoice(OUTREACH_STATES),
  q: blocks.filterText(100),
  page: blocks.pageNumber,
});
export type OutreachQuery = z.infer<typeof outreachQuery>;

/** «Отметить как уведомлённого»: how the person was told, and a note (required for «other»). */
export const notifiedForm = z
  .strictObject({
    ...csrf,
    method: blocks.oneOf(NOTIFY_METHODS, 'outreach:errors.methodRequired'),
    note: blocks.text({ max: 1000, multiline: true, tooLong: 'outreach:errors.noteTooLong' }),
  })
  .superRefine((v, ctx) => {
    if (v.method === 'other' && !v.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'outreach:errors.noteRequired' });
  });
export type NotifiedInput = z.infer<typeof notifiedForm>;

/** The administrator grants the role: the person's IIN and the region they serve. */
export const executiveForm = z.strictObject({
  ...csrf,
  iin: blocks
    .text({ max: 12, required: 'outreach:errors.iinRequired' })
    .refine((s) => /^\d{12}$/.test(s), { error: 'outreach:errors.iinFormat' }),
  region: blocks.oneOf(KZ_REGIONS, 'outreach:errors.regionRequired'),
});
export type ExecutiveInput = z.infer<typeof executiveForm>;

export const emptyForm = z.strictObject({ ...csrf });
