/**
 * Guardianships come from the guardianship registry (issue 16, item 6): read at login, re-checked on
 * every request made for the ward once the cached answer is older than the TTL, and a guardianship
 * the registry ended makes the ward's pages answer as for a stranger. The administrator has no way
 * to make a ward.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, decodeEntities, loginAs, personIdOf } from '../../support/http.js';
import { personByKey } from '../../../src/devstand/people.js';
import { endDevGuardianship } from '../../../src/devstand/integrations.js';
import { astanaDate } from '../../../src/lib/clock.js';
import type { GuardianshipRegistry } from '../../../src/integrations/ports.js';

let ctx: TestContext;
let registry: GuardianshipRegistry;
let wardsOf: GuardianshipRegistry['wardsOf'];
const TTL_MS = 120_000;

beforeAll(async () => {
  ctx = await createTestContext();
  registry = ctx.services.integrations.guardianshipRegistry;
  wardsOf = registry.wardsOf;
});
afterEach(() => {
  registry.wardsOf = wardsOf;
  ctx.clock.reset();
});
afterAll(async () => {
  await ctx?.close();
});

const today = () => astanaDate(ctx.clock.now());
/** The page's text: tags dropped, entities decoded, white space collapsed. */
const text = (html: string) =>
  decodeEntities(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

describe('at login', () => {
  it('the wards are the registry’s: listed with the decision, cached with checked_at', async () => {
    const guardian = await personIdOf(ctx, 'g05');
    const ward = await personIdOf(ctx, 'r22');
    // the seed's prefill was never checked
    const before = await ctx.db('guardianships').where({ guardian_id: guardian, ward_id: ward }).first();
    expect(before.checked_at).toBeNull();

    const agent = await loginAs(ctx, 'g05', { actFor: 'r22' });
    const row = await ctx.db('guardianships').where({ guardian_id: guardian, ward_id: ward }).first();
    expect(row.checked_at).not.toBeNull();
    expect(row.decision_number).toMatch(/^ОП-/);
    expect(row.authority).toBe('Орган опеки и попечительства, г. Караганда');
    const page = text((await agent.get('/act-for').expect(200)).text);
    expect(page).toContain('ГРОМОВ ВИКТОР ПАВЛОВИЧ');
    expect(page).toContain(`Попечительство: решение № ${row.decision_number} от 15.02.2021`);
    // acting for the ward: the ward's «Помощь для вас»
    expect(text((await agent.get('/help').expect(200)).text)).toContain('ГРОМОВ ВИКТОР ПАВЛОВИЧ');
  });

  it('a guardianship the registry ended is not there: no guardian role, no ward, the ward refused', async () => {
    const former = await personIdOf(ctx, 'g06');
    const ward = await personIdOf(ctx, 'r22');
    expect(await ctx.db('person_roles').where({ person_id: former, role: 'guardian' })).toHaveLength(1);
    const agent = await loginAs(ctx, 'g06');
    expect(await ctx.db('person_roles').where({ person_id: former, role: 'guardian' })).toHaveLength(0);
    expect(await ctx.db('guardianships').where({ guardian_id: former })).toHaveLength(0);
    const page = await agent.get('/act-for').expect(200);
    expect(page.text).not.toContain(`value="${ward}"`);
    await agent
      .post('/act-for')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), principalId: String(ward) })
      .expect(404);
  });
});

describe('re-checked on every request made for the ward', () => {
  it('a guardianship ended in the registry: the cached answer holds for the TTL, then the ward’s pages answer 404', async () => {
    const ward = await personIdOf(ctx, 'r16');
    const order = (await ctx.db('orders').where({ kind: 'msu', recipient_id: ward }).first('id')) as {
      id: number;
    };
    const agent = await loginAs(ctx, 'g04', { actFor: 'r16' });
    await agent.get(`/msu/orders/${order.id}`).expect(200);

    await endDevGuardianship(ctx.db, personByKey('g04').iin, personByKey('r16').iin, today());
    // within the TTL the cached answer still stands (at most a few minutes)
    ctx.clock.advance(TTL_MS - 5_000);
    await agent.get(`/msu/orders/${order.id}`).expect(200);
    // past it the registry is asked again: ended, so the ward is a stranger
    ctx.clock.advance(10_000);
    const gone = text((await agent.get(`/msu/orders/${order.id}`).expect(404)).text);
    expect(gone).toContain('Опека над КУЗНЕЦОВ ОЛЕГ ПАВЛОВИЧ закончилась');
    const cabinet = text((await agent.get('/cabinet').expect(200)).text);
    expect(cabinet).toContain('КУЗНЕЦОВА ИРИНА ОЛЕГОВНА');
    expect(cabinet).not.toContain(personByKey('r16').iin);
    // the cache follows the registry, and choosing the ward again is refused
    expect(await ctx.db('guardianships').where({ ward_id: ward })).toHaveLength(0);
    const actFor = await agent.get('/act-for').expect(200);
    expect(actFor.text).not.toContain(`value="${ward}"`);
    await agent
      .post('/act-for')
      .type('form')
      .send({ _csrf: csrfFrom(actFor.text), principalId: String(ward) })
      .expect(404);
    await agent.get(`/msu/orders/${order.id}`).expect(404);
  });

  it('the registry not answering at a re-check: acting for the ward is refused with a message, the session stays', async () => {
    const ward = await personIdOf(ctx, 'r07');
    const agent = await loginAs(ctx, 'g02', { actFor: 'r07' });
    expect(text((await agent.get('/cabinet').expect(200)).text)).toContain(personByKey('r07').iin);

    registry.wardsOf = () => Promise.reject(new Error('connect ECONNREFUSED'));
    // within the TTL the registry is not asked
    await agent.get('/cabinet').expect(200);
    ctx.clock.advance(TTL_MS + 1_000);
    const cabinet = text((await agent.get('/cabinet').expect(200)).text);
    expect(cabinet).toContain('Сведения органов опеки и попечительства сейчас недоступны');
    expect(cabinet).not.toContain(personByKey('r07').iin);
    expect(cabinet).toContain(personByKey('g02').iin);
    // choosing the ward again says why it cannot be done now
    const actFor = await agent.get('/act-for').expect(200);
    const refused = await agent
      .post('/act-for')
      .type('form')
      .send({ _csrf: csrfFrom(actFor.text), principalId: String(ward) })
      .expect(503);
    expect(text(refused.text)).toContain('Сведения органов опеки и попечительства сейчас недоступны');
    // the cache was left as it was: the registry answers again, and the guardian acts for the ward
    registry.wardsOf = wardsOf;
    await agent
      .post('/act-for')
      .type('form')
      .send({ _csrf: csrfFrom(actFor.text), principalId: String(ward) })
      .expect(303);
    expect(text((await agent.get('/cabinet').expect(200)).text)).toContain(personByKey('r07').iin);
  });

  it('the registry not answering at login: the person logs in, and a ward is not acted for until it answers', async () => {
    registry.wardsOf = () => Promise.reject(new Error('timeout'));
    // the cache is older than the TTL (never checked: the seed's prefill)
    const agent = await loginAs(ctx, 'g03');
    expect(text((await agent.get('/cabinet').expect(200)).text)).toContain(personByKey('g03').iin);
    const actFor = await agent.get('/act-for').expect(200);
    await agent
      .post('/act-for')
      .type('form')
      .send({ _csrf: csrfFrom(actFor.text), principalId: String(await personIdOf(ctx, 'r12')) })
      .expect(503);
  });
});

describe('the dev stand’s guardianship registry page', () => {
  it('ends a guardianship and restores it; the guardian of the elderly ward follows after the TTL', async () => {
    const ward = await personIdOf(ctx, 'r22');
    const agent = await loginAs(ctx, 'g05', { actFor: 'r22' });
    const row = (html: string) =>
      text(html).match(
        /ГРОМОВА НАТАЛЬЯ ВИКТОРОВНА \d{12} ГРОМОВ ВИКТОР ПАВЛОВИЧ \d{12} [^|]*?(Действует|Прекращена)/,
      )?.[1];
    const page = await agent.get('/dev/guardianships').expect(200);
    expect(row(page.text)).toBe('Действует');
    // the former guardian's guardianship is listed as the registry ended it
    expect(text(page.text)).toContain('ГРОМОВ ОЛЕГ ВИКТОРОВИЧ');
    expect(text(page.text)).toContain('Прекращена с 01.10.2026');
    const fields = { guardian: personByKey('g05').iin, ward: personByKey('r22').iin };
    // a pair the registry does not hold is not there
    await agent
      .post('/dev/guardianships')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...fields, ward: personByKey('r03').iin, action: 'end' })
      .expect(404);
    await agent
      .post('/dev/guardianships')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...fields, action: 'end' })
      .expect(303);
    const ended = await agent.get('/dev/guardianships').expect(200);
    expect(row(ended.text)).toBe('Прекращена');
    ctx.clock.advance(TTL_MS + 1_000);
    const help = text((await agent.get('/help').expect(200)).text);
    expect(help).toContain('Опека над ГРОМОВ ВИКТОР ПАВЛОВИЧ закончилась');
    expect(help).not.toContain('Данные получателя: ГРОМОВ ВИКТОР ПАВЛОВИЧ');
    expect(await ctx.db('guardianships').where({ ward_id: ward })).toHaveLength(0);
    await agent
      .post('/dev/guardianships')
      .type('form')
      .send({ _csrf: csrfFrom(ended.text), ...fields, action: 'restore' })
      .expect(303);
    expect(row((await agent.get('/dev/guardianships').expect(200)).text)).toBe('Действует');
    const actFor = await agent.get('/act-for').expect(200);
    await agent
      .post('/act-for')
      .type('form')
      .send({ _csrf: csrfFrom(actFor.text), principalId: String(ward) })
      .expect(303);
    expect(text((await agent.get('/help').expect(200)).text)).toContain('ГРОМОВ ВИКТОР ПАВЛОВИЧ');
  });
});

describe('the administrator cannot invent a ward', () => {
  it('the guardian role cannot be granted', async () => {
    const admin = await loginAs(ctx, 'a01');
    const r02 = await personIdOf(ctx, 'r02');
    const card = await admin.get(`/admin/users/${r02}`).expect(200);
    expect(card.text).not.toMatch(/<option value="guardian"/);
    await admin
      .post(`/admin/users/${r02}/roles`)
      .type('form')
      .send({ _csrf: csrfFrom(card.text), role: 'guardian', organisationId: '' })
      .expect(400);
    expect(await ctx.db('person_roles').where({ person_id: r02, role: 'guardian' })).toHaveLength(0);
  });

  it('a guardianship written into the portal but unknown to the registry gives nothing', async () => {
    const r02 = await personIdOf(ctx, 'r02');
    const r03 = await personIdOf(ctx, 'r03');
    await ctx.db('person_roles').insert({ person_id: r02, role: 'guardian' });
    await ctx.db('guardianships').insert({ guardian_id: r02, ward_id: r03, checked_at: null });
    const agent = await loginAs(ctx, 'r02');
    expect(await ctx.db('guardianships').where({ guardian_id: r02 })).toHaveLength(0);
    expect(await ctx.db('person_roles').where({ person_id: r02, role: 'guardian' })).toHaveLength(0);
    const actFor = await agent.get('/act-for').expect(200);
    await agent
      .post('/act-for')
      .type('form')
      .send({ _csrf: csrfFrom(actFor.text), principalId: String(r03) })
      .expect(404);
  });
});
