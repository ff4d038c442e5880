import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MSU_STATUSES,
  ageOn,
  arrivalDeadline,
  astanaDayRange,
  checkBedTotal,
  msuMachine,
  noShowAllowed,
  positionOf,
  priorityEndsAt,
  toCsv,
  unsuitability,
} from '../../../src/modules/msu/rules.js';
import { queueCheckForm, reasonForm, bedsForm } from '../../../src/modules/msu/schemas.js';
import { signedForm } from '../../../src/lib/schema-blocks.js';
import { AppError } from '../../../src/lib/errors.js';

const locale = (lng: string) =>
  JSON.parse(
    fs.readFileSync(path.join(import.meta.dirname, '../../../locales', lng, 'msu.json'), 'utf8'),
  ) as {
    status: Record<string, string>;
    action: Record<string, string>;
  };

describe('the МСУ order machine (seed 000 items 10–18)', () => {
  it('a recipient waiting in the queue may only cancel it; with a place offered, accept, decline or cancel', () => {
    expect(msuMachine.actionsFor('queued', ['recipient'])).toEqual(['cancel_queue']);
    expect(msuMachine.actionsFor('place_offered', ['guardian']).sort()).toEqual([
      'accept_offer',
      'cancel_queue',
      'decline_offer',
    ]);
  });

  it('arrival, no-show and discharge belong to the institution, not to the recipient', () => {
    expect(msuMachine.actionsFor('awaiting_arrival', ['employee']).sort()).toEqual(['arrive', 'no_show']);
    expect(msuMachine.actionsFor('awaiting_arrival', ['recipient'])).toEqual(['cancel_enrolment']);
    expect(() => msuMachine.require('enrolled', 'discharge', ['recipient'])).toThrow(AppError);
    expect(msuMachine.require('enrolled', 'discharge', ['employee']).to).toBe('discharged');
  });

  it('offers and lapses are the system’s steps: no person can take them', () => {
    for (const role of ['recipient', 'guardian', 'employee', 'admin'] as const) {
      expect(msuMachine.actionsFor('queued', [role])).not.toContain('offer');
      expect(msuMachine.actionsFor('place_offered', [role])).not.toContain('lapse_offer');
    }
    expect(msuMachine.find('queued', 'offer')?.to).toBe('place_offered');
    expect(msuMachine.find('place_offered', 'lapse_offer')?.to).toBe('offer_lapsed');
  });

  it('«Отмена ожидания очереди» and every other end closes the order, so the recipient may enrol elsewhere', () => {
    expect(msuMachine.find('queued', 'cancel_queue')).toMatchObject({
      to: 'queue_cancelled',
      closes: true,
      signed: true,
      reasonRequired: true,
    });
    for (const t of msuMachine.transitions)
      expect(Boolean(t.closes)).toBe(msuMachine.terminal.includes(t.to));
    expect(msuMachine.isOpen('enrolled')).toBe(true);
  });

  it('every step a person takes is signed', () => {
    for (const t of msuMachine.transitions.filter((x) => x.by.length > 0)) expect(t.signed).toBe(true);
  });

  it('every status has its name in ru, kk and en, the Russian ones the seeds’ words', () => {
    for (const lng of ['ru', 'kk', 'en']) {
      const l = locale(lng);
      for (const s of MSU_STATUSES) expect(l.status[s], `${lng}:${s}`).toBeTruthy();
      for (const t of msuMachine.transitions) expect(l.action[t.action], `${lng}:${t.action}`).toBeTruthy();
    }
    const ru = locale('ru').status;
    expect(ru.awaiting_arrival).toBe('Ожидание прибытия получателя');
    expect(ru.queued).toBe('Ожидание очереди');
    expect(ru.queue_cancelled).toBe('Отмена ожидания очереди');
  });

  it('status is shown with a word and a tone, never a tone alone', () => {
    for (const s of MSU_STATUSES) expect(['open', 'done', 'closed', 'warning']).toContain(msuMachine.tone(s));
  });
});

describe('who fits a department', () => {
  it('counts full years, the birthday itself included', () => {
    expect(ageOn('1960-05-12', '2026-05-11')).toBe(65);
    expect(ageOn('1960-05-12', '2026-05-12')).toBe(66);
    expect(ageOn('2008-11-25', '2026-11-24')).toBe(17);
  });

  it('checks sex first, then the age group', () => {
    const man60 = { sex: 'M' as const, birth_date: '1966-01-01' };
    expect(unsuitability({ sex: 'F', age_group: 'any' }, man60, '2026-11-25')).toBe('sex');
    expect(unsuitability({ sex: 'any', age_group: 'children' }, man60, '2026-11-25')).toBe('age');
    expect(unsuitability({ sex: 'M', age_group: 'elderly' }, man60, '2026-11-25')).toBeNull();
    expect(
      unsuitability({ sex: 'M', age_group: 'elderly' }, { sex: 'M', birth_date: '1967-01-01' }, '2026-11-25'),
    ).toBe('age');
    expect(
      unsuitability(
        { sex: 'any', age_group: 'adults' },
        { sex: 'F', birth_date: '2008-11-25' },
        '2026-11-25',
      ),
    ).toBeNull();
  });
});

describe('deadlines in Astana time', () => {
  it('the arrival deadline is three calendar days on, by the Astana date (late evening UTC is already tomorrow)', () => {
    expect(arrivalDeadline(new Date('2026-11-25T10:00:00Z'))).toBe('2026-11-28');
    expect(arrivalDeadline(new Date('2026-11-25T20:30:00Z'))).toBe('2026-11-29');
  });

  it('a no-show can be recorded only after the whole deadline day has passed in Astana', () => {
    expect(noShowAllowed('2026-11-28', new Date('2026-11-28T18:00:00Z'))).toBe(false); // 23:00 in Astana
    expect(noShowAllowed('2026-11-28', new Date('2026-11-28T19:30:00Z'))).toBe(true); // 00:30 next day
    expect(noShowAllowed(null, new Date())).toBe(false);
  });

  it('the priority window ends the same time of day, N calendar days later', () => {
    const at = new Date('2026-11-25T07:15:00Z');
    expect(priorityEndsAt(at, 1).toISOString()).toBe('2026-11-26T07:15:00.000Z');
    expect(priorityEndsAt(at, 3).toISOString()).toBe('2026-11-28T07:15:00.000Z');
  });

  it('a day range covers whole Astana days', () => {
    const r = astanaDayRange('2026-11-01', '2026-11-02');
    expect(r.from!.toISOString()).toBe('2026-10-31T19:00:00.000Z');
    expect(r.to!.toISOString()).toBe('2026-11-02T19:00:00.000Z');
    expect(astanaDayRange()).toEqual({});
  });
});

describe('queue arithmetic and beds', () => {
  it('a position is one more than the entries still ahead', () => {
    expect(positionOf(7, [2, 5, 7, 9])).toBe(3);
    expect(positionOf(2, [2, 5])).toBe(1);
  });

  it('a bed total may not drop below the beds taken', () => {
    expect(() => checkBedTotal({ beds_total: 20, free: 5 }, 15)).not.toThrow();
    expect(() => checkBedTotal({ beds_total: 20, free: 5 }, 14)).toThrow(/bedsBelowOccupied/);
    expect(() => checkBedTotal({ beds_total: 20, free: 5 }, -1)).toThrow(/bedsInvalid/);
    expect(() => checkBedTotal({ beds_total: 20, free: 5 }, 1.5)).toThrow(/bedsInvalid/);
  });
});

describe('open-data CSV', () => {
  it('is UTF-8 with a BOM and CRLF, quotes what needs quoting and defuses spreadsheet formulas', () => {
    const csv = toCsv(
      ['Учреждение', 'Номер'],
      [
        ['КГУ «Центр», Астана', 1],
        ['=HYPERLINK("x")', null],
        ['строка "в кавычках"', 2],
      ],
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.split('\r\n')).toEqual([
      '\uFEFFУчреждение,Номер',
      '"КГУ «Центр», Астана",1',
      `"'=HYPERLINK(""x"")",`,
      '"строка ""в кавычках""",2',
      '',
    ]);
  });
});

describe('forms', () => {
  it('the signing post is strict: only the contract’s fields', () => {
    expect(signedForm.safeParse({ _csrf: 't', signRequestId: 'a', signedXml: '<x/>' }).success).toBe(true);
    expect(signedForm.safeParse({ signRequestId: 'a', signedXml: '<x/>', departmentId: '7' }).success).toBe(
      false,
    );
    expect(signedForm.safeParse({ signRequestId: 'a' }).success).toBe(false);
  });

  it('a refusal needs a reason of a few words', () => {
    expect(reasonForm.safeParse({ reason: '  ' }).error?.issues[0]?.message).toBe(
      'msu:errors.reasonRequired',
    );
    expect(reasonForm.safeParse({ reason: 'ok' }).error?.issues[0]?.message).toBe(
      'msu:errors.reasonTooShort',
    );
    expect(reasonForm.parse({ reason: ' Переезд \r\n к дочери ' }).reason).toBe('Переезд \n к дочери');
  });

  it('the bed form takes whole numbers only', () => {
    expect(bedsForm.safeParse({ total: '12', reason: 'Ремонт' }).data?.total).toBe(12);
    expect(bedsForm.safeParse({ total: '1.5', reason: 'Ремонт' }).success).toBe(false);
  });

  it('the queue check reports a bad number and a bad date together', () => {
    const bad = queueCheckForm.safeParse({
      number: 'abc',
      'birth-day': '31',
      'birth-month': '02',
      'birth-year': '1990',
    });
    expect(bad.error?.issues.map((i) => i.path[0]).sort()).toEqual(['birth', 'number']);
    const ok = queueCheckForm.parse({
      number: '№ 2026-0001234',
      'birth-day': '9',
      'birth-month': '1',
      'birth-year': '1953',
    });
    expect(ok).toEqual({ number: '2026-0001234', birthDate: '1953-01-09' });
  });
});
