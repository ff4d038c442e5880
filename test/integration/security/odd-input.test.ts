import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, type Agent } from '../../support/http.js';
import { personByKey } from '../../../src/devstand/people.js';
import { createApp } from '../../../src/app.js';
import { buildServices } from '../../../src/modules/index.js';
import { createLogger } from '../../../src/logger.js';
import { changedTables, snapshot } from './support.js';
import { HOSTILE, type FieldKind } from './fuzz.js';

/**
 * The cases of issue 14 item 3 one by one, in the person's language: odd input in filters is ignored
 * or explained, in forms it is refused with the form shown again, and PostgreSQL never sees it.
 */
let ctx: TestContext;
let asAdmin: Agent;
let asRecipient: Agent;
let asSupplier: Agent;
let asSpecialist: Agent;

beforeAll(async () => {
  ctx = await createTestContext();
  asAdmin = await loginAs(ctx, 'a01');
  asRecipient = await loginAs(ctx, 'r03', { lang: 'en' });
  asSupplier = await loginAs(ctx, 'e05');
  asSpecialist = await loginAs(ctx, 's01');
}, 120_000);
afterAll(async () => {
  await ctx?.close();
});

/** The text of the page's error summary (or of the error page's message). */
function messages(html: string): string {
  const summary = /govuk-error-summary[\s\S]*?<\/div>\s*<\/div>/.exec(html)?.[0];
  const message = /id="error-message"[^>]*>([^<]*)</.exec(html)?.[1];
  return (summary ?? message ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

const IGNORED = {
  ru: 'Некоторые условия отбора не удалось прочитать',
  kk: 'Кейбір іріктеу шарттарын оқу мүмкін болмады',
  en: 'Some of the filter values could not be read',
};

describe('filters of list pages', () => {
  it('ignore a NUL byte in the МСУ catalogue region and locality, and say so: the whole catalogue, no 500', async () => {
    const all = await request(ctx.app).get('/msu').expect(200);
    expect(all.text).not.toContain(IGNORED.ru);
    for (const q of ['region=%00', 'locality=a%00b', 'region=%01%1B', `region=${'я'.repeat(300)}`]) {
      const res = await request(ctx.app).get(`/msu?${q}`);
      expect(res.status, q).toBe(200);
      expect(res.text, q).toContain(IGNORED.ru);
      expect(res.text.match(/<h2/g)?.length, q).toBe((all.text.match(/<h2/g)?.length ?? 0) + 1);
    }
    const kk = await request(ctx.app).get('/msu?region=%00&lang=kk');
    expect(kk.text).toContain(IGNORED.kk);
    // a filter the page can read says nothing
    const fine = await request(ctx.app).get(`/msu?region=${encodeURIComponent('г. Астана')}`);
    expect(fine.text).not.toContain(IGNORED.ru);
  });

  it('ignore a NUL byte in the supplier’s order search and a date that does not exist', async () => {
    for (const q of ['q=%00', 'from=2026-02-30', 'to=0000-01-01', 'from=9999-12-31']) {
      const res = await asSupplier.get(`/supplier/orders?${q}`);
      expect(res.status, q).toBe(200);
      expect(res.text, q).toContain(IGNORED.ru);
    }
    expect((await asSupplier.get('/supplier/orders?from=2026-01-01')).text).not.toContain(IGNORED.ru);
  });

  it('ignore year 0 in the specialist’s order and journal filters', async () => {
    for (const u of [
      '/specialist/orders?from=0000-01-01',
      '/specialist/orders?surname=%00',
      '/specialist/journal?to=2026-02-30',
    ]) {
      const res = await asSpecialist.get(u);
      expect(res.status, u).toBe(200);
      expect(res.text, u).toContain(IGNORED.ru);
    }
  });

  it('explain a date that does not exist in the recipient’s order filter (400, in English)', async () => {
    for (const q of ['from=0000-01-01', 'to=2026-02-30', 'from=9999-12-31']) {
      const res = await asRecipient.get(`/cabinet/services?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.text, q).toContain('<html lang="en"');
    }
  });

  it('ignore odd values in the administrator’s audit and report filters', async () => {
    for (const u of [
      '/admin/audit?from=2026-02-30',
      '/admin/audit?actor=%00',
      '/admin/reports?from=0000-01-01&region=%00',
      '/admin/reports/orders.csv?to=2026-02-30',
      '/admin/users?q=%00',
    ])
      expect((await asAdmin.get(u)).status, u).toBe(200);
  });
});

describe('forms', () => {
  it('refuse a NUL byte in a support description with the form again and the reason, writing nothing', async () => {
    const page = await asRecipient.get('/support/new').expect(200);
    const before = await snapshot(ctx);
    const res = await asRecipient
      .post('/support/new')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), description: 'Не открывается\u0000 страница заказа' });
    expect(res.status).toBe(400);
    expect(messages(res.text)).toContain('control characters');
    expect(res.text).toContain('name="description"');
    expect(changedTables(before, await snapshot(ctx))).toEqual([]);
  });

  it('refuse 30 February, year 0 and year 9999 as a holiday, in Russian, writing nothing', async () => {
    const page = await asAdmin.get('/admin/settings').expect(200);
    const before = await snapshot(ctx);
    for (const day of ['2026-02-30', '0000-01-01', '9999-12-31', '2026-13-01']) {
      const res = await asAdmin
        .post('/admin/settings/holidays')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), day, name: 'Праздник' });
      expect(res.status, day).toBe(400);
      expect(messages(res.text), day).toMatch(/дат/i);
    }
    const del = await asAdmin
      .post('/admin/settings/holidays/0000-01-01/delete')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(del.status).toBe(404);
    expect(changedTables(before, await snapshot(ctx))).toEqual([]);
  });

  it('refuse a form of 201 fields with a translated 413, writing nothing', async () => {
    const page = await asAdmin.get('/admin/settings').expect(200);
    const fields = new URLSearchParams({ _csrf: csrfFrom(page.text), day: '2026-12-30' });
    for (let i = 0; i < 200; i++) fields.append(`f${i}`, 'x');
    const before = await snapshot(ctx);
    for (const [lang, text] of [
      ['ru', 'слишком много полей'],
      ['en', 'too many fields'],
    ] as const) {
      const res = await asAdmin
        .post(`/admin/settings/holidays?lang=${lang}`)
        .type('form')
        .set('accept', 'text/html')
        .send(fields.toString());
      expect(res.status).toBe(413);
      expect(messages(res.text).toLowerCase()).toContain(text);
    }
    expect(changedTables(before, await snapshot(ctx))).toEqual([]);
  });

  it('refuse a body in a charset the portal does not read with 415', async () => {
    const res = await request(ctx.app)
      .post('/queue-check')
      .set('content-type', 'application/x-www-form-urlencoded; charset=koi8-r')
      .send('number=1');
    expect(res.status).toBe(415);
    expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});

describe('the Е-Собес API', () => {
  const r02 = personByKey('r02');
  const valid = () => ({
    iprs: [
      {
        externalId: 'ODD-IPR-1',
        iin: r02.iin,
        developedOn: '2026-11-01',
        validUntil: '2027-10-31',
        measures: [{ externalId: 'ODD-M-1', helpType: 'TSR_HEARING_AID', volume: 1, deadline: '2027-10-31' }],
      },
    ],
  });
  const post = (body: unknown) =>
    request(ctx.app)
      .post('/api/esobes/ipr')
      .set('authorization', 'Bearer dev-esobes-token')
      .set('accept', 'application/json')
      .send(body as object);

  it('answers year 0 and 30 February in developedOn with the field named, storing nothing', async () => {
    const before = await snapshot(ctx);
    for (const day of ['0000-01-01', '2026-02-30', '9999-12-31']) {
      const body = valid();
      body.iprs[0]!.developedOn = day;
      const res = await post(body);
      expect(res.status, day).toBe(400);
      expect(Object.keys((res.body as { fields: Record<string, string> }).fields), day).toContain(
        'iprs.0.developedOn',
      );
    }
    expect(changedTables(before, await snapshot(ctx))).toEqual([]);
  });

  it('answers every field of a batch given each odd value with a 4xx, storing nothing', async () => {
    const leaves: [string[], FieldKind][] = [
      [['externalId'], 'text'],
      [['iin'], 'text'],
      [['developedOn'], 'date'],
      [['validUntil'], 'date'],
      [['measures', '0', 'externalId'], 'text'],
      [['measures', '0', 'helpType'], 'text'],
      [['measures', '0', 'volume'], 'number'],
      [['measures', '0', 'deadline'], 'date'],
    ];
    const before = await snapshot(ctx);
    const answers = new Set<number>();
    for (const [leaf, kind] of leaves)
      for (const v of [...HOSTILE.filter((h) => h.kinds.includes(kind)).map((h) => h.value), 1e20, 1.5, {}]) {
        const body = valid();
        let at: Record<string, unknown> = body.iprs[0] as unknown as Record<string, unknown>;
        for (const k of leaf.slice(0, -1)) at = at[k] as Record<string, unknown>;
        at[leaf.at(-1)!] = v;
        const res = await post(body);
        answers.add(res.status);
        if (res.status < 400 || res.status >= 500)
          throw new Error(`${leaf.join('.')} = ${JSON.stringify(v).slice(0, 40)}: ${res.status}`);
      }
    expect([...answers]).toEqual([400]);
    expect(changedTables(before, await snapshot(ctx))).toEqual([]);
  });
});

describe('the error page of the dev stand', () => {
  it('shows a reference, never the stack or the SQL, which go to the log', async () => {
    expect(ctx.config.isProduction).toBe(false);
    const services = buildServices(ctx.config, ctx.db, createLogger('silent'), {
      trust: ctx.services.trust,
      devStand: ctx.devStand,
    });
    services.health.ready = async () => {
      await ctx.db.raw("insert into holidays (day, name) values ('2026-12-31', 'x') returning secret_column");
      return { ok: true } as never;
    };
    const app = createApp(services, ctx.devStand.web);
    const res = await request(app).get('/readyz').set('accept', 'text/html');
    await (app.locals.sessionPool as { end: () => Promise<void> }).end();
    expect(res.status).toBe(500);
    expect(res.text).toContain(res.headers['x-request-id'] as string);
    expect(res.text).not.toContain('secret_column');
    expect(res.text).not.toContain('insert into');
    expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('answers a value PostgreSQL refuses (a gap in the schemas) with a translated 400, not a 500', async () => {
    const services = buildServices(ctx.config, ctx.db, createLogger('silent'), {
      trust: ctx.services.trust,
      devStand: ctx.devStand,
    });
    services.health.ready = async () => {
      await ctx.db.raw('select ?::date', ['0000-01-01']);
      return { ok: true } as never;
    };
    const app = createApp(services, ctx.devStand.web);
    const res = await request(app).get('/readyz?lang=en').set('accept', 'text/html');
    await (app.locals.sessionPool as { end: () => Promise<void> }).end();
    expect(res.status).toBe(400);
    expect(messages(res.text)).toContain('not accepted');
  });
});
