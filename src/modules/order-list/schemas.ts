import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';

const filterDate = blocks.optionalCalendarDate('orderlist:errors.filterDate');
/** a kind's filter value or a status code: a stable identifier, checked against the registry after */
const code = z
  .string()
  .max(64)
  .regex(/^[a-z0-9_]*$/, { error: 'orderlist:errors.filterValue' });

/** The GET filter of «Заказанные услуги» / «Заказы товаров»; empty fields mean «all». */
export const orderListQuery = z.object({
  type: code.optional(),
  status: code.optional(),
  from: filterDate,
  to: filterDate,
  page: blocks.integer({ min: 1, max: 100_000 }).optional(),
  lang: z.string().optional(),
});

export type OrderListQuery = z.infer<typeof orderListQuery>;
