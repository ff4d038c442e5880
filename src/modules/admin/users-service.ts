import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import type { Actor, Role } from '../../lib/actor.js';
import { auditAction } from '../audit/audit.js';
import type { AuthService } from '../auth/auth-service.js';
import type { OrganisationOption, PersonListRow, UsersRepository } from './users-repository.js';

export type { PersonListRow, RoleGrant } from './users-repository.js';

/** Roles an administrator grants here; recipients and guardians come from the state systems. */
export const GRANTABLE_ROLES = ['admin', 'operator', 'specialist', 'employee'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

const PAGE_SIZE = 50;

/** Users and roles: search people, grant and revoke roles; every change is audited. */
export class UsersService {
  constructor(
    private readonly db: Knex,
    private readonly repo: UsersRepository,
    private readonly clock: Clock,
    private readonly auth: AuthService,
  ) {}

  /** By surname/name (any part, case-insensitive) or IIN (its start). */
  async search(query: {
    q?: string;
    role?: Role | '';
    page?: number;
  }): Promise<{ rows: PersonListRow[]; total: number; pageSize: number }> {
    const page = Math.max(1, query.page ?? 1);
    const { rows, total } = await this.repo.search(this.db, {
      q: query.q ?? '',
      ...(query.role ? { role: query.role } : {}),
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    return { rows, total, pageSize: PAGE_SIZE };
  }

  async show(personId: number) {
    const person = await this.repo.person(this.db, personId);
    if (!person) throw new NotFoundError();
    const grants = await this.repo.grants(this.db, personId);
    return { person, grants };
  }

  async organisations(): Promise<OrganisationOption[]> {
    return this.repo.activeOrganisations(this.db);
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
      if (!(await this.repo.personExists(tx, personId))) throw new NotFoundError();
      if (orgId && !(await this.repo.organisationExists(tx, orgId))) {
        throw new AppError('admin:errors.organisationRequired', 400);
      }
      const inserted = await this.repo.insertGrant(tx, {
        personId,
        role,
        organisationId: orgId,
        at: this.clock.now(),
        by: actor.personId,
      });
      if (!inserted) throw new ConflictError('admin:errors.roleExists');
      await auditAction(tx, actor, 'role.granted', ['person', personId], {
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
      const grant = await this.repo.lockGrant(tx, personId, grantId);
      if (!grant) throw new NotFoundError();
      if (!(GRANTABLE_ROLES as readonly string[]).includes(grant.role))
        throw new AppError('admin:errors.roleFromRegistry', 400);
      if (grant.role === 'admin' && personId === actor.personId)
        throw new AppError('admin:errors.ownAdminRole', 400);
      await this.repo.deleteGrant(tx, grantId);
      await auditAction(tx, actor, 'role.revoked', ['person', personId], {
        organisationId: grant.organisation_id,
        details: { role: grant.role, organisationId: grant.organisation_id },
      });
    });
    await this.auth.logoutEverywhere(personId);
  }
}
