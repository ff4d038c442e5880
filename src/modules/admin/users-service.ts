import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import type { Actor, Role } from '../../lib/actor.js';
import { audit } from '../audit/audit.js';
import type { PersonRow } from '../people/people-repository.js';
import type { AuthService } from '../auth/auth-service.js';

/** Roles an administrator grants here; recipients and guardians come from the state systems. */
export const GRANTABLE_ROLES = ['admin', 'operator', 'specialist', 'employee'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

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

const PAGE_SIZE = 50;

/** Users and roles: search people, grant and revoke roles; every change is audited. */
export class UsersService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly auth: AuthService,
  ) {}

  /** By surname/name (any part, case-insensitive) or IIN (its start); newest logins first. */
  async search(query: {
    q?: string;
    role?: Role | '';
    page?: number;
  }): Promise<{ rows: PersonListRow[]; total: number; pageSize: number }> {
    const base = this.db('persons as p');
    const q = (query.q ?? '').trim();
    if (/^\d{1,12}$/.test(q)) {
      base.where('p.iin', 'like', `${q}%`);
    } else if (q) {
      for (const word of q.split(/\s+/).slice(0, 3)) {
        const like = `%${word.replace(/[%_\\]/g, '')}%`;
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
    const page = Math.max(1, query.page ?? 1);
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
        this.db.raw(
          `coalesce((select array_agg(distinct r.role order by r.role) from person_roles r where r.person_id = p.id), '{}') as roles`,
        ),
      )
      .orderBy([{ column: 'p.surname' }, { column: 'p.name' }, { column: 'p.id' }])
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE)) as PersonListRow[];
    return { rows, total: Number(count), pageSize: PAGE_SIZE };
  }

  async show(personId: number) {
    const person = (await this.db('persons').where({ id: personId }).first()) as PersonRow | undefined;
    if (!person) throw new NotFoundError();
    const grants = (await this.db('person_roles as r')
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
        this.db.raw(`concat_ws(' ', g.surname, g.name) as granted_by_name`),
      )) as RoleGrant[];
    return { person, grants };
  }

  async organisations(): Promise<{ id: number; name: string; bin: string }[]> {
    return (await this.db('organisations')
      .where({ active: true })
      .orderBy('name')
      .select('id', 'name', 'bin')) as {
      id: number;
      name: string;
      bin: string;
    }[];
  }

  async grant(
    actor: Actor,
    personId: number,
    role: GrantableRole,
    organisationId: number | null,
  ): Promise<void> {
    if (role === 'employee' && !organisationId) throw new AppError('admin:errors.organisationRequired', 400);
    const orgId = role === 'employee' ? organisationId : null;
    await inTransaction(this.db, async (tx) => {
      const person = await tx('persons').where({ id: personId }).first('id');
      if (!person) throw new NotFoundError();
      if (orgId && !(await tx('organisations').where({ id: orgId }).first('id'))) {
        throw new AppError('admin:errors.organisationRequired', 400);
      }
      const inserted = (await tx.raw(
        `insert into person_roles (person_id, role, organisation_id, granted_at, granted_by) values (?, ?, ?, ?, ?)
         on conflict (person_id, role, coalesce(organisation_id, 0)) do nothing returning id`,
        [personId, role, orgId, this.clock.now(), actor.personId],
      )) as { rows: { id: number }[] };
      if (inserted.rows.length === 0) throw new ConflictError('admin:errors.roleExists');
      await audit(tx, {
        actorId: actor.personId,
        action: 'role.granted',
        objectType: 'person',
        objectId: personId,
        organisationId: orgId,
        details: { role, organisationId: orgId },
      });
    });
  }

  /**
   * Revokes one grant. An administrator cannot take away their own administrator role (so that the
   * portal never loses its last one by accident). The person's sessions end, so the change takes effect now.
   */
  async revoke(actor: Actor, personId: number, grantId: number): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const grant = (await tx('person_roles')
        .where({ id: grantId, person_id: personId })
        .forUpdate()
        .first()) as { id: number; role: Role; organisation_id: number | null } | undefined;
      if (!grant) throw new NotFoundError();
      if (!(GRANTABLE_ROLES as readonly string[]).includes(grant.role))
        throw new AppError('admin:errors.roleFromRegistry', 400);
      if (grant.role === 'admin' && personId === actor.personId)
        throw new AppError('admin:errors.ownAdminRole', 400);
      await tx('person_roles').where({ id: grantId }).delete();
      await audit(tx, {
        actorId: actor.personId,
        action: 'role.revoked',
        objectType: 'person',
        objectId: personId,
        organisationId: grant.organisation_id,
        details: { role: grant.role, organisationId: grant.organisation_id },
      });
    });
    await this.auth.logoutEverywhere(personId);
  }
}
