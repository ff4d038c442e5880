/**
 * One strict zod schema per form of the ТСР area. Messages are locale keys (`goods:errors.*`), so a
 * failed parse becomes the page's error summary and field messages as they are.
 */
import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';
import { FULFILMENTS, GOODS_STATUSES, KZ_REGIONS, LOCATION_KINDS } from './rules.js';

const csrf = { _csrf: z.string().optional() };

const text = (max: number, required: string | null, multiline = false) =>
  blocks.text({ max, required: required ?? undefined, tooLong: 'goods:errors.tooLong', multiline });

/** Checkbox groups arrive as one string, several strings, or nothing. */
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((x) => x !== ''));

const yesNo = z.enum(['yes', 'no'], { error: 'goods:errors.chooseYesNo' }).transform((v) => v === 'yes');

const money = (required: string) => blocks.money({ required, format: 'goods:errors.moneyFormat' });

const id = (message: string) => blocks.id(message);

/** Kazakhstan mobile or city number, written any usual way; stored as +7XXXXXXXXXX. */
export function normalisePhone(input: string): string | null {
  const digits = input.replace(/[\s()\-‐–]/g, '');
  const m = /^(?:\+7|8|7)(\d{10})$/.exec(digits);
  return m ? `+7${m[1]}` : null;
}

const phone = blocks.text({ max: 40, tooLong: 'goods:errors.phoneFormat' }).transform((v, ctx) => {
  if (v === '') return '';
  const p = normalisePhone(v);
  if (!p) {
    ctx.addIssue({ code: 'custom', message: 'goods:errors.phoneFormat' });
    return z.NEVER;
  }
  return p;
});

// ---- supplier catalogue

export const goodsForm = z.strictObject({
  ...csrf,
  helpType: text(64, 'goods:errors.kindRequired'),
  name: text(200, 'goods:errors.nameRequired'),
  characteristics: text(4000, null, true),
  price: money('goods:errors.priceRequired').refine((v) => v > 0, 'goods:errors.pricePositive'),
  accompanyingService: yesNo,
  deliveryOptions: list.pipe(
    z
      .array(z.enum(FULFILMENTS, { error: 'goods:errors.deliveryOptionsRequired' }))
      .min(1, 'goods:errors.deliveryOptionsRequired'),
  ),
  regions: list.pipe(
    z
      .array(z.enum(KZ_REGIONS, { error: 'goods:errors.regionsRequired' }))
      .min(1, 'goods:errors.regionsRequired'),
  ),
  active: yesNo,
});
export type GoodsFormInput = z.output<typeof goodsForm>;

export const stockForm = z
  .object(csrf)
  .catchall(z.string())
  .transform((body, ctx) => {
    const quantities = new Map<number, number>();
    for (const [k, v] of Object.entries(body)) {
      if (k === '_csrf') continue;
      const m = /^qty-(\d{1,12})$/.exec(k);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: 'goods:errors.badRequest', path: [k] });
        return z.NEVER;
      }
      const s = (v as string).trim();
      if (!/^\d{1,6}$/.test(s)) {
        ctx.addIssue({ code: 'custom', message: 'goods:errors.quantityFormat', path: [k] });
        continue;
      }
      quantities.set(Number(m[1]), Number(s));
    }
    return quantities;
  });

export const locationForm = z.strictObject({
  ...csrf,
  kind: z.enum(LOCATION_KINDS, { error: 'goods:errors.locationKindRequired' }),
  name: text(200, 'goods:errors.locationNameRequired'),
  region: z.enum(KZ_REGIONS, { error: 'goods:errors.regionRequired' }),
  locality: text(120, 'goods:errors.localityRequired'),
  address: text(300, 'goods:errors.addressRequired'),
  phone,
});
export type LocationFormInput = z.output<typeof locationForm>;

// ---- recipient's creation window

export const createOrderForm = z
  .strictObject({
    ...csrf,
    fulfilment: z.enum(FULFILMENTS, { error: 'goods:errors.fulfilmentRequired' }),
    stationaryId: text(12, null),
    warehouseId: text(12, null),
    region: text(200, null),
    locality: text(120, null),
    street: text(200, null),
    house: text(20, null),
    flat: text(20, null),
    phone,
    comment: text(500, null, true),
  })
  .superRefine((v, ctx) => {
    const need = (field: string, ok: boolean, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [field], message });
    };
    if (v.fulfilment === 'stationary')
      need('stationaryId', /^\d{1,12}$/.test(v.stationaryId ?? ''), 'goods:errors.stationaryRequired');
    if (v.fulfilment === 'pickup')
      need('warehouseId', /^\d{1,12}$/.test(v.warehouseId ?? ''), 'goods:errors.warehouseRequired');
    if (v.fulfilment === 'courier' || v.fulfilment === 'home') {
      need(
        'region',
        (KZ_REGIONS as readonly string[]).includes(v.region ?? ''),
        'goods:errors.regionRequired',
      );
      need('locality', v.locality !== '', 'goods:errors.localityRequired');
      need('street', v.street !== '', 'goods:errors.streetRequired');
      need('house', v.house !== '', 'goods:errors.houseRequired');
      need('phone', v.phone !== '', 'goods:errors.phoneRequired');
    }
  });
export type CreateOrderInput = z.output<typeof createOrderForm>;

/**
 * «Далее» of the creation window without JavaScript: only the method counts; the fields of the methods
 * come along (empty or prefilled) and are asked for by «Создать».
 */
export const chooseMethodForm = z.object({
  fulfilment: z.enum(FULFILMENTS, { error: 'goods:errors.fulfilmentRequired' }),
});

// ---- order steps

export const reasonForm = z.strictObject({
  ...csrf,
  reason: blocks.text({
    max: 1000,
    min: 3,
    multiline: true,
    required: 'goods:errors.reasonRequired',
    tooShort: 'goods:errors.reasonTooShort',
    tooLong: 'goods:errors.tooLong',
  }),
});
export const optionalReasonForm = z.strictObject({ ...csrf, reason: text(1000, null, true) });
export const emptyForm = z.strictObject({ ...csrf });
export const reserveForm = z.strictObject({
  ...csrf,
  locationId: id('goods:errors.reserveLocationRequired'),
});
export const courierForm = z.strictObject({
  ...csrf,
  trackNumber: text(40, 'goods:errors.trackRequired')
    .transform((v) => v.replace(/\s+/g, '').toUpperCase())
    .pipe(z.string().min(1, 'goods:errors.trackRequired').max(13, 'goods:errors.trackInvalid')),
});
export const handoverForm = z.strictObject({
  ...csrf,
  handedOverAt: text(40, 'goods:errors.handoverTimeInvalid'),
});

export const supplierOrdersQuery = z.object({
  status: z.enum(GOODS_STATUSES).optional().catch(undefined),
  fulfilment: z.enum(FULFILMENTS).optional().catch(undefined),
  from: blocks.filterDate,
  to: blocks.filterDate,
  q: blocks.filterText(100),
  page: blocks.pageNumber,
});

// ---- administration

export const tsrKindForm = z.strictObject({
  ...csrf,
  guaranteedSum: money('goods:errors.guaranteedRequired'),
  accompanyingService: yesNo,
  active: yesNo,
});
