import type { Knex } from 'knex';
import { ORGANISATIONS, PEOPLE } from '../src/devstand/people.js';
import { astanaDate } from '../src/lib/clock.js';
import { contractNumber, type ContractStatus } from '../src/modules/contracts/rules.js';

/**
 * Special social services by contract (docs/contracts.md): an ИППСУ for the demo recipients who are
 * recommended special social services, and for ssu-r1 one contract at each status. The seeded
 * contracts carry no signed documents (a seed has no keys); walking a request through the stand
 * makes real ones.
 */
const NAMES = {
  SSU_HOME: {
    form: 'home',
    name: {
      ru: 'Социально-бытовые услуги по уходу на дому',
      kk: 'Үйде күтім бойынша әлеуметтік-тұрмыстық қызметтер',
      en: 'Social and household care at home',
    },
  },
  SSU_DAY: {
    form: 'semi_stationary',
    name: {
      ru: 'Дневное пребывание в отделении полустационарного обслуживания',
      kk: 'Жартылай стационарлық қызмет көрсету бөлімшесінде күндізгі болу',
      en: 'Day care in a semi-stationary unit',
    },
  },
  SSU_TEMP: {
    form: 'stationary',
    name: {
      ru: 'Временное пребывание в стационарном отделении',
      kk: 'Стационарлық бөлімшеде уақытша болу',
      en: 'Temporary stay in a residential unit',
    },
  },
} as const;

const HOME_PROVIDERS = ['ssu-home-north', 'sup-care'];
const DAY_PROVIDERS = ['ssu-day-karaganda', 'msu-karaganda'];

function plusDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export async function seed(knex: Knex): Promise<void> {
  const today = astanaDate(new Date());
  const from = plusDays(today, -30);
  const until = plusDays(today, 335);
  const orgId = async (key: string) => {
    const o = ORGANISATIONS.find((x) => x.key === key)!;
    return ((await knex('organisations').where({ bin: o.bin }).first('id')) as { id: number }).id;
  };
  const personId = async (key: string) => {
    const p = PEOPLE.find((x) => x.key === key)!;
    return ((await knex('persons').where({ iin: p.iin }).first('id')) as { id: number }).id;
  };

  const programmes = new Map<string, { id: number; services: Map<string, number> }>();
  for (const p of PEOPLE.filter((x) => x.key.startsWith('ssu-r') || ['r21', 'r22'].includes(x.key))) {
    const codes = p.measures.filter((m): m is keyof typeof NAMES => m in NAMES);
    if (codes.length === 0) continue;
    const [programme] = (await knex('ssu_programmes')
      .insert({
        external_id: `DEMO-IPPSU-${p.key}`,
        person_id: await personId(p.key),
        category: p.category ?? 'disability',
        number: `ИППСУ-${p.key.toUpperCase()}-2026`,
        developed_on: from,
        valid_until: until,
      })
      .returning('id')) as { id: number }[];
    const services = new Map<string, number>();
    for (const [sort, code] of codes.entries()) {
      const [row] = (await knex('ssu_programme_services')
        .insert({
          programme_id: programme!.id,
          external_id: `DEMO-IPPSU-${p.key}-${code}`,
          code,
          name: JSON.stringify(NAMES[code].name),
          form: NAMES[code].form,
          volume: code === 'SSU_HOME' ? 120 : 60,
          period_from: from,
          period_to: until,
          sort,
        })
        .returning('id')) as { id: number }[];
      services.set(code, row!.id);
    }
    const providers =
      p.address.region === ORGANISATIONS.find((o) => o.key === 'ssu-home-north')!.address.region
        ? HOME_PROVIDERS
        : DAY_PROVIDERS;
    for (const [sort, key] of providers.entries())
      await knex('ssu_programme_providers').insert({
        programme_id: programme!.id,
        organisation_id: await orgId(key),
        sort,
      });
    programmes.set(p.key, { id: programme!.id, services });
  }

  // ssu-r1: one contract at each status, each with a different provider so the open ones do not collide
  const r1 = programmes.get('ssu-r1')!;
  const person = await personId('ssu-r1');
  const employee = await personId('ssu-e1');
  const home = r1.services.get('SSU_HOME')!;
  const statuses: { status: ContractStatus; provider: string; reason?: string }[] = [
    { status: 'active', provider: 'ssu-home-north' },
    { status: 'requested', provider: 'sup-care' },
    { status: 'provider_signed', provider: 'msu-astana' },
    { status: 'declined', provider: 'msu-almaty', reason: 'Нет свободных специалистов по уходу на дому' },
    { status: 'expired', provider: 'ssu-home-north' },
    { status: 'terminated_by_recipient', provider: 'ssu-home-north', reason: 'Переезд к родственникам' },
    {
      status: 'terminated_by_provider',
      provider: 'ssu-home-north',
      reason: 'Прекращение деятельности в районе',
    },
  ];
  for (const [i, c] of statuses.entries()) {
    const signed = !['requested', 'declined'].includes(c.status);
    const at = new Date(Date.now() - (statuses.length - i) * 86_400_000);
    const validFrom = c.status === 'expired' ? plusDays(today, -60) : plusDays(today, -20);
    const validTo = c.status === 'expired' ? plusDays(today, -1) : plusDays(today, 160);
    const [row] = (await knex('ssu_contracts')
      .insert({
        programme_id: r1.id,
        person_id: person,
        organisation_id: await orgId(c.provider),
        requested_by: person,
        requested_at: at,
        status: c.status,
        is_open: ['requested', 'provider_signed', 'active'].includes(c.status),
        valid_from: signed ? validFrom : null,
        valid_to: signed ? validTo : null,
        reason: c.reason ?? null,
        status_changed_at: at,
      })
      .returning('id')) as { id: number }[];
    const id = row!.id;
    if (signed)
      await knex('ssu_contracts')
        .where({ id })
        .update({ number: contractNumber(id, 2026) });
    const volume = c.status === 'active' ? 60 : 10;
    const [cs] = (await knex('ssu_contract_services')
      .insert({ contract_id: id, programme_service_id: home, volume })
      .returning('id')) as { id: number }[];
    await knex('ssu_contract_events').insert({
      contract_id: id,
      at,
      actor_id: person,
      principal_id: person,
      action: 'request',
      from_status: null,
      to_status: 'requested',
    });
    if (c.status !== 'requested')
      await knex('ssu_contract_events').insert({
        contract_id: id,
        at,
        actor_id: c.status === 'expired' ? null : employee,
        action: c.status === 'declined' ? 'decline' : c.status === 'expired' ? 'expire' : 'provider_sign',
        from_status: 'requested',
        to_status: c.status,
        reason: c.reason ?? null,
      });
    if (c.status === 'active') {
      // services rendered (the trigger counts them) and an act awaiting the person's signature
      const records: number[] = [];
      for (const d of [-10, -9, -8]) {
        const [r] = (await knex('ssu_service_records')
          .insert({
            contract_id: id,
            contract_service_id: cs!.id,
            rendered_on: plusDays(today, d),
            quantity: 2,
            recorded_by: employee,
            recorded_at: at,
          })
          .returning('id')) as { id: number }[];
        records.push(r!.id);
      }
      await knex('ssu_acts').insert({
        contract_id: id,
        status: 'formed',
        items: JSON.stringify([
          { serviceId: cs!.id, code: 'SSU_HOME', name: NAMES.SSU_HOME.name, quantity: 6, recordIds: records },
        ]),
        formed_by: employee,
        formed_at: new Date(),
      });
    }
  }
}
