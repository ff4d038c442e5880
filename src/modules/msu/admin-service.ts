import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import { audit } from '../audit/audit.js';
import { LOCALES } from '../../lib/i18n.js';
import type { DepartmentRow, InstitutionRow, MsuRepository } from './repository.js';
import type { MsuEngine } from './engine.js';
import { cleanReason, type AgeGroup, type DepartmentSex, type Profile, type Texts } from './rules.js';
import type { DepartmentForm, InstitutionForm } from './schemas.js';
import { bedChangeView, departmentView, institutionView } from './view-models.js';

/** What an administrator edits of an institution: every column but the keys and timestamps. */
export type InstitutionInput = Omit<InstitutionRow, 'id' | 'organisation_id' | 'created_at' | 'updated_at'>;

export interface DepartmentInput {
  name: Texts;
  profile: Profile;
  sex: DepartmentSex;
  age_group: AgeGroup;
  beds_total: number;
  active: boolean;
  reason: string;
}

/** A text in three languages as the form's fields `<prefix>_ru`, `_kk`, `_en`. */
function textFields(prefix: string, t: Texts): Record<string, string> {
  return Object.fromEntries(LOCALES.map((l) => [`${prefix}_${l}`, t[l] ?? '']));
}

/** The form's fields `<prefix>_ru`, `_kk`, `_en` as a text in three languages. */
function textsOf(form: object, prefix: string): Texts {
  const f = form as Record<string, unknown>;
  return Object.fromEntries(LOCALES.map((l) => [l, String(f[`${prefix}_${l}`] ?? '')])) as Texts;
}

/** The institution form's fields as the stored card fills them. */
function institutionValues(i: InstitutionRow): Record<string, string> {
  return {
    name: i.name,
    ...textFields('description', i.description),
    ...textFields('arrival', i.arrival_info),
    region: i.region,
    locality: i.locality,
    address: i.address,
    phone: i.phone ?? '',
    email: i.email ?? '',
    working_hours: i.working_hours,
    active: i.active ? 'yes' : 'no',
  };
}

export function institutionInput(f: InstitutionForm): InstitutionInput {
  return {
    name: f.name,
    description: textsOf(f, 'description'),
    arrival_info: textsOf(f, 'arrival'),
    region: f.region,
    locality: f.locality,
    address: f.address,
    phone: f.phone || null,
    email: f.email || null,
    working_hours: f.working_hours,
    active: f.active !== 'no',
  };
}

/** The department form's fields as the stored department fills them. */
function departmentValues(d: DepartmentRow): Record<string, string> {
  return {
    ...textFields('name', d.name),
    profile: d.profile,
    sex: d.sex,
    age_group: d.age_group,
    beds_total: String(d.beds_total),
    active: d.active ? 'yes' : 'no',
    reason: '',
  };
}

/** A new department's form. */
export const NEW_DEPARTMENT_VALUES: Record<string, string> = {
  profile: 'general',
  sex: 'any',
  age_group: 'adults',
  beds_total: '0',
  active: 'yes',
};

export function departmentInput(f: DepartmentForm): DepartmentInput {
  return {
    name: textsOf(f, 'name'),
    profile: f.profile,
    sex: f.sex,
    age_group: f.age_group,
    beds_total: f.beds_total,
    active: f.active !== 'no',
    reason: f.reason,
  };
}

const isAdmin = (actor: Actor) => actor.roles.includes('admin');

/** The МСУ registry for administrators (and an МСУ's own card for its employees): institutions, their descriptions and contacts, departments and beds. */
export class MsuAdminService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: MsuRepository,
    private readonly engine: MsuEngine,
  ) {}

  private audit(
    tx: Knex.Transaction,
    actor: Actor,
    action: string,
    objectType: 'msu_institution' | 'msu_department',
    objectId: number,
    details?: Record<string, unknown>,
  ) {
    return audit(tx, {
      actorId: actor.personId,
      action,
      objectType,
      objectId,
      ...(details ? { details } : {}),
    });
  }

  async list() {
    const { db } = this.core;
    const institutions = await this.repo.institutions(db, { includeInactive: true });
    const departments = await this.repo.departments(
      db,
      institutions.map((i) => i.id),
      { includeInactive: true },
    );
    const lengths = await this.repo.queueLengths(
      db,
      departments.map((d) => d.id),
    );
    const unregistered = await this.repo.unregisteredOrganisations(db);
    return {
      institutions: institutions.map((i) => {
        const ds = departments.filter((d) => d.institution_id === i.id);
        return {
          id: i.id,
          name: i.name,
          address: `${i.region}, ${i.address}`,
          active: i.active,
          departmentCount: ds.length,
          beds: ds.reduce((s, d) => s + d.beds_total, 0),
          free: ds.reduce((s, d) => s + d.free, 0),
          queue: ds.reduce((s, d) => s + (lengths.get(d.id) ?? 0), 0),
        };
      }),
      unregistered,
    };
  }

  /**
   * The institution an actor may edit: the administrator any; an МСУ employee only the institution of
   * their own organisation (another's answers 404, as if it did not exist).
   */
  private async editable(actor: Actor, id: number): Promise<InstitutionRow> {
    const inst = await this.repo.institution(this.core.db, id);
    if (!inst) throw new NotFoundError();
    if (isAdmin(actor)) return inst;
    if (actor.organisationId !== undefined && inst.organisation_id === actor.organisationId) return inst;
    throw new NotFoundError();
  }

  /** The institution of an МСУ employee's organisation (its own card), or 404. */
  async ownInstitutionId(actor: Actor): Promise<number> {
    if (!actor.organisationId) throw new NotFoundError();
    const inst = await this.repo.institutionByOrganisation(this.core.db, actor.organisationId);
    if (!inst) throw new NotFoundError();
    return inst.id;
  }

  async institution(actor: Actor, id: number) {
    const { db } = this.core;
    const inst = await this.editable(actor, id);
    const departments = await this.repo.departments(db, [inst.id], { includeInactive: true });
    const history = await this.repo.bedChanges(
      db,
      departments.map((d) => d.id),
      20,
    );
    return {
      inst: institutionView(inst),
      departments: departments.map((d) => departmentView(d)),
      history: history.map(bedChangeView),
      values: institutionValues(inst),
    };
  }

  async department(actor: Actor, id: number) {
    const dept = await this.repo.department(this.core.db, id);
    if (!dept) throw new NotFoundError();
    const inst = await this.editable(actor, dept.institution_id);
    return {
      dept: departmentView(dept),
      inst: { id: inst.id, name: inst.name },
      values: departmentValues(dept),
    };
  }

  /** An organisation with the direction «special social services» gets its institution card. */
  async register(actor: Actor, organisationId: number): Promise<number> {
    const { db, people, clock } = this.core;
    const org = await people.organisationById(db, organisationId);
    if (!org || !org.directions.includes('special_social_services')) throw new NotFoundError();
    if (await this.repo.institutionByOrganisation(db, org.id))
      throw new AppError('msu:errors.alreadyRegistered', 409);
    return inTransaction(db, async (tx) => {
      const address = [org.address.locality, org.address.street, org.address.house]
        .filter(Boolean)
        .join(', ');
      const id = await this.repo.insertInstitution(
        tx,
        {
          organisation_id: org.id,
          name: org.name,
          description: {},
          arrival_info: {},
          region: org.region,
          locality: org.locality,
          address,
          phone: org.phone,
          email: null,
          working_hours: '',
        },
        clock.now(),
      );
      await this.audit(tx, actor, 'msu.institution_registered', 'msu_institution', id);
      return id;
    });
  }

  async updateInstitution(actor: Actor, id: number, input: InstitutionInput): Promise<void> {
    const { db, clock } = this.core;
    const inst = await this.editable(actor, id);
    // an institution does not switch itself off: only the administrator does
    const change = isAdmin(actor) ? input : { ...input, active: inst.active };
    await inTransaction(db, async (tx) => {
      await this.repo.updateInstitution(tx, id, change, clock.now());
      await this.audit(tx, actor, 'msu.institution_updated', 'msu_institution', id, {
        fields: Object.keys(input),
      });
    });
  }

  async addDepartment(actor: Actor, institutionId: number, form: DepartmentInput): Promise<number> {
    const { db, clock } = this.core;
    const inst = await this.editable(actor, institutionId);
    // an МСУ opens a department without beds and sets them on the signed bed-count page
    const admin = isAdmin(actor);
    const input = admin ? form : { ...form, beds_total: 0 };
    return inTransaction(db, async (tx) => {
      const now = clock.now();
      const id = await this.repo.insertDepartment(
        tx,
        {
          institution_id: inst.id,
          name: input.name,
          profile: input.profile,
          sex: input.sex,
          age_group: input.age_group,
          beds_total: input.beds_total,
          free: input.beds_total,
        },
        now,
      );
      await this.repo.insertBedChange(tx, {
        department_id: id,
        at: now,
        actor_id: actor.personId,
        organisation_id: admin ? null : inst.organisation_id,
        source: admin ? 'admin' : 'institution',
        old_total: 0,
        new_total: input.beds_total,
        old_free: 0,
        new_free: input.beds_total,
        offered: 0,
        reason: cleanReason(input.reason) || 'Новое отделение',
        signed_document_id: null,
      });
      await this.audit(tx, actor, 'msu.department_added', 'msu_department', id);
      return id;
    });
  }

  async updateDepartment(actor: Actor, id: number, form: DepartmentInput): Promise<{ offered: number }> {
    const { db } = this.core;
    const dept = await this.repo.department(db, id);
    if (!dept) throw new NotFoundError();
    await this.editable(actor, dept.institution_id);
    // an МСУ changes its beds on the signed bed-count page, never through this form
    const input = isAdmin(actor) ? form : { ...form, beds_total: dept.beds_total };
    if (input.beds_total !== dept.beds_total && cleanReason(input.reason).length < 3)
      throw new ValidationError({ reason: 'msu:errors.reasonRequired' });
    return inTransaction(db, async (tx) => {
      await this.repo.updateDepartmentDescription(tx, id, {
        name: input.name,
        profile: input.profile,
        sex: input.sex,
        age_group: input.age_group,
        active: input.active,
      });
      await this.audit(tx, actor, 'msu.department_updated', 'msu_department', id);
      if (input.beds_total === dept.beds_total) return { offered: 0 };
      return this.engine.setBedTotal(tx, id, input.beds_total, cleanReason(input.reason), {
        source: 'admin',
        actorId: actor.personId,
        organisationId: null,
        signedDocumentId: null,
      });
    });
  }
}
