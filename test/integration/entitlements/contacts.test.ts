import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf, type Agent } from '../../support/http.js';

let ctx: TestContext;
let agent: Agent;
let r08: number;

/** The code the dev SMS gateway "sent" to a phone (the database keeps only its hash). */
async function lastCode(phone: string): Promise<string> {
  await ctx.services.outbox.deliverDue(500);
  const row = (await ctx.db('dev_sms').where({ phone }).orderBy('id', 'desc').first()) as
    { text: string } | undefined;
  const m = /(\d{6})/.exec(row?.text ?? '');
  if (!m) throw new Error(`no code was sent to ${phone}`);
  return m[1]!;
}

async function requestCode(phone: string, status: number) {
  const page = await agent.get('/cabinet/contacts/phone').expect(200);
  return agent
    .post('/cabinet/contacts/phone')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), phone })
    .expect(status);
}

async function submitCode(code: string, status: number) {
  const page = await agent.get('/cabinet/contacts/phone/confirm').expect(200);
  return agent
    .post('/cabinet/contacts/phone/confirm')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), code })
    .expect(status);
}

async function phoneOf(): Promise<string> {
  return ((await ctx.db('persons').where({ id: r08 }).first('phone')) as { phone: string }).phone;
}

beforeAll(async () => {
  ctx = await createTestContext();
  r08 = await personIdOf(ctx, 'r08');
  agent = await loginAs(ctx, 'r08');
});
afterAll(async () => {
  await ctx?.close();
});

describe('phone change confirmed by an SMS code', () => {
  it('the general tab shows the phone with a pen link that has an accessible name', async () => {
    const page = await agent.get('/cabinet').expect(200);
    expect(page.text).toContain(await phoneOf());
    expect(page.text).toMatch(
      /href="\/cabinet\/contacts\/phone"><svg[^>]*aria-hidden="true"[\s\S]*?Изменить<span class="govuk-visually-hidden"> номер телефона<\/span>/,
    );
  });

  it('refuses a malformed number with a clear message and sends nothing', async () => {
    const before = await ctx.db('outbox').where({ system: 'sms' }).count('* as n').first();
    const res = await requestCode('12345', 400);
    expect(res.text).toContain('Введите номер мобильного телефона Казахстана');
    expect(res.text).toContain('govuk-error-summary');
    expect(await ctx.db('outbox').where({ system: 'sms' }).count('* as n').first()).toEqual(before);
  });

  it('a wrong code is refused and the phone stays; the right code then changes it', async () => {
    const old = await phoneOf();
    await requestCode('8 (705) 111-22-33', 303);
    const code = await lastCode('+77051112233');
    const stored = await ctx
      .db('phone_confirmations')
      .where({ person_id: r08 })
      .orderBy('id', 'desc')
      .first();
    expect(stored.code_hash).not.toContain(code);
    const wrong = code === '000000' ? '111111' : '000000';
    const res = await submitCode(wrong, 400);
    expect(res.text).toContain('Неверный код');
    expect(await phoneOf()).toBe(old);
    await submitCode(code, 303);
    expect(await phoneOf()).toBe('+77051112233');
  });

  it('a code used once cannot be used again', async () => {
    const code = await lastCode('+77051112233');
    const res = await submitCode(code, 400);
    expect(res.text).toContain('уже использован');
  });

  it('an expired code (after 5 minutes) is refused', async () => {
    ctx.clock.set(new Date());
    await requestCode('+7 701 444 55 66', 303);
    const code = await lastCode('+77014445566');
    ctx.clock.advance(5 * 60_000 + 1000);
    const res = await submitCode(code, 400);
    expect(res.text).toContain('Срок действия кода');
    expect(await phoneOf()).toBe('+77051112233');
    ctx.clock.reset();
  });

  it('after five wrong attempts even the right code is refused', async () => {
    await requestCode('+77017778899', 303);
    const code = await lastCode('+77017778899');
    const wrong = code === '999999' ? '888888' : '999999';
    for (let i = 0; i < 4; i++) await submitCode(wrong, 400);
    const fifth = await submitCode(wrong, 429);
    expect(fifth.text).toContain('Превышено число попыток');
    const right = await submitCode(code, 429);
    expect(right.text).toContain('Превышено число попыток');
    expect(await phoneOf()).toBe('+77051112233');
  });

  it('limits how many codes one person may request in an hour', async () => {
    // three codes were requested above; two more are allowed, the sixth is refused
    await requestCode('+77010000001', 303);
    await requestCode('+77010000002', 303);
    const res = await requestCode('+77010000003', 429);
    expect(res.text).toContain('слишком часто');
  });
});

describe('e-mail and notification preferences', () => {
  async function postEmail(email: string, status: number) {
    const page = await agent.get('/cabinet/contacts/email').expect(200);
    return agent
      .post('/cabinet/contacts/email')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email })
      .expect(status);
  }
  async function postPrefs(fields: Record<string, string>, status: number) {
    const page = await agent.get('/cabinet/preferences').expect(200);
    return agent
      .post('/cabinet/preferences')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...fields })
      .expect(status);
  }

  it('refuses a malformed e-mail with a clear message and keeps the old one', async () => {
    for (const bad of ['not-an-email', 'a@b', 'two@@example.kz', 'sp ace@example.kz']) {
      const res = await postEmail(bad, 400);
      expect(res.text).toContain('Введите адрес электронной почты в формате name@example.kz');
      expect(res.text).toContain(`value="${bad}"`);
    }
    expect((await ctx.db('persons').where({ id: r08 }).first('email')).email).toBeNull();
  });

  it('saves a valid e-mail shown on the general tab', async () => {
    await postEmail('Kasymov@Example.kz', 303);
    const page = await agent.get('/cabinet').expect(200);
    expect(page.text).toContain('kasymov@example.kz');
    expect(page.text).toContain('Адрес электронной почты сохранён');
  });

  it('stores the notification channel and language, and notifications follow them', async () => {
    await postPrefs({ notifyChannel: 'email', locale: 'kk' }, 303);
    expect(await ctx.db('persons').where({ id: r08 }).first('notify_channel', 'locale')).toEqual({
      notify_channel: 'email',
      locale: 'kk',
    });
    await ctx.db.transaction((tx) =>
      ctx.services.notifier.notify(
        tx,
        r08,
        'entitlements:sms.assigned',
        { helpType_kk: 'Есту аппараты', helpType_ru: '', helpType_en: '' },
        'test:prefs',
      ),
    );
    const msg = await ctx.db('outbox').where({ idempotency_key: 'email:test:prefs' }).first();
    expect(msg.payload).toMatchObject({ to: 'kasymov@example.kz' });
    expect(msg.payload.text).toContain('Есту аппараты');
    expect(msg.payload.text).toContain('Әлеуметтік қызметтер порталы');
  });

  it('refuses removing the e-mail while notifications go by e-mail, and a bad choice', async () => {
    const res = await postEmail('', 400);
    expect(res.text).toContain('Сначала выберите уведомления по SMS');
    await postPrefs({ notifyChannel: 'fax', locale: 'ru' }, 400);
    await postPrefs({ notifyChannel: 'sms', locale: 'ru' }, 303);
    await postEmail('', 303);
    expect((await ctx.db('persons').where({ id: r08 }).first('email')).email).toBeNull();
  });
});
