import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { NotFoundError } from '../../lib/errors.js';
import { astanaDate } from '../../lib/clock.js';
import type { CatalogueFilter, MsuRepository } from './repository.js';
import { MSU_HELP_TYPE, RECIPIENT_ROLES, startAction, unsuitability } from './rules.js';
import { departmentView, institutionView, type DepartmentView, type InstitutionView } from './view-models.js';

export interface CatalogueDepartment extends DepartmentView {
  /** why the acting recipient cannot be placed here (null: they can, or nobody is logged in) */
  unsuitable: 'sex' | 'age' | null;
  /** the new order the department offers now: a free bed, else the queue */
  start: 'enrol' | 'queue';
}

export interface CatalogueInstitution extends InstitutionView {
  departments: CatalogueDepartment[];
}

/** «Выбрать поставщика» for МСУ: the public catalogue of institutions and their departments. */
export class MsuCatalogueService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: MsuRepository,
  ) {}

  /** Institutions with their departments, filtered; what the acting recipient may do in each. */
  async catalogue(filter: CatalogueFilter, actor: Actor | null) {
    const { db, people } = this.core;
    const institutions = await this.repo.institutions(db, filter);
    const departments = await this.repo.departments(
      db,
      institutions.map((i) => i.id),
      { profile: filter.profile },
    );
    const lengths = await this.repo.queueLengths(
      db,
      departments.map((d) => d.id),
    );
    const isRecipient = Boolean(actor && actor.roles.some((r) => RECIPIENT_ROLES.includes(r)));
    const acting = actor && isRecipient ? await people.findById(db, actor.principalId) : null;
    if (actor && isRecipient && !acting) throw new NotFoundError();
    const now = this.core.clock.now();
    const today = astanaDate(now);
    const views: CatalogueInstitution[] = institutions.map((i) => ({
      ...institutionView(i),
      departments: departments
        .filter((d) => d.institution_id === i.id)
        .map((d) => ({
          ...departmentView(d, lengths.get(d.id) ?? 0),
          unsuitable: acting ? unsuitability(d, acting, today) : null,
          start: startAction(d.free, now),
        })),
    }));
    const options = await this.repo.filterOptions(db);
    const open = acting ? await this.core.orders.openOrder(db, acting.id, MSU_HELP_TYPE) : undefined;
    return {
      institutions: views,
      options,
      openOrder: open ? { id: open.id, number: open.number, status: open.status } : null,
      isRecipient,
    };
  }

  /** A department with its institution and queue length (public facts). */
  async department(id: number) {
    const { db } = this.core;
    const dept = await this.repo.department(db, id);
    if (!dept || !dept.active) throw new NotFoundError();
    const inst = await this.repo.institution(db, dept.institution_id);
    if (!inst || !inst.active || !(await this.repo.organisationActive(db, inst))) throw new NotFoundError();
    return {
      departmentId: dept.id,
      department: dept.name,
      institution: inst.name,
      queueLength: await this.repo.queueLength(db, dept.id),
    };
  }
}
