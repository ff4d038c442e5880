import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CODE_MAX_ATTEMPTS,
  checkCode,
  choiceBlockedOn,
  generateCode,
  hashCode,
  isChoiceWindowOver,
  lastChoiceDay,
  maskPhone,
  measureAction,
  measureChanged,
  measureStatusKey,
  normalisePhone,
  orderCardHref,
  statusAfterVolumeChange,
  statusNamespace,
  type MeasureFacts,
} from '../../../src/modules/entitlements/rules.js';
import { importBatchSchema, issuesToFields } from '../../../src/modules/entitlements/schemas.js';
import { makeIin } from '../../../src/lib/iin.js';

describe('the two-month supplier-choice window, in Astana dates', () => {
  it('blocks on the notice date two months later', () => {
    const notified = new Date('2026-11-25T10:00:00+05:00');
    expect(choiceBlockedOn(notified)).toBe('2027-01-25');
    expect(lastChoiceDay(notified)).toBe('2027-01-24');
    expect(isChoiceWindowOver(notified, new Date('2027-01-24T23:59:00+05:00'))).toBe(false);
    expect(isChoiceWindowOver(notified, new Date('2027-01-25T00:00:00+05:00'))).toBe(true);
  });

  it('counts the notice in Astana, not UTC (late evening UTC is already the next day in Astana)', () => {
    const notified = new Date('2026-11-30T20:30:00Z'); // 1 December 01:30 in Astana
    expect(choiceBlockedOn(notified)).toBe('2027-02-01');
  });

  it('clamps at the end of a shorter month', () => {
    expect(choiceBlockedOn(new Date('2026-12-31T12:00:00+05:00'))).toBe('2027-02-28');
    expect(choiceBlockedOn(new Date('2027-12-31T12:00:00+05:00'))).toBe('2028-02-29');
  });
});

describe('the action a measure offers on «Помощь для вас»', () => {
  const base: MeasureFacts = {
    id: 7,
    helpType: 'MSU',
    category: 'service',
    status: 'open',
    volume: 365,
    usedVolume: 0,
    deadline: '2027-08-31',
  };
  const today = '2026-12-01';

  it('links each help type to its supplier choice', () => {
    expect(measureAction(base, null, today)).toEqual({
      kind: 'choose',
      href: '/msu?measure=7',
      labelKey: 'chooseSupplier',
    });
    expect(measureAction({ ...base, helpType: 'UZHYA' }, null, today)).toMatchObject({
      href: '/services/uzhya/specialists',
      labelKey: 'chooseSupplier',
    });
    expect(measureAction({ ...base, helpType: 'UIP' }, null, today)).toMatchObject({
      href: '/services/uip/specialists',
    });
    expect(
      measureAction({ ...base, helpType: 'TSR_HEARING_AID', category: 'tsr' }, null, today),
    ).toMatchObject({
      href: '/goods/TSR_HEARING_AID',
      labelKey: 'choose',
    });
  });

  it('offers the sanatorium choice (issue 17) and nothing for a social payment', () => {
    expect(measureAction({ ...base, helpType: 'SANATORIUM' }, null, today)).toMatchObject({
      kind: 'choose',
      href: '/sanatorium',
      labelKey: 'chooseSupplier',
    });
    expect(measureAction({ ...base, helpType: 'PAYMENT_SPECIAL', category: 'payment' }, null, today)).toEqual(
      { kind: 'none', reasonKey: 'noChoice' },
    );
  });

  it('disables choice while an order of the help type is open, naming the order', () => {
    const a = measureAction(base, { id: 42, number: '2026-0001042', kind: 'msu' }, today);
    expect(a).toEqual({
      kind: 'openOrder',
      labelKey: 'chooseSupplier',
      orderNumber: '2026-0001042',
      orderHref: '/msu/orders/42',
    });
  });

  it('offers activation when the window is over and waits while it is pending', () => {
    expect(measureAction({ ...base, status: 'choice_blocked' }, null, today)).toEqual({ kind: 'activate' });
    expect(measureAction({ ...base, status: 'activation_pending' }, null, today)).toEqual({
      kind: 'activationPending',
    });
  });

  it('offers nothing when the volume is used up or the deadline has passed', () => {
    expect(measureAction({ ...base, usedVolume: 365 }, null, today)).toMatchObject({
      kind: 'none',
      reasonKey: 'fulfilled',
    });
    expect(measureAction({ ...base, deadline: '2026-11-30' }, null, today)).toMatchObject({
      kind: 'none',
      reasonKey: 'deadlinePassed',
    });
  });

  it('names the status a person reads', () => {
    expect(measureStatusKey(base, false)).toBe('choiceOpen');
    expect(measureStatusKey(base, true)).toBe('ordered');
    expect(measureStatusKey({ ...base, status: 'choice_blocked' }, false)).toBe('choiceBlocked');
    expect(measureStatusKey({ ...base, helpType: 'PAYMENT_SPECIAL', category: 'payment' }, false)).toBe(
      'assigned',
    );
    expect(measureStatusKey({ ...base, usedVolume: 365 }, false)).toBe('fulfilled');
  });
});

describe('order cards and status names by kind', () => {
  it('links and namespaces each kind', () => {
    expect(orderCardHref('msu', 1)).toBe('/msu/orders/1');
    expect(orderCardHref('service', 2)).toBe('/services/orders/2');
    expect(orderCardHref('goods', 3)).toBe('/goods/orders/3');
    expect([statusNamespace('msu'), statusNamespace('service'), statusNamespace('goods')]).toEqual([
      'msu',
      'services',
      'goods',
    ]);
  });
});

describe('phone numbers and one-time codes', () => {
  it('accepts the ways people write a Kazakhstan mobile number', () => {
    for (const s of ['+7 701 123 45 67', '87011234567', '8 (701) 123-45-67', '7011234567', '+77011234567'])
      expect(normalisePhone(s)).toBe('+77011234567');
  });

  it('refuses what is not a mobile number', () => {
    for (const s of [
      '',
      '12345',
      '+7 727 123 45 67',
      '+1 202 555 0100',
      '+7701123456',
      'телефон',
      '+7 701 123 45 678',
    ])
      expect(normalisePhone(s)).toBeNull();
  });

  it('masks a number for pages and logs', () => {
    expect(maskPhone('+77011234567')).toBe('+7 701 *** ** 67');
  });

  it('makes six-digit codes and keeps only a keyed hash bound to its row', () => {
    const code = generateCode();
    expect(code).toMatch(/^\d{6}$/);
    const h = hashCode('secret', 1, code);
    expect(h).not.toContain(code);
    expect(hashCode('secret', 2, code)).not.toBe(h);
    expect(hashCode('other', 1, code)).not.toBe(h);
  });

  it('judges a code: used, expired, attempts spent, then the value', () => {
    const now = new Date('2026-11-25T10:00:00Z');
    const row = {
      consumed_at: null,
      expires_at: new Date(now.getTime() + 60_000),
      attempts: 0,
      code_hash: hashCode('s', 1, '123456'),
    };
    expect(checkCode(row, hashCode('s', 1, '123456'), now)).toBe('ok');
    expect(checkCode(row, hashCode('s', 1, '654321'), now)).toBe('wrong');
    expect(checkCode({ ...row, consumed_at: now }, hashCode('s', 1, '123456'), now)).toBe('used');
    expect(checkCode(row, hashCode('s', 1, '123456'), new Date(now.getTime() + 60_000))).toBe('expired');
    expect(checkCode({ ...row, attempts: CODE_MAX_ATTEMPTS }, hashCode('s', 1, '123456'), now)).toBe(
      'tooManyAttempts',
    );
  });
});

describe('re-sent measures', () => {
  const existing = { ipr_id: 1, help_type: 'UIP', volume: 120, deadline: '2027-08-31' };
  it('counts a measure as changed only when a field Е-Собес sends differs', () => {
    expect(measureChanged(existing, { iprId: 1, helpType: 'UIP', volume: 120, deadline: '2027-08-31' })).toBe(
      false,
    );
    expect(measureChanged(existing, { iprId: 1, helpType: 'UIP', volume: 100, deadline: '2027-08-31' })).toBe(
      true,
    );
    expect(measureChanged(existing, { iprId: 1, helpType: 'UIP', volume: 120, deadline: null })).toBe(true);
  });
  it('re-opens a fulfilled measure given more volume, and fulfils one cut to what is used', () => {
    expect(statusAfterVolumeChange('fulfilled', 10, 5)).toBe('open');
    expect(statusAfterVolumeChange('open', 5, 5)).toBe('fulfilled');
    expect(statusAfterVolumeChange('activation_pending', 10, 0)).toBe('activation_pending');
  });
});

describe('the import batch schema', () => {
  const iin = makeIin('1960-05-12', 'M', 1000);
  const ok = {
    iprs: [
      {
        externalId: 'I-1',
        iin,
        developedOn: '2026-11-01',
        measures: [{ externalId: 'M-1', helpType: 'UIP', volume: 10 }],
      },
    ],
  };

  it('accepts a well-formed batch', () => {
    expect(importBatchSchema.safeParse(ok).success).toBe(true);
  });

  it('reports each bad field by its path', () => {
    const bad = {
      iprs: [
        {
          externalId: 'I-1',
          iin: iin.slice(0, 11) + String((Number(iin[11]) + 1) % 10),
          developedOn: '2026-11-31',
          validUntil: '2026-01-01',
          measures: [
            { externalId: 'M-1', helpType: 'UIP', volume: 1.5 },
            { externalId: 'M-1', helpType: 'UIP', volume: 1, extra: true },
          ],
        },
      ],
    };
    const r = importBatchSchema.safeParse(bad);
    expect(r.success).toBe(false);
    const fields = issuesToFields(r.error!);
    expect(Object.keys(fields)).toEqual(
      expect.arrayContaining([
        'iprs.0.iin',
        'iprs.0.developedOn',
        'iprs.0.measures.0.volume',
        'iprs.0.measures.1',
      ]),
    );
  });

  it('refuses a measure id twice in one batch', () => {
    const twice = {
      iprs: [
        { ...ok.iprs[0]!, measures: [ok.iprs[0]!.measures[0]!, { ...ok.iprs[0]!.measures[0]!, volume: 2 }] },
      ],
    };
    const r = importBatchSchema.safeParse(twice);
    expect(r.success).toBe(false);
    expect(issuesToFields(r.error!)).toHaveProperty(['iprs.0.measures.1.externalId']);
  });
});

describe('the entitlements locales', () => {
  function keys(o: Record<string, unknown>, prefix = ''): string[] {
    return Object.entries(o).flatMap(([k, v]) =>
      v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
    );
  }
  it("have the same keys in ru, kk and en, and keep the seeds' words in Russian", () => {
    const read = (l: string) =>
      JSON.parse(fs.readFileSync(path.join('locales', l, 'entitlements.json'), 'utf8')) as Record<
        string,
        unknown
      >;
    const [ru, kk, en] = ['ru', 'kk', 'en'].map(read) as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(keys(kk).sort()).toEqual(keys(ru).sort());
    expect(keys(en).sort()).toEqual(keys(ru).sort());
    const help = ru.help as Record<string, string>;
    expect(help.chooseSupplier).toBe('Выбрать поставщика');
    expect(help.choose).toBe('Выбрать');
    expect(help.activate).toBe('Активировать выбор поставщика');
    expect((ru.cabinet as { tabs: Record<string, string> }).tabs).toEqual({
      general: 'Общая/адресная информация',
      documents: 'Документы',
      bank: 'Банковские реквизиты',
      medical: 'Медицинская организация',
    });
  });
});
