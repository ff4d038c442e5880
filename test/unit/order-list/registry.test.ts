import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ORDER_LIST_KINDS,
  goodsKind,
  msuKind,
  contractKind,
  sanatoriumKind,
  serviceKind,
} from '../../../src/modules/order-list/kinds.js';
import { RECIPIENT_SIDE, type OrderListKind } from '../../../src/modules/order-list/registry.js';
import { OrderListService, rowActions } from '../../../src/modules/order-list/service.js';
import { msuMachine } from '../../../src/modules/msu/rules.js';
import { serviceMachine } from '../../../src/modules/specialist-services/rules.js';
import { goodsMachine } from '../../../src/modules/goods/rules.js';
import { sanatoriumMachine } from '../../../src/modules/sanatorium/rules.js';
import { contractMachine } from '../../../src/modules/contracts/rules.js';
import type { CoreServices } from '../../../src/modules/index.js';
import { orderListQuery } from '../../../src/modules/order-list/schemas.js';

const machines = {
  msu: msuMachine,
  service: serviceMachine,
  sanatorium: sanatoriumMachine,
  contract: contractMachine,
  goods: goodsMachine,
} as const;

const actions = (kind: OrderListKind, status: string, roles = RECIPIENT_SIDE) =>
  rowActions(kind, { id: 7, status }, roles).map((a) => `${a.action} ${a.method} ${a.href}`);

describe('the order kinds of the lists', () => {
  it('registers МСУ, УЖЯ/УИП, sanatoriums and ССУ contracts on «Заказанные услуги» and ТСР on «Заказы товаров»', () => {
    expect(ORDER_LIST_KINDS.map((k) => `${k.kind}:${k.section}`)).toEqual([
      'msu:services',
      'service:services',
      'sanatorium:services',
      'contract:services',
      'goods:goods',
    ]);
  });

  it("offers from each status exactly the recipient's actions of the kind's machine (a new machine row cannot vanish from the list)", () => {
    for (const kind of ORDER_LIST_KINDS) {
      const machine = machines[kind.kind as keyof typeof machines];
      // a contract's guards look at whether its term has lapsed; both cases are listed
      const contexts = kind.kind === 'contract' ? [{ lapsed: false }, { lapsed: true }] : [undefined];
      for (const status of machine.statuses())
        for (const context of contexts) {
          const fromMachine = (
            machine.actionsFor as (s: string, r: typeof RECIPIENT_SIDE, c?: unknown) => string[]
          )(status, RECIPIENT_SIDE, context);
          expect(
            rowActions(kind, { id: 1, status, context }, RECIPIENT_SIDE).map((a) => a.action),
            `${kind.kind} ${status}`,
          ).toEqual(fromMachine);
        }
      // and nothing is presented that the recipient can never take
      const recipientActions = new Set(
        machine.transitions.filter((t) => t.by.some((r) => RECIPIENT_SIDE.includes(r))).map((t) => t.action),
      );
      for (const a of Object.keys(kind.actions)) expect(recipientActions, `${kind.kind}.${a}`).toContain(a);
    }
  });

  it('leads each action to the page of its kind', () => {
    expect(actions(msuKind, 'queued')).toEqual(['cancel_queue get /msu/orders/7/cancel-queue']);
    expect(actions(msuKind, 'place_offered')).toEqual([
      'cancel_queue get /msu/orders/7/cancel-queue',
      'accept_offer get /msu/orders/7/accept',
      'decline_offer get /msu/orders/7/decline',
    ]);
    expect(actions(msuKind, 'awaiting_arrival')).toEqual([
      'cancel_enrolment get /msu/orders/7/cancel-enrolment',
    ]);
    expect(actions(serviceKind, 'awaiting_specialist')).toEqual(['cancel get /services/orders/7/cancel']);
    expect(actions(serviceKind, 'in_progress')).toEqual(['refuse get /services/orders/7/refuse']);
    expect(actions(goodsKind, 'awaiting_supplier')).toEqual(['cancel post /goods/orders/7/cancel']);
    expect(actions(goodsKind, 'reserved')).toEqual([]);
    expect(actions(serviceKind, 'cancelled_by_recipient')).toEqual([]);
    expect(actions(sanatoriumKind, 'created')).toEqual([
      'confirm post /sanatorium/orders/7/confirm',
      'delete post /sanatorium/orders/7/delete',
    ]);
    expect(actions(sanatoriumKind, 'awaiting_sanatorium')).toEqual([
      'cancel post /sanatorium/orders/7/cancel',
    ]);
    expect(
      rowActions(
        contractKind,
        { id: 7, status: 'provider_signed', context: { lapsed: false } },
        RECIPIENT_SIDE,
      ).map((a) => `${a.action} ${a.method} ${a.href}`),
    ).toEqual(['recipient_sign get /contracts/7/sign', 'terminate_recipient get /contracts/7/terminate']);
    expect(actions(sanatoriumKind, 'confirmed')).toEqual(['refuse get /sanatorium/orders/7#reason-refuse']);
  });

  it('gives nothing to a person who is not on the recipient side', () => {
    expect(actions(serviceKind, 'awaiting_specialist', [])).toEqual([]);
    expect(rowActions(serviceKind, { id: 1, status: 'awaiting_specialist' }, ['specialist'])).toEqual([]);
  });

  it('refuses the same kind registered twice', () => {
    expect(() => new OrderListService({} as CoreServices, [msuKind, msuKind])).toThrow(/registered twice/);
  });

  it('has every action label and filter word in ru, kk and en', () => {
    for (const lang of ['ru', 'kk', 'en']) {
      const texts = JSON.parse(
        fs.readFileSync(path.join('locales', lang, 'orderlist.json'), 'utf8'),
      ) as Record<string, Record<string, string>>;
      for (const kind of ORDER_LIST_KINDS) {
        for (const a of Object.values(kind.actions))
          expect(
            texts.action![a.labelKey.replace('orderlist:action.', '')],
            `${lang} ${a.labelKey}`,
          ).toBeTruthy();
        for (const f of kind.filters)
          expect(
            texts.filter![f.labelKey.replace('orderlist:filter.', '')],
            `${lang} ${f.labelKey}`,
          ).toBeTruthy();
      }
    }
  });
});

describe('status names: one spelling across kinds, the seeds’ («Отменен…»)', () => {
  const status = (ns: string) =>
    (
      JSON.parse(fs.readFileSync(path.join('locales', 'ru', `${ns}.json`), 'utf8')) as {
        status: Record<string, string>;
      }
    ).status;
  const all = ['msu', 'services', 'goods'].flatMap((ns) =>
    Object.entries(status(ns)).map(([k, v]) => [`${ns}.${k}`, v]),
  );

  it('writes no «ё» and no «Отменено/Отменён» in a status name', () => {
    for (const [key, name] of all) {
      expect(name, key).not.toMatch(/ё/);
      expect(name, key).not.toMatch(/^Отмен(о|ен[аоы]|ён)/);
    }
  });

  it('names the recipient’s cancellation the same in every kind', () => {
    expect(status('services').cancelled_by_recipient).toBe('Отменен по инициативе получателя');
    expect(status('goods').cancelled_by_recipient).toBe('Отменен по инициативе получателя');
    expect(status('msu').enrolment_cancelled).toBe('Отменен по инициативе получателя');
    expect(status('msu').queue_cancelled).toBe('Отмена ожидания очереди');
  });
});

describe('the order filter', () => {
  it("takes typed dates as well as the date field's, and refuses what is no identifier", () => {
    expect(orderListQuery.parse({ from: '05.10.2026', to: '2026-10-31' })).toMatchObject({
      from: '2026-10-05',
      to: '2026-10-31',
    });
    expect(orderListQuery.safeParse({ from: '31.02.2026' }).success).toBe(false);
    expect(orderListQuery.safeParse({ type: '<script>' }).success).toBe(false);
    expect(orderListQuery.safeParse({ status: ['a', 'b'] }).success).toBe(false);
  });
});
