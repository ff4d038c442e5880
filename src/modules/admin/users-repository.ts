import type { Knex } from 'knex';
import type { Role } from '../../lib/actor.js';
import type { PersonRow } from '../people/people-repository.js';
import { likePattern } from './search.js';

type Db = Knex | Knex.Transaction;

export interface RoleGrant {
  id: number;
  role: Role;
  organisation_id: number | null;
  organisation_name: string | null;
  granted_at: Date;
  granted_by_name: string | null;
}

export interface PersonListRow {
  id: number;
  iin: string;
  surname: string;
  name: string;
  patronymic: string | null;
  region: string;
  roles: Role[];
  last_login_at: Date | null;
}

export interface OrganisationOption {
  id: number;
  name: string;
  bin: string;
}

/** People and the roles granted to them (the administrator's registry of users). */
export class UsersRepository {
  /** By surname/name (any part, case-insensitive) or IIN (its start); by name. */
  async search(
    db: Db,
    query: { q: string; role?: Role | ''; limit: number; offset: number },
  ): Promise<{ rows: PersonListRow[]; total: number }> {
    const base = db('persons as p');
    const q = query.q.trim();
    if (/^\d{1,12}$/.test(q)) {
      base.where('p.iin', 'like', `${q}%`);
    } else if (q) {
      for (const word of q.split(/\s+/).slice(0, 3)) {
        const like = likePattern(word);
        base.where((w) =>
          w.whereILike('p.surname', like).orWhereILike('p.name', like).orWhereILike('p.patronymic', like),
        );
      }
    }
    if (query.role)
      base.whereExists((s) =>
        s.select(1).from('person_roles as r').whereRaw('r.person_id = p.id').andWhere('r.role', query.role),
      );
    const [{ count }] = (await base.clone().count<{ count: number }[]>('* as count')) as [{ count: number }];
    const rows = (await base
      .clone()
      .select(
        'p.id',
        'p.iin',
        'p.surname',
        'p.name',
        'p.patronymic',
        'p.region',
        'p.last_login_at',
        db.raw(
          `coalesce((select array_agg(distinct r.role order by r.role) from person_roles r where r.person_id = p.id), '{}') as roles`,
        ),
      )
      .orderBy([{ column: 'p.surname' }, { column: 'p.name' }, { column: 'p.id' }])
      .limit(query.limit)
      .offset(query.offset)) as PersonListRow[];
    return { rows, total: Number(count) };
  }

  async person(db: Db, id: number): Promise<PersonRow | undefined> {
    return (await db('persons').where({ id }).first()) as PersonRow | undefined;
  }

  async personExists(db: Db, id: number): Promise<boolean> {
    return Boolean(await db('persons').where({ id }).first('id'));
  }

  async organisationExists(db: Db, id: number): Promise<boolean> {
    return Boolean(await db('organisations').where({ id }).first('id'));
  }

  async grants(db: Db, personId: number): Promise<RoleGrant[]> {
    return (await db('person_roles as r')
      .leftJoin('organisations as o', 'o.id', 'r.organisation_id')
      .leftJoin('persons as g', 'g.id', 'r.granted_by')
      .where('r.person_id', personId)
      .orderBy(['r.role', 'r.id'])
      .select(
        'r.id',
        'r.role',
        'r.organisation_id',
        'r.granted_at',
        'o.name as organisation_name',
        db.raw(`concat_ws(' ', g.surname, g.name) as granted_by_name`),
      )) as RoleGrant[];
  }

  async activeOrganisations(db: Db): Promise<OrganisationOption[]> {
    return (await db('organisations')
      .where({ active: true })
      .orderBy('name')
      .select('id', 'name', 'bin')) as OrganisationOption[];
  }

  /** Grants a role; false when the person already has it (for this organisation). */
  async insertGrant(
    tx: Knex.Transaction,
    g: { personId: number; role: Role; organisationId: number | null; at: Date; by: number },
  ): Promise<boolean> {
    const inserted = (await tx.raw(
      `insert into person_roles (person_id, role, organisation_id, granted_at, granted_by) values (?, ?, ?, ?, ?)
       on conflict (person_id, role, coalesce(organisation_id, 0)) do nothing returning id`,
      [g.personId, g.role, g.organisationId, g.at, g.by],
    )) as { rows: { id: number }[] };
    return inserted.rows.length > 0;
  }

  async lockGrant(
    tx: Knex.Transaction,
    personId: number,
    grantId: number,
  ): Promise<{ id: number; role: Role; organisation_id: number | null } | undefined> {
    return (await tx('person_roles').where({ id: grantId, person_id: personId }).forUpdate().first()) as
      { id: number; role: Role; organisation_id: number | null } | undefined;
  }

  async deleteGrant(tx: Knex.Transaction, grantId: number): Promise<void> {
    await tx('person_roles').where({ id: grantId }).delete();
  }
}
