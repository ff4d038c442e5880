import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, signFormFrom } from '../../support/http.js';
import { addOpenDepartment } from '../../support/msu-keys.js';
import { ORGANISATIONS, PEOPLE, personByKey } from '../../../src/devstand/people.js';
import { verifySignedXml } from '../../../src/eds/index.js';
import { createDevTrustStore } from '../../../src/devstand/index.js';
import { createLogger } from '../../../src/logger.js';
import { FakeESobes, PortalClient, PortalProcess, freePort, type Receipt } from './crash-support.js';

/**
 * Crash safety, for real: the portal runs as a child process on its own database (cloned from the
 * run's template, on the run's PostgreSQL, which outlives the portal) and is killed with SIGKILL twice
 * in the middle of a stream of signed МСУ steps from several people at once — each time while a message
 * is on its way to Е-Собес (delivered, not yet marked sent) and while signed posts are in flight — then
 * started again on the same database. Е-Собес is an HTTP server in this process.
 *
 * Each chain is one recipient and one session of the institution's employee (e01), going round
 * «Записаться» (signed order) → arrival (signed, → msu.arrived to Е-Собес) → discharge (signed,
 * → msu.discharged to Е-Собес) → «Записаться» again. What a chain does next is read from the database,
 * so after a crash it carries on from wherever its last, possibly unanswered, request left the order.
 */
const CHAINS = 6;
/** successes (303 answers to signed posts) before the first and the second kill, and in all */
const KILL_AFTER = [10, 24];
const TOTAL = 36;
const BEDS = 50;
/** how long a delivery is held unanswered before the kill */
const HOLD_MS = 300;

type Step = 'enrol' | 'arrive' | 'discharge';
const PURPOSE: Record<Step, string> = {
  enrol: 'msu.enrol',
  arrive: 'msu.arrive',
  discharge: 'msu.discharge',
};
const TO_STATUS: Record<Step, string> = {
  enrol: 'awaiting_arrival',
  arrive: 'enrolled',
  discharge: 'discharged',
};

interface Answered {
  chain: number;
  step: Step;
  orderId: number;
}

interface Kill {
  /** the Е-Собес message whose answer the kill cut off */
  key: string;
  successesBefore: number;
  signedInFlight: number;
  requestsInFlight: number;
  /** the held message's outbox row right after the kill */
  rowState: string;
  restartMs: number;
}

class UnexpectedAnswer extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let ctx: TestContext;
let portal: PortalProcess | undefined;
let esobes: FakeESobes | undefined;
let departmentId: number;
let startedAt: Date;
let employeeIin: string;
const recipients: { key: string; id: number; iin: string }[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  esobes = new FakeESobes();
  await esobes.start();
  startedAt = new Date(Date.now() - 1000);

  // the institution of e01, and a department for this test with room for every chain
  const e01 = personByKey('e01');
  employeeIin = e01.iin;
  const org = ORGANISATIONS.find((o) => o.key === e01.org)!;
  const inst = (await ctx
    .db('msu_institutions')
    .join('organisations', 'organisations.id', 'msu_institutions.organisation_id')
    .where('organisations.bin', org.bin)
    .first('msu_institutions.id')) as { id: number };
  departmentId = await addOpenDepartment(ctx.services, inst.id, 'Отделение для проверки сбоев', BEDS);

  // adult recipients acting for themselves, without an open МСУ order; each gets an МСУ measure
  const wards = new Set(PEOPLE.flatMap((p) => p.wards ?? []));
  for (const p of PEOPLE) {
    if (recipients.length === CHAINS) break;
    if (!p.roles.includes('recipient') || p.roles.includes('guardian') || wards.has(p.key)) continue;
    const person = (await ctx.db('persons').where({ iin: p.iin }).first('id')) as { id: number };
    const open = await ctx
      .db('orders')
      .where({ recipient_id: person.id, help_type: 'MSU', is_open: true })
      .first();
    if (open) continue;
    const [ipr] = (await ctx
      .db('iprs')
      .insert({
        external_id: `crash-IPR-${person.id}`,
        person_id: person.id,
        developed_on: '2026-01-01',
        valid_until: '2099-12-31',
      })
      .returning('id')) as { id: number }[];
    await ctx.db('ipr_measures').insert({
      external_id: `crash-M-${person.id}`,
      ipr_id: ipr!.id,
      person_id: person.id,
      help_type: 'MSU',
      volume: 365,
      deadline: '2099-12-31',
      status: 'open',
    });
    recipients.push({ key: p.key, id: person.id, iin: p.iin });
  }
  expect(recipients).toHaveLength(CHAINS);

  portal = new PortalProcess(await freePort(), {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    DATABASE_URL: ctx.databaseUrl,
    DATABASE_POOL_MAX: '8',
    DATA_DIR: ctx.dataDir,
    LOG_LEVEL: 'warn',
    RUN_JOBS: 'true',
    OUTBOX_POLL_MS: '100',
    LOGIN_RATE_LIMIT: '10000',
    ESOBES_URL: esobes.url,
  });
  await portal.start();
}, 120_000);

afterAll(async () => {
  // whatever happened above, no portal outlives the test
  await portal?.kill();
  await esobes?.close();
  await ctx?.close();
});

describe('crash safety: SIGKILL in the middle of signed orders and Е-Собес deliveries', () => {
  it('loses no answered request, writes nothing by halves, and delivers every outbox message exactly once', async () => {
    const p = portal!;
    const fake = esobes!;
    const answered: Answered[] = [];
    const unanswered: { chain: number; step: Step }[] = [];
    const kills: Kill[] = [];
    let signedInFlight = 0;
    let requestsInFlight = 0;
    let stopping = false;

    /** A request to the portal; a connection lost because the portal was killed is `null`. */
    async function call<T>(send: () => Promise<T>, signed: boolean): Promise<T | null> {
      const epoch = p.starts;
      requestsInFlight++;
      if (signed) signedInFlight++;
      try {
        return await send();
      } catch (err) {
        if (p.starts !== epoch || !p.up) return null;
        throw err;
      } finally {
        requestsInFlight--;
        if (signed) signedInFlight--;
      }
    }

    async function page(client: PortalClient, url: string): Promise<string | null> {
      const res = await call(() => client.get(url), false);
      if (!res) return null;
      if (res.status !== 200)
        throw new UnexpectedAnswer(`GET ${url}: ${res.status} ${res.text.slice(0, 300)}`);
      return res.text;
    }

    /** The signed post of a step; a 303 to the order's card is the success answer. */
    async function signed(chain: number, client: PortalClient, html: string, step: Step, expected: RegExp) {
      const res = await call(() => client.signedPost(html), true);
      if (!res) {
        unanswered.push({ chain, step });
        return;
      }
      const m = res.status === 303 ? expected.exec(String(res.headers.location)) : null;
      if (!m)
        throw new UnexpectedAnswer(
          `${step}: ${res.status} ${res.headers.location ?? res.text.slice(0, 300)}`,
        );
      answered.push({ chain, step, orderId: Number(m[1]) });
    }

    async function runChain(i: number): Promise<void> {
      const who = recipients[i]!;
      const recipient = new PortalClient(p.baseUrl, ctx.dataDir, who.key);
      const employee = new PortalClient(p.baseUrl, ctx.dataDir, 'e01');
      let loggedIn = false;
      while (!stopping) {
        await p.whenUp();
        if (!loggedIn) {
          const ok = await call(async () => {
            await recipient.login();
            await employee.login();
            return true;
          }, false);
          if (!ok) continue;
          loggedIn = true;
        }
        const open = (await ctx
          .db('orders')
          .where({ recipient_id: who.id, help_type: 'MSU', is_open: true })
          .first('id', 'status')) as { id: number; status: string } | undefined;
        let html: string | null;
        if (!open) {
          html = await page(recipient, `/msu/departments/${departmentId}/enrol`);
          if (html) await signed(i, recipient, html, 'enrol', /^\/msu\/orders\/(\d+)$/);
        } else if (open.status === 'awaiting_arrival') {
          html = await page(employee, `/institution/orders/${open.id}/arrival`);
          if (html) await signed(i, employee, html, 'arrive', /^\/institution\/orders\/(\d+)$/);
        } else if (open.status === 'enrolled') {
          html = await page(employee, `/institution/orders/${open.id}/discharge`);
          if (html) {
            const res = await call(
              () =>
                employee.post(`/institution/orders/${open.id}/discharge`, {
                  _csrf: csrfFrom(html!),
                  reason: 'Выписан по окончании курса',
                }),
              false,
            );
            html = res ? res.text : null;
            if (res && (res.status !== 200 || !signFormFrom(res.text)))
              throw new UnexpectedAnswer(`discharge reason: ${res.status}`);
            if (html) await signed(i, employee, html, 'discharge', /^\/institution\/orders\/(\d+)$/);
          }
        } else {
          throw new UnexpectedAnswer(`order ${open.id} is in status ${open.status}`);
        }
      }
    }

    async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000) {
      const t0 = Date.now();
      while (!(await cond())) {
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}\n${p.tail()}`);
        await sleep(20);
      }
    }

    /** The next first-time delivery to Е-Собес is held (applied, unanswered) while the portal is killed. */
    async function killDuringDelivery(): Promise<void> {
      const held = new Promise<{ receipt: Receipt; successes: number; signed: number; requests: number }>(
        (resolve) =>
          fake.holdNext(async (receipt) => {
            // held long enough for an outbox that marked the message sent before the answer to have
            // committed it, and until a signed post is in flight too (the chains keep several going)
            const t0 = Date.now();
            while ((Date.now() - t0 < HOLD_MS || signedInFlight === 0) && Date.now() - t0 < 5000)
              await sleep(1);
            const at = {
              receipt,
              successes: answered.length,
              signed: signedInFlight,
              requests: requestsInFlight,
            };
            await p.kill();
            resolve(at);
          }),
      );
      let timer: NodeJS.Timeout | undefined;
      const at = await Promise.race([
        held,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no Е-Собес delivery to cut off')), 20_000);
        }),
      ]).finally(() => clearTimeout(timer));
      const row = (await ctx.db('outbox').where({ idempotency_key: at.receipt.key }).first('state')) as {
        state: string;
      };
      const restartMs = await p.start();
      kills.push({
        key: at.receipt.key,
        successesBefore: at.successes,
        signedInFlight: at.signed,
        requestsInFlight: at.requests,
        rowState: row.state,
        restartMs,
      });
    }

    // ------------------------------------------------------------------ the stream, with two kills
    const t0 = Date.now();
    const chains = recipients.map((_, i) => runChain(i));
    const failed = Promise.all(chains).then(() => {
      if (!stopping) throw new Error('a chain ended early');
    });
    failed.catch(() => undefined); // awaited below; a chain's error also ends the races at once
    const race = <T>(x: Promise<T>) => Promise.race([x, failed.then(() => undefined as T)]);
    for (const n of KILL_AFTER) {
      await race(waitFor(`${n} answers`, () => answered.length >= n));
      await race(killDuringDelivery());
    }
    await race(waitFor(`${TOTAL} answers`, () => answered.length >= TOTAL));
    stopping = true;
    await failed;

    // every outbox message reaches Е-Собес
    await waitFor(
      'the outbox to drain',
      async () =>
        (await ctx.db('outbox').where({ system: 'esobes' }).whereNot({ state: 'delivered' }).first()) ===
        undefined,
    );
    expect(await p.stop()).toBe(0);
    const elapsedMs = Date.now() - t0;

    // ------------------------------------------------------------------ the kills were real and mid-stream
    expect(kills).toHaveLength(KILL_AFTER.length);
    expect(p.pids.length).toBe(KILL_AFTER.length + 1);
    expect(new Set(p.pids).size).toBe(p.pids.length);
    for (const k of kills) {
      expect(k.signedInFlight).toBeGreaterThan(0);
      // delivered to Е-Собes but not marked sent: the outbox row's transaction died with the portal
      expect(k.rowState).toBe('pending');
    }

    // ------------------------------------------------------------------ no answered request is lost
    const trust = createDevTrustStore(ctx.config, createLogger('silent'));
    const verified = new Map<number, boolean>();
    async function verifies(docId: number): Promise<boolean> {
      if (!verified.has(docId)) {
        const doc = (await ctx.db('signed_documents').where({ id: docId }).first()) as {
          signed_xml: string;
          sign_request_id: string;
          purpose: string;
        };
        const req = (await ctx
          .db('sign_requests')
          .where({ id: doc.sign_request_id })
          .first('xml', 'consumed_at')) as {
          xml: string;
          consumed_at: Date | null;
        };
        let ok = req.consumed_at !== null;
        try {
          verifySignedXml(doc.signed_xml, { trust, expect: 'SIGN', subject: 'any', issuedXml: req.xml });
        } catch {
          ok = false;
        }
        verified.set(docId, ok);
      }
      return verified.get(docId)!;
    }

    const events = (await ctx
      .db('order_events')
      .join('orders', 'orders.id', 'order_events.order_id')
      .leftJoin('signed_documents', 'signed_documents.id', 'order_events.signed_document_id')
      .whereIn(
        'order_events.order_id',
        ctx.db('msu_orders').where({ department_id: departmentId }).select('order_id'),
      )
      .orderBy('order_events.id')
      .select(
        'order_events.id',
        'order_events.order_id',
        'order_events.action',
        'order_events.from_status',
        'order_events.to_status',
        'order_events.signed_document_id',
        'signed_documents.purpose',
        'signed_documents.signer_iin',
        'signed_documents.object_id',
      )) as {
      id: number;
      order_id: number;
      action: Step;
      from_status: string | null;
      to_status: string;
      signed_document_id: number | null;
      purpose: string | null;
      signer_iin: string | null;
    }[];

    for (const a of answered) {
      const who = recipients[a.chain]!;
      const ev = events.filter((e) => e.order_id === a.orderId && e.action === a.step);
      expect(ev, `answered ${a.step} of order ${a.orderId}`).toHaveLength(1);
      expect(ev[0]!.to_status).toBe(TO_STATUS[a.step]);
      expect(ev[0]!.signer_iin).toBe(a.step === 'enrol' ? who.iin : employeeIin);
      expect(await verifies(ev[0]!.signed_document_id!)).toBe(true);
      if (a.step !== 'enrol') {
        const key = `msu:${a.orderId}:${a.step === 'arrive' ? 'arrived' : 'discharged'}`;
        expect(
          fake.applied.filter((x) => x.key === key),
          key,
        ).toHaveLength(1);
      }
    }

    // ------------------------------------------------------------------ nothing is half-written
    const orders = (await ctx
      .db('orders')
      .join('msu_orders', 'msu_orders.order_id', 'orders.id')
      .where('msu_orders.department_id', departmentId)
      .select(
        'orders.id',
        'orders.status',
        'orders.is_open',
        'orders.recipient_id',
        'msu_orders.arrived_at',
        'msu_orders.discharged_at',
      )) as {
      id: number;
      status: string;
      is_open: boolean;
      recipient_id: number;
      arrived_at: Date | null;
      discharged_at: Date | null;
    }[];
    const outboxKeys = new Set(
      (
        (await ctx.db('outbox').where({ system: 'esobes' }).select('idempotency_key')) as {
          idempotency_key: string;
        }[]
      ).map((r) => r.idempotency_key),
    );
    for (const o of orders) {
      const ev = events.filter((e) => e.order_id === o.id);
      // the history is a chain of signed steps ending in the order's status
      expect(ev.map((e) => e.action)).toEqual(
        (['enrol', 'arrive', 'discharge'] as Step[]).slice(0, ev.length),
      );
      expect(ev.at(-1)!.to_status).toBe(o.status);
      ev.forEach((e, n) => expect(e.from_status).toBe(n === 0 ? null : ev[n - 1]!.to_status));
      for (const e of ev) {
        expect(
          e.signed_document_id,
          `${e.action} of order ${o.id} without its signed document`,
        ).not.toBeNull();
        expect(e.purpose).toBe(PURPOSE[e.action]);
        expect(await verifies(e.signed_document_id!)).toBe(true);
      }
      expect(o.is_open).toBe(o.status !== 'discharged');
      const arrived = ev.some((e) => e.action === 'arrive');
      const discharged = ev.some((e) => e.action === 'discharge');
      expect(o.arrived_at !== null).toBe(arrived);
      expect(o.discharged_at !== null).toBe(discharged);
      expect(outboxKeys.has(`msu:${o.id}:arrived`)).toBe(arrived);
      expect(outboxKeys.has(`msu:${o.id}:discharged`)).toBe(discharged);
    }
    // no signed document (nor consumed sign request) without its state change, none used twice
    const docs = (await ctx
      .db('signed_documents')
      .whereIn('purpose', Object.values(PURPOSE))
      .andWhere('signed_at', '>=', startedAt)
      .select('id')) as { id: number }[];
    const referenced = events.map((e) => e.signed_document_id);
    expect(new Set(referenced).size).toBe(referenced.length);
    expect(docs.map((d) => d.id).sort((a, b) => a - b)).toEqual(
      [...referenced].sort((a, b) => Number(a) - Number(b)).map(Number),
    );
    const consumedWithoutDoc = await ctx
      .db('sign_requests')
      .leftJoin('signed_documents', 'signed_documents.sign_request_id', 'sign_requests.id')
      .where('sign_requests.created_at', '>=', startedAt)
      .whereNotNull('sign_requests.consumed_at')
      .whereNull('signed_documents.id')
      .first('sign_requests.id');
    expect(consumedWithoutDoc).toBeUndefined();
    // the beds and the measures agree with the orders
    const dept = (await ctx
      .db('msu_departments')
      .where({ id: departmentId })
      .first('free', 'beds_total')) as {
      free: number;
      beds_total: number;
    };
    const holding = orders.filter((o) => o.status === 'awaiting_arrival' || o.status === 'enrolled').length;
    expect(dept.free).toBe(dept.beds_total - holding);
    for (const r of recipients) {
      const m = (await ctx
        .db('ipr_measures')
        .where({ external_id: `crash-M-${r.id}` })
        .first('used_volume')) as {
        used_volume: number;
      };
      const days = orders.filter((o) => o.recipient_id === r.id && o.status === 'discharged').length;
      expect(m.used_volume).toBe(days);
    }

    // ------------------------------------------------------------------ Е-Собес: exactly once
    const rows = (await ctx
      .db('outbox')
      .where({ system: 'esobes' })
      .select('idempotency_key', 'state', 'payload')) as {
      idempotency_key: string;
      state: string;
      payload: unknown;
    }[];
    expect(rows.every((r) => r.state === 'delivered')).toBe(true);
    const appliedKeys = fake.applied.map((a) => a.key);
    expect(new Set(appliedKeys).size).toBe(appliedKeys.length);
    expect(fake.applied).toHaveLength(rows.length);
    expect([...appliedKeys].sort()).toEqual(rows.map((r) => r.idempotency_key).sort());
    for (const r of rows)
      expect(fake.applied.find((a) => a.key === r.idempotency_key)!.payload).toEqual(r.payload);
    // a second delivery only of a message whose answer a kill cut off: recognised by its key, not applied
    const duplicates = fake.receipts.filter((r) => r.duplicate);
    const heldKeys = new Set(kills.map((k) => k.key));
    for (const d of duplicates) expect(heldKeys.has(d.key), `duplicate delivery of ${d.key}`).toBe(true);
    for (const k of heldKeys) {
      const got = fake.receipts.filter((r) => r.key === k);
      expect(got.length, k).toBe(2);
      expect(got[1]!.duplicate).toBe(true);
      expect(got[1]!.payload).toEqual(got[0]!.payload);
    }
    expect(fake.receipts).toHaveLength(rows.length + duplicates.length);

    // what a run covered (read in the test's output)
    const byStep = (s: Step) => answered.filter((a) => a.step === s).length;
    console.info(
      `crash test: ${answered.length} answered signed steps (${byStep('enrol')} orders, ${byStep('arrive')} arrivals, ` +
        `${byStep('discharge')} discharges), ${unanswered.length} cut off, ${orders.length} orders in all; ` +
        `${kills.length} kills (after ${kills.map((k) => k.successesBefore).join(', ')} answers; signed posts in flight: ${kills.map((k) => k.signedInFlight).join(', ')}; ` +
        `restart ms: ${kills.map((k) => k.restartMs).join(', ')}); ${rows.length} Е-Собес messages applied once, ` +
        `${duplicates.length} duplicate deliveries recognised (${[...heldKeys].join(', ')}); ${elapsedMs} ms`,
    );
  }, 90_000);
});
