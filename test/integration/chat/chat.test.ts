import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, decodeEntities, loginAs, type Agent } from '../../support/http.js';
import { createKnex } from '../../../src/db/knex.js';
import { createLogger } from '../../../src/logger.js';
import { buildServices } from '../../../src/modules/index.js';
import { createApp } from '../../../src/app.js';
import { createDevStand } from '../../../src/devstand/index.js';

let ctx: TestContext;
let asOperator: Agent;

/** Tuesday 8 December 2026 in Astana (UTC+5), a working day. */
const tuesday = (hhmm: string) => new Date(`2026-12-08T${hhmm}:00+05:00`);

/** A visitor without a login, in a language; their browser session holds the conversation. */
async function visitor(lang: 'ru' | 'kk' | 'en' = 'ru') {
  const agent = request.agent(ctx.app);
  await agent.get(`/?lang=${lang}`).expect(200);
  return agent;
}

async function say(agent: Agent, message: string) {
  const page = await agent.get('/chat').expect(200);
  return agent
    .post('/chat')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), message });
}

async function handOff(agent: Agent, fields: Record<string, string> = {}) {
  const page = await agent.get('/chat').expect(200);
  return agent
    .post('/chat/operator')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...fields });
}

/** The visitor's messages as the polling client gets them (JSON without an event stream). */
async function messagesOf(agent: Agent) {
  const res = await agent.get('/chat/events').set('Accept', 'application/json').expect(200);
  return (
    res.body as { messages: { author: string; text: string; links: { href: string; title: string }[] }[] }
  ).messages;
}

beforeAll(async () => {
  ctx = await createTestContext();
  asOperator = await loginAs(ctx, 'a01');
});
afterAll(async () => {
  ctx.clock.reset();
  await ctx?.close();
});

describe('the bot', () => {
  it.each([
    ['ru', 'Какой ключ нужен для входа на портал?', 'Какой ключ ЭЦП нужен для входа?', 'Вот что нашлось'],
    ['kk', 'Қандай ЭЦҚ кілті керек?', 'Кіру үшін қандай ЭЦҚ кілті қажет?', 'табылғаны'],
    ['en', 'Which key do I need to log in?', 'Which EDS key do I need to log in?', 'This is what'],
  ] as const)(
    'answers in %s from the published FAQ with a link to it',
    async (lang, question, title, lead) => {
      const agent = await visitor(lang);
      const res = await say(agent, question);
      expect(res.status).toBe(303);
      const messages = await messagesOf(agent);
      expect(messages.map((m) => m.author)).toEqual(['visitor', 'bot']);
      expect(messages[1]!.text).toContain(lead);
      const faq = (await ctx
        .db('content_items')
        .where({ [`title_${lang}`]: title })
        .first('id')) as { id: number };
      expect(messages[1]!.links).toContainEqual(
        expect.objectContaining({ href: `/info#faq-${faq.id}`, title }),
      );
      // the plain page shows the same answer, with the link
      const page = decodeEntities((await agent.get('/chat').expect(200)).text);
      expect(page).toContain(`href="/info#faq-${faq.id}"`);
      expect(page).toContain(title);
    },
  );

  it('finds an instruction by a word of its body and links its page', async () => {
    const agent = await visitor('ru');
    await say(agent, 'как заказать поставщика товара?');
    const [, bot] = await messagesOf(agent);
    expect(bot!.links.some((l) => /^\/info\/instructions\/\d+$/.test(l.href))).toBe(true);
  });

  it('does not offer unpublished content, and says so when nothing matches', async () => {
    await ctx.db('content_items').insert({
      kind: 'faq',
      title_ru: 'Черновик про зеленоглазых',
      title_kk: 'Черновик',
      title_en: 'Draft',
      body_ru: '<p>зеленоглазых</p>',
      published: false,
      sort: 99,
      created_at: new Date(),
      updated_at: new Date(),
    });
    const agent = await visitor('ru');
    await say(agent, 'зеленоглазых');
    const [, bot] = await messagesOf(agent);
    expect(bot!.links).toEqual([]);
    expect(bot!.text).toContain('ничего не нашлось');
  });

  it('refuses an empty or too long message and keeps nothing', async () => {
    const agent = await visitor('en');
    const before = (await ctx.db('chat_messages').count('* as n').first()) as { n: string };
    const empty = await say(agent, '   ');
    expect(empty.status).toBe(400);
    expect(decodeEntities(empty.text)).toContain('Enter a message.');
    const long = await say(agent, 'x'.repeat(2001));
    expect(long.status).toBe(400);
    expect(decodeEntities(long.text)).toContain('at most 2000 characters');
    const after = (await ctx.db('chat_messages').count('* as n').first()) as { n: string };
    expect(after.n).toBe(before.n);
  });
});

describe('«Связаться с оператором»', () => {
  it('in working hours puts the conversation in the console, where the operator answers', async () => {
    ctx.clock.set(tuesday('10:15'));
    const agent = await visitor('ru');
    await say(agent, 'Не открывается страница заказа, пишет ошибку');
    expect((await handOff(agent)).status).toBe(303);
    const messages = await messagesOf(agent);
    expect(messages.at(-1)!.text).toContain('передан оператору');

    const desk = decodeEntities((await asOperator.get('/admin/support/chat').expect(200)).text);
    const id = Number(/href="\/admin\/support\/chat\/(\d+)"/.exec(desk)![1]);
    expect(desk).toContain('Ожидает оператора');
    expect(desk).toContain('Не открывается страница заказа');

    const card = await asOperator.get(`/admin/support/chat/${id}`).expect(200);
    await asOperator
      .post(`/admin/support/chat/${id}/messages`)
      .type('form')
      .send({ _csrf: csrfFrom(card.text), message: 'Здравствуйте! Обновите страницу, пожалуйста.' })
      .expect(303);
    const after = await messagesOf(agent);
    expect(after.at(-1)).toMatchObject({
      author: 'operator',
      text: 'Здравствуйте! Обновите страницу, пожалуйста.',
    });
    expect((await ctx.db('chat_conversations').where({ id }).first()).status).toBe('active');

    // the operator turns it into a technical-failure request with the deadlines of rule 15
    const card2 = await asOperator.get(`/admin/support/chat/${id}`).expect(200);
    const made = await asOperator
      .post(`/admin/support/chat/${id}/request`)
      .type('form')
      .send({
        _csrf: csrfFrom(card2.text),
        description: 'Страница заказа отвечает ошибкой 500',
        contact: '+77011234567',
      })
      .expect(303);
    const requestId = Number(/\/admin\/support\/(\d+)$/.exec(made.headers.location as string)![1]);
    const r = await ctx.db('support_requests').where({ id: requestId }).first();
    expect(r).toMatchObject({
      channel: 'chat',
      person_id: null,
      contact: '+77011234567',
      chat_conversation_id: id,
    });
    // handed over at 10:15: registration within three working hours
    expect(new Date(r.register_due_at).toISOString()).toBe(tuesday('13:15').toISOString());
    expect((await messagesOf(agent)).at(-1)!.text).toContain(r.number);
    ctx.clock.reset();
  });

  it('outside working hours registers a request for the next working day and tells the visitor', async () => {
    ctx.clock.set(tuesday('19:05'));
    const agent = await visitor('en');
    await say(agent, 'The page with my orders is blank');
    // not logged in: a contact is needed to answer a request after hours
    const refused = await handOff(agent);
    expect(refused.status).toBe(400);
    expect(decodeEntities(refused.text)).toContain('give a phone or e-mail');
    expect(
      (await ctx.db('support_requests').where({ channel: 'chat', contact: 'me@example.kz' })).length,
    ).toBe(0);

    expect((await handOff(agent, { contact_name: 'Aigerim', contact: 'me@example.kz' })).status).toBe(303);
    const r = await ctx.db('support_requests').where({ channel: 'chat', contact: 'me@example.kz' }).first();
    expect(r).toMatchObject({
      status: 'new',
      contact_name: 'Aigerim',
      description: 'The page with my orders is blank',
    });
    // counted from 9:00 of the next working day (rule 16): registration by 12:00 on Wednesday
    expect(new Date(r.register_due_at).toISOString()).toBe(
      new Date('2026-12-09T12:00:00+05:00').toISOString(),
    );
    const last = (await messagesOf(agent)).at(-1)!;
    expect(last.text).toContain(r.number);
    expect(last.text).toContain('09.12.2026 09:00');
    const conv = await ctx.db('chat_conversations').where({ support_request_id: r.id }).first();
    expect(conv.status).toBe('registered');
    ctx.clock.reset();
  });

  it('on a holiday from the settings the conversation is registered too', async () => {
    ctx.clock.set(tuesday('11:00'));
    await ctx.db('holidays').insert({ day: '2026-12-08', name: 'test' });
    const agent = await loginAs(ctx, 'r01');
    await say(agent, 'Не могу подписать заявку');
    expect((await handOff(agent)).status).toBe(303);
    const conv = await ctx.db('chat_conversations').orderBy('id', 'desc').first();
    expect(conv.status).toBe('registered');
    const r = await ctx.db('support_requests').where({ id: conv.support_request_id }).first();
    // a logged-in person's request is theirs: no contact needed
    expect(r.person_id).toBe(conv.person_id);
    expect(new Date(r.register_due_at).toISOString()).toBe(
      new Date('2026-12-09T12:00:00+05:00').toISOString(),
    );
    ctx.clock.reset();
  });
});

describe('across instances', () => {
  it('a visitor on one instance reaches an operator streaming from another', async () => {
    ctx.clock.set(tuesday('11:30'));
    await ctx.db('holidays').where({ day: '2026-12-08' }).delete();
    // a second instance on the same database, as createTestContext builds one
    const db2 = createKnex(ctx.databaseUrl, 4);
    const logger = createLogger('silent');
    const devStand2 = createDevStand(ctx.config, db2, logger);
    const services2 = buildServices(ctx.config, db2, logger, { clock: ctx.clock, devStand: devStand2 });
    const app2 = createApp(services2, devStand2.web);
    const server = http.createServer(app2).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      // the operator's session (sessions are in the database: any instance knows it)
      const jar = (
        asOperator as unknown as { jar: { getCookies: (a: object) => { toValueString(): string }[] } }
      ).jar;
      const cookie = jar
        .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
        .map((c) => c.toValueString())
        .join('; ');
      const received: string[] = [];
      const stream = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port,
            path: '/admin/support/chat/events',
            headers: { Accept: 'text/event-stream', Cookie: cookie },
          },
          resolve,
        );
        req.on('error', reject);
      });
      expect(stream.statusCode).toBe(200);
      expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
      stream.setEncoding('utf8');
      let buffer = '';
      const got = new Promise<void>((resolve) => {
        stream.on('data', (chunk: string) => {
          buffer += chunk;
          const events = buffer.split('\n\n');
          buffer = events.pop()!;
          for (const e of events) {
            const data = /^data: (.*)$/m.exec(e)?.[1];
            if (data) received.push(e);
            if (data?.includes('Помогите, не работает вход')) resolve();
          }
        });
      });
      // the visitor talks to the first instance
      const agent = await visitor('ru');
      await say(agent, 'Помогите, не работает вход');
      await got;
      const event = received.find((e) => e.includes('Помогите, не работает вход'))!;
      const id = Number(/^id: (\d+)$/m.exec(event)![1]);
      const data = JSON.parse(/^data: (.*)$/m.exec(event)![1]!) as { author: string; who: string };
      expect(data).toMatchObject({ author: 'visitor', who: 'Посетитель' });
      stream.destroy();

      // a reconnect with Last-Event-ID gets what came after it: the bot's answer
      const resent = await new Promise<string>((resolve, reject) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port,
            path: '/admin/support/chat/events',
            headers: { Accept: 'text/event-stream', Cookie: cookie, 'Last-Event-ID': String(id) },
          },
          (res) => {
            res.setEncoding('utf8');
            let text = '';
            res.on('data', (c: string) => {
              text += c;
              if (/^data: .*"author":"bot"/m.test(text)) {
                res.destroy();
                resolve(text);
              }
            });
          },
        );
        req.on('error', reject);
      });
      expect(resent).toMatch(new RegExp(`^id: ${id + 1}$`, 'm'));
      expect(resent).not.toMatch(new RegExp(`^id: ${id}$`, 'm'));
    } finally {
      await services2.chat.conversations.stop();
      await new Promise((r) => server.close(r));
      await (app2.locals.sessionPool as { end: () => Promise<void> }).end();
      await db2.destroy();
      ctx.clock.reset();
    }
  });

  it('a visitor without a conversation gets no stream (204), and a stranger no operator stream', async () => {
    const agent = await visitor('ru');
    await agent.get('/chat/events').set('Accept', 'text/event-stream').expect(204);
    const stranger = await loginAs(ctx, 'r02');
    await stranger.get('/admin/support/chat/events').set('Accept', 'text/event-stream').expect(403);
  });
});

describe('requests without login and from other channels', () => {
  it('the public form files a request with deadlines, and limits each address', async () => {
    ctx.clock.set(tuesday('15:00'));
    const agent = await visitor('ru');
    const file = async (n: number) => {
      const page = await agent.get('/support/report').expect(200);
      return agent
        .post(`/support/report?_csrf=${encodeURIComponent(csrfFrom(page.text))}`)
        .field('_csrf', csrfFrom(page.text))
        .field('contact_name', 'Сериков Арман')
        .field('contact', `+7701000000${n}`)
        .field('description', `Не могу войти: ключ не принимается (${n})`)
        .field('location', '/login');
    };
    const first = await file(1);
    expect(first.status).toBe(201);
    const r = await ctx.db('support_requests').where({ contact: '+77010000001' }).first();
    expect(r).toMatchObject({
      channel: 'web',
      person_id: null,
      contact_name: 'Сериков Арман',
      status: 'new',
    });
    expect(new Date(r.register_due_at).toISOString()).toBe(tuesday('18:00').toISOString());
    expect(decodeEntities(first.text)).toContain(r.number);
    for (let n = 2; n <= 5; n++) expect((await file(n)).status).toBe(201);
    const sixth = await file(6);
    expect(sixth.status).toBe(429);
    expect(decodeEntities(sixth.text)).toContain('уже отправлено много обращений');
    expect(await ctx.db('support_requests').where({ contact: '+77010000006' }).first()).toBeUndefined();
    ctx.clock.reset();
  });

  it('a request without a name or contact is refused with the reason', async () => {
    const agent = await visitor('kk');
    const page = await agent.get('/support/report').expect(200);
    const res = await agent
      .post(`/support/report?_csrf=${encodeURIComponent(csrfFrom(page.text))}`)
      .field('_csrf', csrfFrom(page.text))
      .field('contact_name', '')
      .field('contact', '')
      .field('description', 'Бет ашылмайды, қате шығады')
      .field('location', '');
    // the limit of the previous test counts per address: this one may be refused by it or by the form
    expect([400, 429]).toContain(res.status);
    if (res.status === 400) expect(decodeEntities(res.text)).toContain('Тегі мен атын көрсетіңіз.');
  });

  it('the operator records a phone request with the caller’s IIN and it gets the same deadlines', async () => {
    ctx.clock.set(tuesday('17:00'));
    const page = await asOperator.get('/admin/support/record').expect(200);
    const bad = await asOperator
      .post('/admin/support/record')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        channel: 'phone',
        contact_name: 'Иванова Мария',
        contact: '+77015550011',
        caller_iin: '123456789012',
        received_at: '2026-12-08T16:40',
        description: 'Не приходит SMS с кодом',
      });
    expect(bad.status).toBe(400);
    expect(decodeEntities(bad.text)).toContain('ИИН — 12 цифр');
    const iin = ((await ctx.db('persons').first('iin')) as { iin: string }).iin;
    const res = await asOperator
      .post('/admin/support/record')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        channel: 'phone',
        contact_name: 'Иванова Мария',
        contact: '+77015550011',
        caller_iin: iin,
        received_at: '2026-12-08T16:40',
        description: 'Не приходит SMS с кодом',
      })
      .expect(303);
    const id = Number(/\/admin\/support\/(\d+)$/.exec(res.headers.location as string)![1]);
    const r = await ctx.db('support_requests').where({ id }).first();
    expect(r).toMatchObject({ channel: 'phone', caller_iin: iin, contact: '+77015550011', person_id: null });
    // received 16:40: three working hours → 1 h 50 min today, 1 h 10 min tomorrow from 9:00
    expect(new Date(r.received_at).toISOString()).toBe(tuesday('16:40').toISOString());
    expect(new Date(r.register_due_at).toISOString()).toBe(
      new Date('2026-12-09T10:10:00+05:00').toISOString(),
    );
    // it is in the desk's queue and its card shows the channel and the contact
    const card = decodeEntities((await asOperator.get(`/admin/support/${id}`).expect(200)).text);
    expect(card).toContain('Телефон');
    expect(card).toContain('+77015550011');
    const queue = decodeEntities((await asOperator.get('/admin/support').expect(200)).text);
    expect(queue).toContain(r.number);
    // and the operator registers it like any other
    const version = r.version as number;
    await asOperator
      .post(`/admin/support/${id}/register`)
      .type('form')
      .send({ _csrf: csrfFrom(card), version: String(version) })
      .expect(303);
    expect((await ctx.db('support_requests').where({ id }).first()).status).toBe('registered');
    ctx.clock.reset();
  });
});

describe('limits', () => {
  it('takes at most 20 messages a minute from one browser session', async () => {
    const agent = await visitor('ru');
    const page = await agent.get('/chat').expect(200);
    const token = csrfFrom(page.text);
    for (let i = 1; i <= 20; i++)
      await agent
        .post('/chat')
        .type('form')
        .send({ _csrf: token, message: `вопрос ${i}` })
        .expect(303);
    const refused = await agent.post('/chat').type('form').send({ _csrf: token, message: 'вопрос 21' });
    expect(refused.status).toBe(429);
    expect(decodeEntities(refused.text)).toContain('Слишком много сообщений подряд');
    const texts = (await messagesOf(agent)).filter((m) => m.author === 'visitor').map((m) => m.text);
    expect(texts).toHaveLength(20);
    expect(texts).not.toContain('вопрос 21');
    // the script gets the refusal as JSON with the text to show
    const json = await agent
      .post('/chat')
      .set('X-Chat', '1')
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: token, message: 'вопрос 22' });
    expect(json.status).toBe(429);
    expect((json.body as { message: string }).message).toContain('Слишком много сообщений подряд');
  });
});
