import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, personIdOf, signFormFrom, signAs, type Agent } from '../../support/http.js';
import {
  addOpenDepartment,
  createSyntheticRecipients,
  type SyntheticPerson,
} from '../../support/msu-keys.js';
import { signXml } from '../../../src/eds/index.js';
import { AppError } from '../../../src/lib/errors.js';
import type { Actor } from '../../../src/lib/actor.js';

/**
 * 500 distinct recipients, each with a real key, sign «Записаться» for one department with 10 free
 * beds at the same moment; whoever is refused goes on, like a person would, to «Встать в очередь».
 * A dozen of them are demo people who go through the real pages (login, forms, signatures); the rest
 * call the same service methods the routes call.
 */
const BEDS = 10;
const HTTP_PEOPLE = ['r01', 'r02', 'r04', 'r08', 'r09', 'r11', 'r13', 'r15', 'r17', 'r18', 'r19', 'r20'];
const SYNTHETIC = 500 - HTTP_PEOPLE.length;

let ctx: TestContext;
let departmentId: number;
let people: SyntheticPerson[];
let late: SyntheticPerson[];
let agents: Map<string, Agent>;

beforeAll(async () => {
  ctx = await createTestContext();
  const inst = (await ctx.db('msu_institutions').orderBy('id').first('id')) as { id: number };
  departmentId = await addOpenDepartment(ctx.services, inst.id, 'Отделение для нагрузочного теста', BEDS);
  const all = await createSyntheticRecipients(ctx.db, ctx.dataDir, SYNTHETIC + 3, { tag: 'rush' });
  people = all.slice(0, SYNTHETIC);
  late = all.slice(SYNTHETIC);
  // the demo people whose IPR has no МСУ measure (their journeys are others) get one for the rush
  for (const key of HTTP_PEOPLE) {
    const personId = await personIdOf(ctx, key);
    if (await ctx.db('ipr_measures').where({ person_id: personId, help_type: 'MSU' }).first()) continue;
    const [ipr] = (await ctx
      .db('iprs')
      .insert({
        external_id: `rush-IPR-${key}`,
        person_id: personId,
        developed_on: '2026-01-01',
        valid_until: '2099-12-31',
      })
      .returning('id')) as { id: number }[];
    await ctx.db('ipr_measures').insert({
      external_id: `rush-M-${key}`,
      ipr_id: ipr!.id,
      person_id: personId,
      help_type: 'MSU',
      volume: 365,
      deadline: '2099-12-31',
      status: 'open',
    });
  }
  agents = new Map();
  for (const key of HTTP_PEOPLE) agents.set(key, await loginAs(ctx, key));
}, 180_000);

afterAll(async () => {
  await ctx?.close();
});

const actorOf = (p: SyntheticPerson): Actor => ({ personId: p.id, principalId: p.id, roles: ['recipient'] });

type Outcome = 'enrolled' | 'queued';

/**
 * The refused go on to the queue twenty at a time, as people who first read the refusal do: every
 * join takes the department's row for its queue number, so 490 joins at the same instant would only
 * wait for each other in the connection pool, where a busy machine makes them outwait its 10 s bound.
 */
const queueJoins = (() => {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= 20) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
})();

/** A person through the service: enrol, or (refused for lack of beds) join the queue. */
async function viaService(
  p: SyntheticPerson,
  pre: { signRequestId: string; signedXml: string },
): Promise<Outcome> {
  const msu = ctx.services.msu.enrolment;
  try {
    await msu.enrol(actorOf(p), departmentId, pre);
    return 'enrolled';
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'msu:errors.noFreeBeds') throw err;
  }
  await queueJoins(async () => {
    const q = await msu.startQueue(actorOf(p), departmentId);
    await msu.joinQueue(actorOf(p), departmentId, {
      signRequestId: q.signRequest.id,
      signedXml: signXml(q.signRequest.xml, p.sign),
    });
  });
  return 'queued';
}

/** A person through the pages: the signed form is posted; a «no beds» answer leads to the queue page. */
async function viaHttp(key: string, enrolPage: string, statuses: number[]): Promise<Outcome> {
  const agent = agents.get(key)!;
  const form = signFormFrom(enrolPage);
  const res = await agent
    .post(form.action)
    .type('form')
    .send({
      _csrf: form.csrf,
      signRequestId: form.signRequestId,
      signedXml: signAs(ctx, key, 'SIGN', form.xml),
    });
  statuses.push(res.status);
  expect(res.status).toBe(303);
  const location = res.headers.location as string;
  if (location.startsWith('/msu/orders/')) return 'enrolled';
  // refused: the enrolment page now says there are no free beds and offers the queue
  const told = await agent.get(location);
  statuses.push(told.status);
  expect(told.text).toContain('Свободных мест нет');
  const page = await agent.get(`/msu/departments/${departmentId}/queue`);
  statuses.push(page.status);
  const qf = signFormFrom(page.text);
  const q = await agent
    .post(qf.action)
    .type('form')
    .send({ _csrf: qf.csrf, signRequestId: qf.signRequestId, signedXml: signAs(ctx, key, 'SIGN', qf.xml) });
  statuses.push(q.status);
  expect(q.status).toBe(303);
  return 'queued';
}

describe('bed rush: 500 signed enrolments for 10 beds', () => {
  it('gives exactly 10 beds, 490 queue places numbered 1..490 in commit order, and no server error', async () => {
    // every document is issued and signed before the rush, twenty at a time: signing is synchronous
    // work, and 500 at once would hold the event loop while their connections wait in the pool
    const msu = ctx.services.msu.enrolment;
    const prepared: { p: (typeof people)[number]; input: { signRequestId: string; signedXml: string } }[] =
      [];
    for (let i = 0; i < people.length; i += 20) {
      prepared.push(
        ...(await Promise.all(
          people.slice(i, i + 20).map(async (p) => {
            const s = await msu.startEnrolment(actorOf(p), departmentId);
            return {
              p,
              input: { signRequestId: s.signRequest.id, signedXml: signXml(s.signRequest.xml, p.sign) },
            };
          }),
        )),
      );
    }
    const pages = await Promise.all(
      HTTP_PEOPLE.map(async (key) => ({
        key,
        page: (await agents.get(key)!.get(`/msu/departments/${departmentId}/enrol`).expect(200)).text,
      })),
    );

    const statuses: number[] = [];
    const started = Date.now();
    const outcomes = await Promise.all([
      ...prepared.map(({ p, input }) => viaService(p, input)),
      ...pages.map(({ key, page }) => viaHttp(key, page, statuses)),
    ]);
    const ms = Date.now() - started;

    expect(outcomes.filter((o) => o === 'enrolled')).toHaveLength(BEDS);
    expect(outcomes.filter((o) => o === 'queued')).toHaveLength(500 - BEDS);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);

    const dept = (await ctx.db('msu_departments').where({ id: departmentId }).first()) as {
      free: number;
      queue_seq: number;
    };
    expect(dept.free).toBe(0);
    const byStatus = (await ctx
      .db('orders as o')
      .join('msu_orders as m', 'm.order_id', 'o.id')
      .where('m.department_id', departmentId)
      .groupBy('o.status')
      .select('o.status')
      .count('* as n')) as { status: string; n: number }[];
    expect(Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)]))).toEqual({
      awaiting_arrival: BEDS,
      queued: 500 - BEDS,
    });

    // queue numbers: 1..490, none repeated (also a unique index), positions equal to the numbers
    const seqs = (
      (await ctx
        .db('msu_orders')
        .where({ department_id: departmentId, queue_state: 'waiting' })
        .orderBy('queue_seq')
        .pluck('queue_seq')) as number[]
    ).map(Number);
    expect(seqs).toEqual(Array.from({ length: 500 - BEDS }, (_, i) => i + 1));
    expect(dept.queue_seq).toBe(500 - BEDS);
    // every change is backed by a signed document kept as evidence
    const signed = (await ctx
      .db('signed_documents')
      .whereIn('purpose', ['msu.enrol', 'msu.queue'])
      .count('* as n')
      .first()) as { n: number };
    expect(Number(signed.n)).toBe(500);
    const referrals = (await ctx
      .db('msu_referrals')
      .where({ department_id: departmentId })
      .count('* as n')
      .first()) as { n: number };
    expect(Number(referrals.n)).toBe(BEDS);

    // numbers follow commit order: people who join one after another get 491, 492, 493
    for (const [i, p] of late.entries()) {
      const q = await msu.startQueue(actorOf(p), departmentId);
      const r = await msu.joinQueue(actorOf(p), departmentId, {
        signRequestId: q.signRequest.id,
        signedXml: signXml(q.signRequest.xml, p.sign),
      });
      expect(r.position).toBe(500 - BEDS + i + 1);
    }
    // the figure for the report
    console.info(`[msu rush] 500 signed attempts for ${BEDS} beds settled in ${ms} ms`);
  }, 180_000);
});
