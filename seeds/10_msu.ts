import type { Knex } from 'knex';
import { ORGANISATIONS, PEOPLE } from '../src/devstand/people.js';
import { OrdersRepository, type OrderRow } from '../src/modules/orders/orders-repository.js';
import type { PersonRow } from '../src/modules/people/people-repository.js';
import { maskedName } from '../src/modules/people/names.js';
import {
  msuMachine,
  type AgeGroup,
  type DepartmentSex,
  type MsuAction,
  type Profile,
} from '../src/modules/msu/rules.js';

/**
 * The dev stand's МСУ: one institution per msu-* organisation with departments and beds; the Astana
 * «Отделение милосердия» is full, with a queue of demo recipients (r03, r05, r14) and a resident (r10)
 * who came from that queue; a history of released places and referrals; a ward (r16) whose arrival
 * deadline has passed, so that the Temirtau employee can record a no-show.
 */

const at = (iso: string) => new Date(iso);

interface DeptSeed {
  key: string;
  name: { ru: string; kk: string; en: string };
  profile: Profile;
  sex: DepartmentSex;
  age_group: AgeGroup;
  beds: number;
  free: number;
}

interface InstSeed {
  org: string;
  description: { ru: string; kk: string; en: string };
  arrival: { ru: string; kk: string; en: string };
  email: string;
  hours: string;
  departments: DeptSeed[];
}

const INSTITUTIONS: InstSeed[] = [
  {
    org: 'msu-astana',
    description: {
      ru: 'Круглосуточное проживание, уход и реабилитация для пожилых людей и взрослых с инвалидностью. Врач-терапевт, невролог, ЛФК, досуговые занятия.',
      kk: 'Егде адамдар мен мүгедектігі бар ересектерге тәулік бойы тұру, күтім және оңалту. Терапевт, невролог, емдік дене шынықтыру, бос уақыт сабақтары.',
      en: 'Round-the-clock living, care and rehabilitation for older people and adults with disabilities. A general practitioner, a neurologist, exercise therapy, leisure activities.',
    },
    arrival: {
      ru: 'Приём прибывающих — в будние дни с 9:00 до 17:00, корпус 1, приёмное отделение.',
      kk: 'Келгендерді қабылдау — жұмыс күндері 9:00-ден 17:00-ге дейін, 1-корпус, қабылдау бөлімі.',
      en: 'Arrivals are received on working days from 9:00 to 17:00, building 1, admissions.',
    },
    email: 'msu1@astana.example.kz',
    hours: 'круглосуточно; приём документов пн–пт 9:00–17:00',
    departments: [
      {
        key: 'ast-general',
        name: { ru: 'Отделение общего типа', kk: 'Жалпы үлгідегі бөлімше', en: 'General department' },
        profile: 'general',
        sex: 'any',
        age_group: 'adults',
        beds: 40,
        free: 3,
      },
      {
        key: 'ast-mercy',
        name: { ru: 'Отделение милосердия', kk: 'Мейірімділік бөлімшесі', en: 'Mercy department' },
        profile: 'mercy',
        sex: 'any',
        age_group: 'adults',
        beds: 20,
        free: 0,
      },
    ],
  },
  {
    org: 'msu-almaty',
    description: {
      ru: 'Дом-интернат общего типа для престарелых и лиц с инвалидностью: отдельные женское и мужское отделения, медицинский пост, прогулочный сад.',
      kk: 'Қарттар мен мүгедектігі бар адамдарға арналған жалпы үлгідегі интернат-үй: бөлек әйелдер және ерлер бөлімшелері, медициналық бекет, серуендеу бағы.',
      en: 'A general care home for older people and people with disabilities: separate women’s and men’s departments, a nurses’ station, a garden.',
    },
    arrival: {
      ru: 'При себе иметь сменную обувь и личные вещи на первое время.',
      kk: 'Өзіңізбен ауыстыратын аяқ киім мен алғашқы уақытқа жеке заттарыңызды алыңыз.',
      en: 'Bring indoor shoes and personal belongings for the first days.',
    },
    email: 'internat@almaty.example.kz',
    hours: 'круглосуточно',
    departments: [
      {
        key: 'ala-women',
        name: {
          ru: 'Женское отделение для пожилых',
          kk: 'Егде әйелдерге арналған бөлімше',
          en: 'Women’s department for older people',
        },
        profile: 'general',
        sex: 'F',
        age_group: 'elderly',
        beds: 30,
        free: 5,
      },
      {
        key: 'ala-men',
        name: {
          ru: 'Мужское отделение для пожилых',
          kk: 'Егде ерлерге арналған бөлімше',
          en: 'Men’s department for older people',
        },
        profile: 'general',
        sex: 'M',
        age_group: 'elderly',
        beds: 30,
        free: 2,
      },
    ],
  },
  {
    org: 'msu-karaganda',
    description: {
      ru: 'Психоневрологический медико-социальный центр: постоянное проживание, психиатрическое наблюдение, трудотерапия.',
      kk: 'Психоневрологиялық медициналық-әлеуметтік орталық: тұрақты тұру, психиатриялық бақылау, еңбек терапиясы.',
      en: 'A psychoneurological medical and social centre: permanent residence, psychiatric care, occupational therapy.',
    },
    arrival: {
      ru: 'Необходимо заключение врачебно-консультационной комиссии.',
      kk: 'Дәрігерлік-консультациялық комиссияның қорытындысы қажет.',
      en: 'A medical advisory board report is required.',
    },
    email: 'pnmsc@karaganda.example.kz',
    hours: 'круглосуточно',
    departments: [
      {
        key: 'kar-men',
        name: {
          ru: 'Психоневрологическое отделение (мужское)',
          kk: 'Психоневрологиялық бөлімше (ерлер)',
          en: 'Psychoneurological department (men)',
        },
        profile: 'psychoneurological',
        sex: 'M',
        age_group: 'adults',
        beds: 50,
        free: 4,
      },
      {
        key: 'kar-women',
        name: {
          ru: 'Психоневрологическое отделение (женское)',
          kk: 'Психоневрологиялық бөлімше (әйелдер)',
          en: 'Psychoneurological department (women)',
        },
        profile: 'psychoneurological',
        sex: 'F',
        age_group: 'adults',
        beds: 45,
        free: 1,
      },
    ],
  },
  {
    org: 'msu-temirtau',
    description: {
      ru: 'Центр социального обслуживания с реабилитационным и детским отделениями: курсы реабилитации, логопед, психолог.',
      kk: 'Оңалту және балалар бөлімшелері бар әлеуметтік қызмет көрсету орталығы: оңалту курстары, логопед, психолог.',
      en: 'A social care centre with rehabilitation and children’s departments: rehabilitation courses, a speech therapist, a psychologist.',
    },
    arrival: {
      ru: 'Для детей — свидетельство о рождении и документ законного представителя.',
      kk: 'Балалар үшін — туу туралы куәлік және заңды өкілдің құжаты.',
      en: 'For children — the birth certificate and the legal representative’s document.',
    },
    email: 'csr@temirtau.example.kz',
    hours: 'пн–сб 8:00–20:00',
    departments: [
      {
        key: 'tem-rehab',
        name: { ru: 'Реабилитационное отделение', kk: 'Оңалту бөлімшесі', en: 'Rehabilitation department' },
        profile: 'rehabilitation',
        sex: 'any',
        age_group: 'adults',
        beds: 25,
        free: 6,
      },
      {
        key: 'tem-children',
        name: { ru: 'Детское отделение', kk: 'Балалар бөлімшесі', en: 'Children’s department' },
        profile: 'rehabilitation',
        sex: 'any',
        age_group: 'children',
        beds: 15,
        free: 2,
      },
    ],
  },
];

export async function seed(knex: Knex): Promise<void> {
  // seeds run inside one transaction: the repositories take it as theirs
  const tx = knex as Knex.Transaction;
  const orders = new OrdersRepository();

  const orgId = async (key: string) => {
    const o = ORGANISATIONS.find((x) => x.key === key)!;
    return ((await tx('organisations').where({ bin: o.bin }).first('id')) as { id: number }).id;
  };
  const person = async (key: string) => {
    const p = PEOPLE.find((x) => x.key === key)!;
    return (await tx('persons').where({ iin: p.iin }).first()) as PersonRow;
  };
  const measureOf = async (personId: number) =>
    (
      (await tx('ipr_measures').where({ person_id: personId, help_type: 'MSU' }).first('id')) as {
        id: number;
      }
    ).id;

  const created = at('2026-09-01T04:00:00Z');
  const inst = new Map<string, { id: number; orgId: number; name: string }>();
  const dept = new Map<string, { id: number; institutionId: number; name: string }>();
  for (const s of INSTITUTIONS) {
    const o = ORGANISATIONS.find((x) => x.key === s.org)!;
    const oid = await orgId(s.org);
    const [row] = (await tx('msu_institutions')
      .insert({
        organisation_id: oid,
        name: o.name,
        description: JSON.stringify(s.description),
        arrival_info: JSON.stringify(s.arrival),
        region: o.address.region,
        locality: o.address.locality,
        address: `${o.address.locality}, ${o.address.street}, ${o.address.house}`,
        phone: o.phone,
        email: s.email,
        working_hours: s.hours,
        created_at: created,
        updated_at: created,
      })
      .returning('id')) as { id: number }[];
    inst.set(s.org, { id: row!.id, orgId: oid, name: o.name });
    for (const d of s.departments) {
      const [drow] = (await tx('msu_departments')
        .insert({
          institution_id: row!.id,
          name: JSON.stringify(d.name),
          profile: d.profile,
          sex: d.sex,
          age_group: d.age_group,
          beds_total: d.beds,
          free: d.free,
          free_confirmed_at: at('2026-11-20T04:00:00Z'),
          created_at: created,
        })
        .returning('id')) as { id: number }[];
      dept.set(d.key, { id: drow!.id, institutionId: row!.id, name: d.name.ru });
      await tx('msu_bed_changes').insert({
        department_id: drow!.id,
        at: created,
        actor_id: null,
        organisation_id: oid,
        source: 'admin',
        old_total: 0,
        new_total: d.beds,
        old_free: 0,
        new_free: d.free,
        offered: 0,
        reason: 'Перенос данных из реестра поставщиков',
      });
    }
  }

  /** An МСУ order with its detail; the status history is replayed with the given times. */
  const newOrder = async (
    who: PersonRow,
    d: { id: number; institutionId: number; name: string },
    status: string,
    when: Date,
    detail: Record<string, unknown>,
  ): Promise<OrderRow> => {
    const i = [...inst.values()].find((x) => x.id === d.institutionId)!;
    const order = await orders.create(tx, {
      kind: 'msu',
      helpType: 'MSU',
      recipientId: who.id,
      createdBy: who.id,
      measureId: await measureOf(who.id),
      organisationId: i.orgId,
      status,
      details: { institutionId: i.id, departmentId: d.id, institution: i.name, department: d.name },
      action: status === 'queued' ? 'queue' : 'enrol',
      at: when,
    });
    await tx('msu_orders').insert({
      order_id: order.id,
      institution_id: i.id,
      department_id: d.id,
      ...detail,
    });
    return order;
  };
  const step = (order: OrderRow, action: MsuAction, when: Date, reason: string | null = null) =>
    orders.transition(tx, order, msuMachine, action, {
      actorId: null,
      principalId: order.recipient_id,
      reason,
      at: when,
    });

  // --- the Astana mercy department: r10 came from its queue; r03, r05, r14 wait ------------------
  const mercy = dept.get('ast-mercy')!;
  const astana = inst.get('msu-astana')!;
  const r10 = await person('r10');
  let o10 = await newOrder(r10, mercy, 'queued', at('2026-10-20T05:30:00Z'), {
    entry: 'queue',
    queue_seq: 1,
    queue_state: 'waiting',
    queued_at: at('2026-10-20T05:30:00Z'),
  });
  const waiting: { key: string; when: string }[] = [
    { key: 'r03', when: '2026-10-22T08:10:00Z' },
    { key: 'r05', when: '2026-10-25T03:45:00Z' },
    { key: 'r14', when: '2026-10-28T10:05:00Z' },
  ];
  const queued: OrderRow[] = [];
  for (const [n, w] of waiting.entries()) {
    const p = await person(w.key);
    queued.push(
      await newOrder(p, mercy, 'queued', at(w.when), {
        entry: 'queue',
        queue_seq: n + 2,
        queue_state: 'waiting',
        queued_at: at(w.when),
      }),
    );
  }
  await tx('msu_departments').where({ id: mercy.id }).update({ queue_seq: 4 });

  // 2 November: a resident was discharged; the place went to r10, first in the queue, who accepted
  const released = at('2026-11-02T04:15:00Z');
  const [rel] = (await tx('msu_releases')
    .insert({
      institution_id: astana.id,
      department_id: mercy.id,
      released_at: released,
      cause: 'discharge',
      offered_order_id: o10.id,
      queue_number: 1,
      priority_ends_at: at('2026-11-03T04:15:00Z'),
      outcome: 'accepted',
      outcome_at: at('2026-11-02T09:40:00Z'),
    })
    .returning('id')) as { id: number }[];
  o10 = await step(o10, 'offer', released);
  o10 = await step(o10, 'accept_offer', at('2026-11-02T09:40:00Z'));
  for (const [n, q] of queued.entries()) {
    await tx('msu_position_changes').insert({
      order_id: q.id,
      at: at('2026-11-02T09:40:00Z'),
      from_position: n + 2,
      to_position: n + 1,
      reason: 'ahead_enrolled',
      cause_order_id: o10.id,
    });
  }
  await tx('msu_referrals').insert({
    order_id: o10.id,
    institution_id: astana.id,
    department_id: mercy.id,
    issued_at: at('2026-11-02T09:40:00Z'),
    recipient_masked: maskedName(r10),
    via: 'queue_offer',
    queue_number: 1,
    queue_position: 1,
    release_id: rel!.id,
  });
  o10 = await step(o10, 'arrive', at('2026-11-04T06:00:00Z'));
  await tx('msu_orders')
    .where({ order_id: o10.id })
    .update({
      queue_state: 'left',
      left_queue_at: at('2026-11-02T09:40:00Z'),
      left_reason: 'enrolled',
      arrival_deadline: '2026-11-05',
      bed_held_at: at('2026-11-02T09:40:00Z'),
      arrived_at: at('2026-11-04T06:00:00Z'),
    });

  // --- released places without a queue ------------------------------------------------------------
  for (const r of [
    { d: 'ast-general', when: '2026-11-15T07:20:00Z', cause: 'discharge' },
    { d: 'kar-men', when: '2026-11-10T05:00:00Z', cause: 'beds_added' },
    { d: 'ala-women', when: '2026-11-18T11:30:00Z', cause: 'discharge' },
  ]) {
    const d = dept.get(r.d)!;
    await tx('msu_releases').insert({
      institution_id: d.institutionId,
      department_id: d.id,
      released_at: at(r.when),
      cause: r.cause,
      outcome: 'free',
      outcome_at: at(r.when),
    });
  }

  // --- Temirtau: a ward enrolled directly; the arrival deadline has passed ---------------------------
  const rehab = dept.get('tem-rehab')!;
  const r16 = await person('r16');
  const g04 = await person('g04');
  const when16 = at('2026-11-18T05:00:00Z');
  const o16 = await newOrder(r16, rehab, 'awaiting_arrival', when16, {
    entry: 'direct',
    arrival_deadline: '2026-11-21',
    bed_held_at: when16,
  });
  await tx('orders').where({ id: o16.id }).update({ created_by: g04.id });
  await tx('order_events').where({ order_id: o16.id }).update({ actor_id: g04.id });
  await tx('msu_referrals').insert({
    order_id: o16.id,
    institution_id: rehab.institutionId,
    department_id: rehab.id,
    issued_at: when16,
    recipient_masked: maskedName(r16),
    via: 'free_bed',
    queue_number: null,
    queue_position: null,
    release_id: null,
  });
}
