import type { Knex } from 'knex';
import type { Config } from '../config.js';
import { httpESobes } from '../integrations/http.js';
import { isValidS10 } from '../integrations/kazpost.js';
import type { Integrations, RegistryPerson } from '../integrations/ports.js';
import { ORGANISATIONS, PEOPLE } from './people.js';

export function devRegistryPerson(iin: string): RegistryPerson | null {
  const p = PEOPLE.find((x) => x.iin === iin);
  if (!p) return null;
  const n = Number(iin.slice(6, 11));
  return {
    iin: p.iin,
    surname: p.surname,
    name: p.name,
    ...(p.patronymic ? { patronymic: p.patronymic } : {}),
    birthDate: p.birthDate,
    sex: p.sex,
    address: p.address,
    idDocument: {
      type: 'Удостоверение личности',
      number: String(40_000_000 + n).padStart(9, '0'),
      issuedBy: 'МВД РК',
      issuedOn: '2019-03-15',
      validUntil: '2029-03-14',
    },
    bankDetails: {
      bank: 'АО «Народный Банк Казахстана»',
      bic: 'HSBKKZKX',
      iban: `KZ${String(10 + (n % 89)).padStart(2, '0')}601A${String(n).padStart(12, '0')}`,
    },
    medicalOrg: {
      name: `Городская поликлиника № ${1 + (n % 12)}`,
      address: `${p.address.locality}, ${p.address.street}`,
      attachedOn: '2021-01-10',
    },
  };
}

/** The dev stand's adapters: registries answer from the demo people; messages land in dev_* tables. */
export function devIntegrations(db: Knex): Integrations {
  return {
    personRegistry: { findByIin: async (iin) => devRegistryPerson(iin) },
    organisationRegistry: {
      findByBin: async (bin) => {
        const o = ORGANISATIONS.find((x) => x.bin === bin);
        return o
          ? { bin: o.bin, name: o.name, head: o.head, address: o.address, activityCode: o.activityCode }
          : null;
      },
    },
    mobileBase: { phoneByIin: async (iin) => PEOPLE.find((p) => p.iin === iin)?.phone ?? null },
    sms: {
      send: async ({ phone, text, idempotencyKey }) => {
        await db('dev_sms')
          .insert({ phone, text, idempotency_key: idempotencyKey })
          .onConflict('idempotency_key')
          .ignore();
      },
    },
    email: {
      send: async ({ to, subject, text, idempotencyKey }) => {
        await db('dev_email')
          .insert({ to, subject, text, idempotency_key: idempotencyKey })
          .onConflict('idempotency_key')
          .ignore();
      },
    },
    esobes: {
      deliver: async ({ topic, idempotencyKey, payload }) => {
        await db('dev_esobes_inbox')
          .insert({ topic, idempotency_key: idempotencyKey, payload: JSON.stringify(payload) })
          .onConflict('idempotency_key')
          .ignore();
      },
    },
    kazpost: {
      trackingUrl: (track) => `https://post.kz/mail/search/track/${encodeURIComponent(track)}`,
      isValidTrackNumber: isValidS10,
    },
  };
}

/** The dev adapters; Е-Собес over HTTP when ESOBES_URL names a test stand of it. */
export function devStandIntegrations(config: Config, db: Knex): Integrations {
  const dev = devIntegrations(db);
  return config.ESOBES_URL ? { ...dev, esobes: httpESobes(config.ESOBES_URL, config.ESOBES_API_TOKEN) } : dev;
}
