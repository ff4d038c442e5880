/**
 * Acts and journal figures: milliseconds per act PDF for a month of 31 entries (pdfkit, the font by
 * absolute path; target ≤ 100 ms), rendered alone and through the service with its queries; and
 * journal entries per second through the service on a real PostgreSQL (embedded, migrated and seeded):
 * each entry is the code request (checks, pending entry, SMS in the outbox) plus the confirmation with
 * the recipient's code (day counters, volume, entry), several orders in parallel.
 * npm run bench:acts [-- --runs 30 --days 40]
 */
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createKnex } from '../src/db/knex.js';
import { migrateLatest } from '../src/db/migrator.js';
import { runSeeds } from '../src/devstand/seed.js';
import { createDevStand } from '../src/devstand/index.js';
import { buildServices, type Services } from '../src/modules/index.js';
import { ControllableClock, astanaDate } from '../src/lib/clock.js';
import { ORGANISATIONS, PEOPLE } from '../src/devstand/people.js';
import { signXml } from '../src/eds/index.js';
import { devKey, ensureDevPki } from '../src/devstand/pki.js';
import { renderActPdf, type ActData } from '../src/modules/specialist-services/act-pdf.js';
import type { Actor } from '../src/lib/actor.js';
import type { ServiceHelpType } from '../src/modules/specialist-services/rules.js';
import {
  arg,
  benchStand,
  isMain,
  load1,
  median,
  pct,
  printSection,
  table,
  type Section,
} from './lib/common.js';

function month31(): ActData {
  return {
    orderNumber: '2026-0001234',
    periodLabel: '2026 ж. қазан / октябрь 2026 г.',
    serviceName: 'Жеке көмекшінің қызметі / Услуга индивидуального помощника',
    specialist: { name: 'МУСИН АРМАН ЕРЖАНОВИЧ', iin: '860919300123' },
    recipient: {
      name: 'АХМЕТОВА АЙГЕРІМ СЕРІКҚЫЗЫ',
      iin: '750203400456',
      extra: 'г. Астана, пр. Абая, 3, кв. 17',
    },
    rows: Array.from({ length: 31 }, (_, i) => ({
      date: `${String(i + 1).padStart(2, '0')}.10.2026`,
      description:
        'Әкімдік, Ұлттық кітапхана, қалалық емхана / Акимат, Национальная библиотека, городская поликлиника',
      hours: 2,
    })),
    totalHours: 62,
    generatedOn: '01.11.2026 10:00',
  };
}

async function timeIt(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function actor(services: Services, key: string, roles: Actor['roles']): Promise<Actor> {
  const p = PEOPLE.find((x) => x.key === key)!;
  const row = (await services.db('persons').where({ iin: p.iin }).first('id')) as { id: number };
  return { personId: row.id, principalId: row.id, roles };
}

async function orderInProgress(
  services: Services,
  dataDir: string,
  r: string,
  s: string,
  kind: ServiceHelpType,
): Promise<number> {
  const area = services.specialistServices;
  const recipient = await actor(services, r, ['recipient']);
  const specialist = await actor(services, s, ['specialist']);
  const sid = (
    (await services.db('specialists').where({ person_id: specialist.personId, kind }).first('id')) as {
      id: number;
    }
  ).id;
  const sign = (key: string, xml: string) => signXml(xml, devKey(dataDir, key, 'SIGN'));
  const c = await area.orders.issueCreate(recipient, kind, sid, {
    phone: '+77015550000',
    address: 'г. Астана, ул. Кенесары, 1',
    comment: '',
  });
  const order = await area.orders.create(recipient, kind, sid, {
    signRequestId: c.signRequest.id,
    signedXml: sign(r, c.signRequest.xml),
  });
  const a = await area.orders.issueAction(recipient, order.id, 'confirm');
  await area.orders.applyAction(recipient, order.id, 'confirm', {
    signRequestId: a.signRequest.id,
    signedXml: sign(r, a.signRequest.xml),
  });
  const b = await area.orders.issueAction(specialist, order.id, 'accept');
  await area.orders.applyAction(specialist, order.id, 'accept', {
    signRequestId: b.signRequest.id,
    signedXml: sign(s, b.signRequest.xml),
  });
  return order.id;
}

export async function actsAndJournal(runs = arg('runs', 30), days = arg('days', 40)): Promise<Section> {
  const DAY = 24 * 3600_000;
  // 1. the PDF alone
  const data = month31();
  const alone = await timeIt(() => renderActPdf(data), runs);

  // 2. a real database
  const stand = await benchStand('bench-acts-');
  const dir = stand.dataDir;
  const db = createKnex(stand.url, 10);
  try {
    await migrateLatest(db);
    await db.transaction((tx) => runSeeds(tx));
    const keys = ['r01', 'r02', 'r04', 'r08', 'r11', 'r17', 'r20', 's01', 's02', 's04', 's05', 's06'];
    await ensureDevPki(dir, {
      people: PEOPLE.filter((p) => keys.includes(p.key)),
      organisations: ORGANISATIONS,
    });
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: stand.url,
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
    });
    const clock = new ControllableClock();
    clock.set(new Date());
    const services = buildServices(config, db, createLogger('silent'), {
      clock,
      devStand: createDevStand(config, db, createLogger('silent')),
    });
    const pairs: [string, string, ServiceHelpType][] = [
      ['r02', 's01', 'UZHYA'],
      ['r20', 's01', 'UZHYA'],
      ['r08', 's02', 'UZHYA'],
      ['r01', 's04', 'UIP'],
      ['r04', 's04', 'UIP'],
      ['r11', 's05', 'UIP'],
      ['r17', 's06', 'UIP'],
    ];
    const orders: { id: number; specialist: string; kind: ServiceHelpType }[] = [];
    for (const [r, s, k] of pairs)
      orders.push({ id: await orderInProgress(services, dir, r, s, k), specialist: s, kind: k });
    await db('ipr_measures').update({ volume: 100_000 });
    const start = clock.now().getTime();
    clock.set(new Date(start + (days + 1) * DAY));

    // 3. journal entries: one 2-hour entry a day for every order, the orders in parallel; a day's round
    // is a quarter of an hour after the last (a specialist asks for at most a few codes an hour per order)
    const journal = services.specialistServices.journal;
    const latencies: number[] = [];
    const specialists = await Promise.all(orders.map((o) => actor(services, o.specialist, ['specialist'])));
    const t0 = performance.now();
    for (let d = 1; d <= days; d++) {
      const day = astanaDate(new Date(start + d * DAY));
      clock.advance(15 * 60_000);
      await Promise.all(
        orders.map(async (o, i) => {
          const t = performance.now();
          const codeId = await journal.requestCode(specialists[i]!, {
            order: o.id,
            day,
            hours: 2,
            ...(o.kind === 'UZHYA' ? { format: 'in_person' as const } : {}),
            objectsKk: o.kind === 'UIP' ? 'Әкімдік' : '',
            objectsRu: o.kind === 'UIP' ? 'Акимат' : '',
          });
          const row = (await db('outbox')
            .where({ idempotency_key: `sms:service-hours-code:${codeId}` })
            .first('payload')) as { payload: { text: string } };
          const code = /\b(\d{6})\b/.exec(row.payload.text)![1]!;
          await journal.confirmCode(specialists[i]!, codeId, code);
          latencies.push(performance.now() - t);
        }),
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    const entries = Number(
      ((await db('service_journal_entries').count('* as n').first()) as { n: number }).n,
    );
    // 4. the act PDF through the service (the month's entries and both parties from the database)
    const o = orders[3]!;
    const sp = await actor(services, o.specialist, ['specialist']);
    // the month with the most entries (a whole month when --days ≥ 31)
    const { period, n } = (await db('service_journal_entries')
      .where({ order_id: o.id })
      .groupByRaw(`to_char(day, 'YYYY-MM')`)
      .orderByRaw('count(*) desc')
      .select(db.raw(`to_char(day, 'YYYY-MM') as period`), db.raw('count(*)::int as n'))
      .first()) as { period: string; n: number };
    const viaService = await timeIt(
      () => services.specialistServices.acts.documents.pdf(sp, o.id, period, 'act'),
      runs,
    );
    const target = median(alone);
    return {
      title: 'Act PDF and service journal',
      command: 'npm run bench:acts',
      body:
        `${runs} runs each after a warm-up, on the embedded PostgreSQL; load average ${load1()} after the run.\n\n` +
        table(
          ['what', 'median', 'p90 / p99'],
          [
            [
              'act PDF, 31 entries, Cyrillic and Kazakh, rendering only',
              `**${median(alone).toFixed(1)} ms**`,
              `${pct(alone, 90).toFixed(1)} / ${pct(alone, 99).toFixed(1)} ms`,
            ],
            [
              `act PDF through the service (${n} entries of ${period}, with its queries)`,
              `${median(viaService).toFixed(1)} ms`,
              `${pct(viaService, 90).toFixed(1)} / ${pct(viaService, 99).toFixed(1)} ms`,
            ],
            [
              `journal entry through the service (code request + confirmation), ${orders.length} orders in parallel`,
              `${median(latencies).toFixed(1)} ms per entry`,
              `${pct(latencies, 90).toFixed(1)} / ${pct(latencies, 99).toFixed(1)} ms`,
            ],
            [
              'journal throughput',
              `**${(entries / seconds).toFixed(0)} entries/s**`,
              `${entries} entries in ${seconds.toFixed(2)} s`,
            ],
          ],
        ) +
        '\n\nThe font is given to pdfkit by absolute path and the table is drawn by hand.',
      targets: [
        {
          what: 'act PDF, 31 entries',
          target: '≤ 100 ms',
          measured: `${target.toFixed(1)} ms`,
          met: target <= 100,
        },
      ],
    };
  } finally {
    await db.destroy();
    await stand.remove();
  }
}

if (isMain(import.meta.url)) printSection(await actsAndJournal());
