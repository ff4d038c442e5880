import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, signAs, signFormFrom, submitSigned } from '../../support/http.js';
import { PEOPLE } from '../../../src/devstand/people.js';
import { signXml } from '../../../src/eds/index.js';
import { devKey, loadManifest } from '../../../src/devstand/pki.js';
import { buildServices } from '../../../src/modules/index.js';
import { createApp } from '../../../src/app.js';
import { createLogger } from '../../../src/logger.js';
import { devIntegrations } from '../../../src/devstand/integrations.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

async function loginPage() {
  const agent = request.agent(ctx.app);
  const page = await agent.get('/login').expect(200);
  return { agent, page: page.text, form: signFormFrom(page.text) };
}

describe('login with the AUTH key', () => {
  it('issues a one-time AUTH challenge in the signing-contract form', async () => {
    const { form } = await loginPage();
    expect(form.keyType).toBe('AUTH');
    expect(form.action).toBe('/login');
    expect(form.xml).toContain('urn:portal:eds:auth-challenge:1');
  });

  it('logs a recipient in, shows the welcome letter once, then the cabinet', async () => {
    const { agent, page } = await loginPage();
    const res = await submitSigned(ctx, agent, page, 'r02');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/welcome');
    const welcome = await agent.get('/welcome').expect(200);
    expect(welcome.text).toContain('Далее');
    const next = await agent
      .post('/welcome')
      .type('form')
      .send({ _csrf: csrfFrom(welcome.text) })
      .expect(303);
    expect(next.headers.location).toBe('/cabinet');
    const person = await ctx
      .db('persons')
      .where({ iin: PEOPLE.find((p) => p.key === 'r02')!.iin })
      .first();
    expect(person.account_created_at).not.toBeNull();
    expect(person.welcomed_at).not.toBeNull();
    // the second login goes straight in
    const again = await loginPage();
    const res2 = await submitSigned(ctx, again.agent, again.page, 'r02');
    expect(res2.headers.location).toBe('/cabinet');
  });

  it('stores the session in PostgreSQL and deletes it at logout', async () => {
    const agent = await loginAs(ctx, 'r03');
    const before = await ctx
      .db('sessions')
      .whereRaw(`sess->'auth'->>'name' like 'ИВАНОВ%'`)
      .count<{ count: number }[]>('* as count');
    expect(Number(before[0]!.count)).toBe(1);
    const home = await agent.get('/').expect(200);
    await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) })
      .expect(303);
    const after = await ctx
      .db('sessions')
      .whereRaw(`sess->'auth'->>'name' like 'ИВАНОВ%'`)
      .count<{ count: number }[]>('* as count');
    expect(Number(after[0]!.count)).toBe(0);
    await agent
      .get('/documents')
      .expect(303)
      .expect('location', /\/login/);
  });

  it('lets a guardian choose to act for a ward', async () => {
    const agent = await loginAs(ctx, 'g01', { actFor: 'r06' });
    const page = await agent.get('/').expect(200);
    expect(page.text).toContain('ПЕТРОВА ЕЛЕНА ВИКТОРОВНА');
    const actFor = await agent.get('/act-for').expect(200);
    // somebody else's id is refused
    const stranger = await ctx
      .db('persons')
      .where({ iin: PEOPLE.find((p) => p.key === 'r01')!.iin })
      .first('id');
    await agent
      .post('/act-for')
      .type('form')
      .send({ _csrf: csrfFrom(actFor.text), principalId: String(stranger.id) })
      .expect(404);
  });

  it('logs an employee in with the legal-entity AUTH key for their organisation', async () => {
    const agent = await loginAs(ctx, 'e05');
    const res = await agent.get('/login');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/supplier');
  });

  it('refuses a login challenge used twice', async () => {
    const { agent, page, form } = await loginPage();
    const signed = signAs(ctx, 'r04', 'AUTH', form.xml);
    await agent
      .post('/login')
      .type('form')
      .send({ _csrf: form.csrf, signRequestId: form.signRequestId, signedXml: signed })
      .expect(303);
    const other = request.agent(ctx.app);
    const p2 = await other.get('/login');
    const replay = await other
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(p2.text), signRequestId: form.signRequestId, signedXml: signed });
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('уже использован');
    expect(page).toBeTruthy();
  });

  it('refuses a SIGN key at login, and each bad key with its own message, changing nothing', async () => {
    const countSessions = async () =>
      Number(
        (
          await ctx
            .db('sessions')
            .whereRaw(`(sess::jsonb -> 'auth') is not null`)
            .count<{ c: number }[]>('* as c')
        )[0]!.c,
      );
    const countDocs = async () =>
      Number((await ctx.db('signed_documents').count<{ c: number }[]>('* as c'))[0]!.c);
    const sessions = await countSessions();
    const docs = await countDocs();
    const manifest = loadManifest(ctx.dataDir);
    const cases: { key: ReturnType<typeof devKey>; message: RegExp }[] = [
      { key: devKey(ctx.dataDir, 'r01', 'SIGN'), message: /RSA|вход/i },
    ];
    for (const status of ['expired', 'revoked', 'foreign', 'legal-entity'] as const) {
      const entry = manifest.find((m) => m.status === status);
      expect(entry, `bad key ${status} in the manifest`).toBeTruthy();
      cases.push({ key: devKey(ctx.dataDir, entry!.key, 'AUTH'), message: /./ });
    }
    const messages = new Set<string>();
    for (const c of cases) {
      const { agent, form } = await loginPage();
      const res = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: form.csrf, signRequestId: form.signRequestId, signedXml: signXml(form.xml, c.key) });
      expect(res.status).toBe(400);
      const msg = /id="login-error">([^<]+)</.exec(res.text)?.[1];
      expect(msg).toMatch(c.message);
      messages.add(msg!);
    }
    expect(messages.size).toBe(cases.length);
    expect(await countSessions()).toBe(sessions);
    expect(await countDocs()).toBe(docs);
  });
});

describe('login while a state registry does not answer', () => {
  it('tells the person in their language, writes nothing, and the next attempt works', async () => {
    let registryDown = true;
    const dev = devIntegrations(ctx.db);
    let log = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        log += chunk.toString();
        done();
      },
    });
    const services = buildServices(ctx.config, ctx.db, createLogger('info', sink), {
      devStand: ctx.devStand,
      integrations: {
        ...dev,
        personRegistry: {
          findByIin: async (iin) => {
            // what the HTTP adapter throws: the path it called, with the IIN in it
            if (registryDown) throw new Error(`GET /registry/persons/${iin} answered 502`);
            return dev.personRegistry.findByIin(iin);
          },
        },
      },
    });
    const app = createApp(services, ctx.devStand.web);
    try {
      const iin = PEOPLE.find((p) => p.key === 'r05')!.iin;
      const before = await ctx.db('persons').where({ iin }).first();
      const docs = Number((await ctx.db('signed_documents').count<{ c: number }[]>('* as c'))[0]!.c);
      for (const [lang, text] of [
        ['ru', 'не отвечают'],
        ['en', 'not answering'],
      ] as const) {
        const agent = request.agent(app);
        await agent.get(`/?lang=${lang}`);
        const res = await submitSigned(ctx, agent, (await agent.get('/login')).text, 'r05');
        expect(res.status).toBe(503);
        expect(res.text).toContain(text);
        expect((await agent.get('/cabinet')).headers.location).toMatch(/^\/login/);
      }
      expect(await ctx.db('persons').where({ iin }).first()).toEqual(before);
      expect(Number((await ctx.db('signed_documents').count<{ c: number }[]>('* as c'))[0]!.c)).toBe(docs);
      // the operator sees why in the log, without the IIN in clear
      expect(log).toContain('registry_unavailable');
      expect(log).toContain('answered 502');
      expect(log).not.toContain(iin);

      registryDown = false;
      const agent = request.agent(app);
      const ok = await submitSigned(ctx, agent, (await agent.get('/login')).text, 'r05');
      expect(ok.status).toBe(303);
    } finally {
      await (app.locals.sessionPool as { end: () => Promise<void> }).end();
    }
  });
});
