import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkPhoto,
  FULFILMENTS,
  GOODS_STATUSES,
  goodsMachine,
  HANDOVER_ACTIONS,
  parseHandoverTime,
  PHOTO_MAX_BYTES,
  recipientMayCancel,
  reimbursementTiyn,
  surchargeTiyn,
  toLocalInput,
  validDeliveryOptions,
  type Fulfilment,
  type GoodsStatus,
} from '../../../src/modules/goods/rules.js';
import { goodsForm, normalisePhone, createOrderForm } from '../../../src/modules/goods/schemas.js';
import { parseForm } from '../../../src/web/forms.js';

const RECIPIENT = ['recipient'] as const;
const SUPPLIER = ['employee'] as const;

/** The buttons a person of these roles sees for an order in this status and fulfilment (the machine's guards). */
const actionsFor = (status: GoodsStatus, fulfilment: Fulfilment, roles: typeof RECIPIENT | typeof SUPPLIER) =>
  goodsMachine.actionsFor(status, roles, { fulfilment });

describe('money: surcharge and reimbursement in integer tiyn', () => {
  it('charges the recipient only what exceeds the guaranteed sum', () => {
    expect(surchargeTiyn(13_500_000, 12_000_000)).toBe(1_500_000);
    expect(surchargeTiyn(11_800_000, 12_000_000)).toBe(0);
    expect(surchargeTiyn(12_000_000, 12_000_000)).toBe(0);
    expect(surchargeTiyn(100, null)).toBe(100);
  });

  it('reimburses the price up to the guaranteed sum; both parts add up to the price', () => {
    for (const [price, guaranteed] of [
      [13_500_050, 12_000_000],
      [600_000, 600_000],
      [1, 1_200_000],
    ] as const) {
      expect(reimbursementTiyn(price, guaranteed) + surchargeTiyn(price, guaranteed)).toBe(price);
    }
    expect(reimbursementTiyn(13_500_050, 12_000_000)).toBe(12_000_000);
  });

  it('refuses fractions of a tiyn', () => {
    expect(() => surchargeTiyn(100.5, 0)).toThrow();
    expect(() => surchargeTiyn(-1, 0)).toThrow();
  });
});

/** Walks the machine from «Создан» with the actions a person sees, as the pages offer them. */
function walk(fulfilment: Fulfilment, pick: (available: string[]) => string | undefined): GoodsStatus[] {
  let status: GoodsStatus = 'created';
  const path: GoodsStatus[] = [status];
  for (let i = 0; i < 10 && goodsMachine.isOpen(status); i++) {
    const available = [
      ...actionsFor(status, fulfilment, RECIPIENT),
      ...actionsFor(status, fulfilment, SUPPLIER),
    ];
    const action = pick(available);
    if (!action) break;
    status = goodsMachine.find(status, action as never)!.to;
    path.push(status);
  }
  return path;
}

describe('the goods order state machine', () => {
  const forward = (a: string[]) => a.find((x) => !['delete', 'cancel', 'decline'].includes(x));

  it('leads each fulfilment to its own hand-over status with the seeds’ steps', () => {
    expect(walk('stationary', forward)).toEqual([
      'created',
      'awaiting_supplier',
      'reserved',
      'available_stationary',
      'issued_stationary',
    ]);
    expect(walk('pickup', forward)).toEqual([
      'created',
      'awaiting_supplier',
      'reserved',
      'available_pickup',
      'issued_pickup',
    ]);
    expect(walk('courier', forward)).toEqual([
      'created',
      'awaiting_supplier',
      'reserved',
      'with_courier',
      'delivered_courier',
    ]);
    expect(walk('home', forward)).toEqual([
      'created',
      'awaiting_supplier',
      'reserved',
      'home_visit_scheduled',
      'issued_home',
    ]);
  });

  it('offers a supplier only the steps of the order’s fulfilment', () => {
    expect(actionsFor('reserved', 'courier', SUPPLIER)).toEqual(['decline', 'hand_to_courier']);
    expect(actionsFor('reserved', 'stationary', SUPPLIER)).toEqual(['decline', 'make_available_stationary']);
    expect(actionsFor('awaiting_supplier', 'pickup', SUPPLIER)).toEqual(['reserve', 'decline']);
  });

  it('lets the recipient delete or confirm a created order, cancel until the supplier confirms, and nothing after', () => {
    expect(actionsFor('created', 'pickup', RECIPIENT)).toEqual(['confirm', 'delete']);
    expect(actionsFor('awaiting_supplier', 'pickup', RECIPIENT)).toEqual(['cancel']);
    for (const s of GOODS_STATUSES.filter((x) => x !== 'created' && x !== 'awaiting_supplier')) {
      expect(actionsFor(s, 'pickup', RECIPIENT)).toEqual([]);
      expect(recipientMayCancel(s)).toBe(false);
    }
  });

  it('closes the order at every hand-over and every refusal, and only then', () => {
    for (const t of goodsMachine.transitions) {
      const terminal = goodsMachine.terminal.includes(t.to);
      expect(Boolean(t.closes)).toBe(terminal);
      // every person's step is signed; the portal's own (the supplier excluded) is no person's
      expect(t.signed).toBe(t.by.length > 0);
    }
    expect(goodsMachine.find('reserved', 'withdraw')).toMatchObject({
      to: 'withdrawn',
      closes: true,
      effect: 'release',
      by: [],
    });
    expect(goodsMachine.find('with_courier', 'withdraw')).toBeUndefined();
    for (const a of HANDOVER_ACTIONS)
      expect(goodsMachine.transitions.find((t) => t.action === a)?.closes).toBe(true);
  });

  it('names in each row how the step is signed, and shows hand-overs as done', () => {
    for (const t of goodsMachine.transitions.filter((x) => x.signed)) {
      expect(goodsMachine.document(t.action)).toMatchObject({
        purpose: `goods.${t.action}`,
        signer: t.by.includes('employee') ? 'employee' : 'individual',
      });
    }
    expect(goodsMachine.document('confirm').kind).toBe('reimbursement-application');
    expect(goodsMachine.document('reserve').kind).toBe('confirmation');
    for (const a of HANDOVER_ACTIONS)
      expect(
        goodsMachine.tone(
          goodsMachine.find(
            GOODS_STATUSES.find((s) => goodsMachine.find(s, a))!,
            a,
          )!.to,
        ),
      ).toBe('done');
    expect(goodsMachine.tone('declined')).toBe('closed');
    expect(goodsMachine.tone('reserved')).toBe('open');
  });

  it('refuses a step out of order and a step by the wrong side', () => {
    expect(() => goodsMachine.require('created', 'reserve', SUPPLIER)).toThrow(/order_action_not_allowed/);
    expect(() => goodsMachine.require('awaiting_supplier', 'reserve', RECIPIENT)).toThrow(/forbidden/);
    expect(() => goodsMachine.require('reserved', 'cancel', RECIPIENT)).toThrow(/order_action_not_allowed/);
  });
});

describe('delivery options of a catalogue entry', () => {
  it('fits the accompanying-service flag', () => {
    expect(validDeliveryOptions(true, ['stationary', 'home'])).toBe(true);
    expect(validDeliveryOptions(true, ['courier'])).toBe(false);
    expect(validDeliveryOptions(false, ['courier', 'pickup'])).toBe(true);
    expect(validDeliveryOptions(false, ['home'])).toBe(false);
    expect(validDeliveryOptions(false, [])).toBe(false);
    expect(FULFILMENTS).toHaveLength(4);
  });
});

describe('hand-over time', () => {
  const now = new Date('2026-12-01T06:30:00Z'); // 11:30 in Astana
  const notBefore = new Date('2026-11-30T04:00:00Z');

  it('reads the typed Astana time and keeps it between the previous step and now', () => {
    const r = parseHandoverTime('2026-12-01T11:15', { notBefore, now });
    expect(r).toEqual({ ok: true, at: new Date('2026-12-01T06:15:00Z') });
    expect(parseHandoverTime('2026-12-01T11:30', { notBefore, now }).ok).toBe(true);
    expect(parseHandoverTime('2026-12-01T12:00', { notBefore, now })).toEqual({
      ok: false,
      code: 'handoverTimeFuture',
    });
    expect(parseHandoverTime('2026-11-29T12:00', { notBefore, now })).toEqual({
      ok: false,
      code: 'handoverTimeTooEarly',
    });
    expect(parseHandoverTime('01.12.2026 11:15', { notBefore, now })).toEqual({
      ok: false,
      code: 'handoverTimeInvalid',
    });
    expect(parseHandoverTime('2026-02-30T10:00', { notBefore, now })).toEqual({
      ok: false,
      code: 'handoverTimeInvalid',
    });
  });

  it('prefills the input with the current Astana minute', () => {
    expect(toLocalInput(now)).toBe('2026-12-01T11:30');
  });
});

describe('photos are judged by content and size', () => {
  it('accepts JPEG, PNG and WebP up to 5 MB; refuses empty, larger and anything else', () => {
    expect(checkPhoto(10, 'image/png')).toEqual({ ok: true, mime: 'image/png' });
    expect(checkPhoto(PHOTO_MAX_BYTES, 'image/webp')).toEqual({ ok: true, mime: 'image/webp' });
    expect(checkPhoto(0, undefined)).toEqual({ ok: false, code: 'photoEmpty' });
    expect(checkPhoto(PHOTO_MAX_BYTES + 1, 'image/jpeg')).toEqual({ ok: false, code: 'photoTooLarge' });
    expect(checkPhoto(100, 'application/x-msdownload')).toEqual({ ok: false, code: 'photoType' });
    expect(checkPhoto(100, 'image/svg+xml')).toEqual({ ok: false, code: 'photoType' });
    expect(checkPhoto(100, undefined)).toEqual({ ok: false, code: 'photoType' });
  });
});

describe('forms', () => {
  it('reads a price typed in tenge into tiyn', () => {
    const base = {
      helpType: 'TSR_WHEELCHAIR',
      name: 'Коляска',
      characteristics: '',
      accompanyingService: 'no',
      deliveryOptions: 'courier',
      regions: 'г. Астана',
      active: 'yes',
    };
    const r = parseForm(goodsForm, { ...base, price: '125 000,5' });
    expect(r.ok && r.data.price).toBe(12_500_050);
    expect(r.ok && r.data.deliveryOptions).toEqual(['courier']);
    const bad = parseForm(goodsForm, { ...base, price: '-5' });
    expect(bad).toEqual({ ok: false, errors: { price: 'goods:errors.moneyFormat' } });
    expect(() => parseForm(goodsForm, { ...base, price: '1', isAdmin: 'yes' })).toThrow(/bad_request/);
  });

  it('asks for the full address for courier delivery and a warehouse for pickup', () => {
    const r = parseForm(createOrderForm, { fulfilment: 'courier', region: 'г. Астана' });
    expect(r.ok).toBe(false);
    expect(!r.ok && Object.keys(r.errors).sort()).toEqual(['house', 'locality', 'phone', 'street']);
    expect(parseForm(createOrderForm, { fulfilment: 'pickup' })).toEqual({
      ok: false,
      errors: { warehouseId: 'goods:errors.warehouseRequired' },
    });
    expect(parseForm(createOrderForm, { fulfilment: 'pickup', warehouseId: '3' }).ok).toBe(true);
  });

  it('normalises Kazakhstan phone numbers', () => {
    expect(normalisePhone('8 (701) 555-16-65')).toBe('+77015551665');
    expect(normalisePhone('+7 701 555 1665')).toBe('+77015551665');
    expect(normalisePhone('555-16-65')).toBeNull();
  });
});

describe('the goods locale', () => {
  const read = (lng: string) =>
    JSON.parse(fs.readFileSync(path.join(process.cwd(), 'locales', lng, 'goods.json'), 'utf8')) as object;
  const keys = (o: object, prefix = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) =>
      typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
    );

  it('has the same keys in ru, kk and en, a name for every status and the seeds’ words in Russian', () => {
    const ru = keys(read('ru')).sort();
    expect(keys(read('kk')).sort()).toEqual(ru);
    expect(keys(read('en')).sort()).toEqual(ru);
    for (const s of GOODS_STATUSES) expect(ru).toContain(`status.${s}`);
    const t = read('ru') as {
      status: Record<string, string>;
      fulfilment: Record<string, string>;
      title: string;
      action: Record<string, string>;
    };
    expect(t.title).toBe('Технические средства реабилитации');
    expect(t.status.reserved).toBe('Товар есть в наличии, зарезервирован');
    expect(t.status.available_stationary).toBe('Доступен в стационаре');
    expect(t.status.issued_stationary).toBe('Успешно выдан в стационаре');
    expect(t.status.available_pickup).toBe('Доступен для самовывоза на складе');
    expect(t.status.delivered_courier).toBe('Успешно доставлен курьером');
    expect(t.fulfilment.pickup).toBe('Самовывоз');
    expect(t.fulfilment.home).toBe('На дому');
    expect([t.action.confirm, t.action.delete]).toEqual(['Подтвердить', 'Удалить']);
  });
});
