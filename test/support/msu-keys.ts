/**
 * A synthetic population for the МСУ rush tests and the bench: recipients that exist only in the test
 * database, each with an MSU measure and real certificates issued by the dev-stand CA with their own
 * IIN (AUTH and SIGN), so every signature is a real, fully verified one. All certificates share one RSA
 * key pair (generating thousands of RSA keys would only measure key generation), which the trust rules
 * do not care about: chain, validity, key usage and the IIN are checked per certificate.
 */
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { type SignKeyMaterial } from '../../src/eds/index.js';
import { issueCertificate, loadDevCa } from '../../src/devstand/pki.js';
import { generateRsaKey } from '../../src/devstand/pki.js';
import { makeIin } from '../../src/lib/iin.js';
import type { Services } from '../../src/modules/index.js';

export interface SyntheticPerson {
  id: number;
  iin: string;
  surname: string;
  name: string;
  patronymic: string;
  birthDate: string;
  sign: SignKeyMaterial;
  auth: SignKeyMaterial;
  /** for a registry adapter that knows these people (the bench logs them in for real) */
  registry: {
    iin: string;
    surname: string;
    name: string;
    patronymic: string;
    birthDate: string;
    sex: 'M' | 'F';
    address: { region: string; locality: string; street: string; house: string };
    idDocument: { type: string; number: string; issuedBy: string; issuedOn: string; validUntil: string };
    bankDetails: { bank: string; bic: string; iban: string };
    medicalOrg: { name: string; address: string; attachedOn: string };
  };
}

const SURNAMES = [
  'АЙТБАЕВ',
  'БЕЛОВ',
  'ГАББАСОВ',
  'ДОСАНОВ',
  'ЕРМЕКОВ',
  'ЖУМАБЕКОВ',
  'ЗАЙЦЕВ',
  'ИСАЕВ',
  'КАИРОВ',
  'ЛАПИН',
];
const NAMES = ['АРМАН', 'БОЛАТ', 'ВИКТОР', 'ГАНИ', 'ДАНИЯР', 'ЕРБОЛ', 'ЖАНИБЕК', 'ИЛЬЯС', 'КАНАТ', 'ЛЕОНИД'];

/**
 * Creates `n` recipients (male adults, born 1950–1952) in the database with an open MSU measure and
 * the recipient role, and issues their certificates. `tag` keeps several populations apart.
 */
export async function createSyntheticRecipients(
  db: Knex,
  dataDir: string,
  n: number,
  opts: { tag?: string; serialBase?: number } = {},
): Promise<SyntheticPerson[]> {
  const ca = loadDevCa(dataDir);
  const key = await generateRsaKey(2048);
  const tag = opts.tag ?? 'rush';
  const existing = new Set(((await db('persons').select('iin')) as { iin: string }[]).map((r) => r.iin));
  const people: Omit<SyntheticPerson, 'id'>[] = [];
  let serial = opts.serialBase ?? 7000;
  for (let i = 0; i < n; i++) {
    const birthDate = DateTime.fromISO('1950-01-01')
      .plus({ days: i % 900 })
      .toISODate()!;
    let iin = makeIin(birthDate, 'M', serial);
    while (existing.has(iin)) iin = makeIin(birthDate, 'M', ++serial);
    existing.add(iin);
    serial++;
    const surname = SURNAMES[i % SURNAMES.length]!;
    const name = NAMES[Math.floor(i / SURNAMES.length) % NAMES.length]!;
    const patronymic = 'ТЕСТОВИЧ';
    const subject = { cn: `${surname} ${name}`, surname, iin, patronymic };
    const [sign, auth] = await Promise.all([
      issueCertificate({ issuer: ca, subject, keyType: 'SIGN', key }),
      issueCertificate({ issuer: ca, subject, keyType: 'AUTH', key }),
    ]);
    const address = {
      region: 'г. Астана',
      locality: 'г. Астана',
      street: 'ул. Тестовая',
      house: String(1 + (i % 200)),
    };
    people.push({
      iin,
      surname,
      name,
      patronymic,
      birthDate,
      sign: { privateKeyPem: key.privateKey, certPem: sign.certPem },
      auth: { privateKeyPem: key.privateKey, certPem: auth.certPem },
      registry: {
        iin,
        surname,
        name,
        patronymic,
        birthDate,
        sex: 'M',
        address,
        idDocument: {
          type: 'Удостоверение личности',
          number: String(50_000_000 + i),
          issuedBy: 'МВД РК',
          issuedOn: '2019-03-15',
          validUntil: '2029-03-14',
        },
        bankDetails: {
          bank: 'АО «Народный Банк Казахстана»',
          bic: 'HSBKKZKX',
          iban: `KZ00601A${String(i).padStart(12, '0')}`,
        },
        medicalOrg: { name: 'Городская поликлиника № 1', address: 'г. Астана', attachedOn: '2021-01-10' },
      },
    });
  }

  const ids: number[] = [];
  for (let off = 0; off < people.length; off += 500) {
    const chunk = people.slice(off, off + 500);
    const rows = (await db('persons')
      .insert(
        chunk.map((p) => ({
          iin: p.iin,
          surname: p.surname,
          name: p.name,
          patronymic: p.patronymic,
          birth_date: p.birthDate,
          sex: 'M',
          address: JSON.stringify(p.registry.address),
          region: p.registry.address.region,
          locality: p.registry.address.locality,
          welcomed_at: db.fn.now(),
          account_created_at: db.fn.now(),
        })),
      )
      .returning('id')) as { id: number }[];
    ids.push(...rows.map((r) => r.id));
  }
  for (let off = 0; off < ids.length; off += 500) {
    const chunk = ids.slice(off, off + 500);
    await db('person_roles').insert(chunk.map((id) => ({ person_id: id, role: 'recipient' })));
    const iprs = (await db('iprs')
      .insert(
        chunk.map((id) => ({
          external_id: `${tag}-IPR-${id}`,
          person_id: id,
          developed_on: '2026-09-01',
          valid_until: '2027-08-31',
        })),
      )
      .returning(['id', 'person_id'])) as { id: number; person_id: number }[];
    await db('ipr_measures').insert(
      iprs.map((r) => ({
        external_id: `${tag}-M-${r.person_id}`,
        ipr_id: r.id,
        person_id: r.person_id,
        help_type: 'MSU',
        volume: 365,
        deadline: '2027-08-31',
        status: 'open',
      })),
    );
  }
  return people.map((p, i) => ({ ...p, id: ids[i]! }));
}

/** A general department for everybody (any sex, any age) with `beds` free beds, added as the administrator. */
export function addOpenDepartment(
  services: Services,
  institutionId: number,
  nameRu: string,
  beds: number,
): Promise<number> {
  return services.msu.admin.addDepartment({ personId: 1, principalId: 1, roles: ['admin'] }, institutionId, {
    name: { ru: nameRu },
    profile: 'general',
    sex: 'any',
    age_group: 'any',
    beds_total: beds,
    active: true,
    reason: 'test',
  });
}
