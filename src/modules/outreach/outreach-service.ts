import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { inTransaction } from '../../db/knex.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { auditAction } from '../audit/audit.js';
import type { OutreachRepository, UnreachableView } from './repository.js';
import type { ExecutiveInput, NotifiedInput, OutreachQuery } from './schemas.js';

export const OUTREACH_PAGE = 50;
/** The most rows one export holds (a region's list, far above any real month). */
export const OUTREACH_EXPORT_MAX = 20_000;

/**
 * Reaching people without a БМГ phone (rules, item 9). A notice that has no channel is recorded
 * (`recordUnreachable`, called by the notifier in the caller's transaction); employees of the local
 * executive body of the person's region see the list, export it and mark each notice as told (how,
 * when, by whom); the administrator grants the role with its region and sees the counts per region.
 */
export class OutreachService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: OutreachRepository,
  ) {}

  /** The region the employee serves; someone without the role (or whose grant is gone) gets 403. */
  async regionOf(actor: Actor): Promise<string> {
    const region = await this.repo.regionOf(this.core.db, actor.personId);
    if (!region) throw new ForbiddenError();
    return region;
  }

  async list(actor: Actor, q: OutreachQuery) {
    const region = await this.regionOf(actor);
    const page = q.page ?? 1;
    const r = await this.repo.list(this.core.db, region, {
      state: q.state || undefined,
      q: q.q,
      limit: OUTREACH_PAGE,
      offset: (page - 1) * OUTREACH_PAGE,
    });
    return { region, ...r, page, pages: Math.max(1, Math.ceil(r.total / OUTREACH_PAGE)) };
  }

  async exportRows(actor: Actor, q: OutreachQuery) {
    const region = await this.regionOf(actor);
    const r = await this.repo.list(this.core.db, region, {
      state: q.state || undefined,
      q: q.q,
      limit: OUTREACH_EXPORT_MAX,
      offset: 0,
    });
    return { region, rows: r.rows };
  }

  /** One notice of the employee's region; another region's (or an unknown one) answers 404. */
  async show(actor: Actor, id: number): Promise<UnreachableView> {
    const region = await this.regionOf(actor);
    const row = await this.repo.find(this.core.db, id);
    if (!row || row.region !== region) throw new NotFoundError();
    return row;
  }

  /** «Отметить как уведомлённого»: how, a note; when and by whom are recorded. Once only. */
  async markNotified(actor: Actor, id: number, input: NotifiedInput): Promise<void> {
    const region = await this.regionOf(actor);
    await inTransaction(this.core.db, async (tx) => {
      const row = await this.repo.lock(tx, id);
      if (!row || row.region !== region) throw new NotFoundError();
      if (row.notified_at) throw new ConflictError('outreach:errors.alreadyNotified');
      await this.repo.markNotified(tx, id, {
        method: input.method,
        note: input.note,
        by: actor.personId,
        at: this.core.clock.now(),
      });
      await auditAction(tx, actor, 'outreach.notified', ['unreachable-notice', id], {
        principalId: row.person_id,
        details: { method: input.method, region },
      });
    });
  }

  // ------------------------------------------------------------ the administrator

  async countsByRegion() {
    const rows = await this.repo.countsByRegion(this.core.db);
    const total = rows.reduce(
      (s, r) => ({ total: s.total + r.total, open: s.open + r.open, notified: s.notified + r.notified }),
      { total: 0, open: 0, notified: 0 },
    );
    return { rows, total };
  }

  async executives() {
    return this.repo.executives(this.core.db);
  }

  /** Grants `local_executive` for a region to a person the portal knows (by IIN). */
  async grant(actor: Actor, input: ExecutiveInput): Promise<void> {
    await inTransaction(this.core.db, async (tx) => {
      const personId = await this.repo.personIdByIin(tx, input.iin);
      if (!personId) throw new ValidationError({ iin: 'outreach:errors.personNotFound' });
      await this.repo.grant(tx, personId, input.region, actor.personId, this.core.clock.now());
      await auditAction(tx, actor, 'role.granted', ['person', personId], {
        details: { role: 'local_executive', region: input.region },
      });
    });
  }

  /** Takes the role away; the person's sessions end, so it takes effect now. */
  async revoke(actor: Actor, personId: number): Promise<void> {
    await inTransaction(this.core.db, async (tx) => {
      if (!(await this.repo.revoke(tx, personId))) throw new NotFoundError();
      await auditAction(tx, actor, 'role.revoked', ['person', personId], {
        details: { role: 'local_executive' },
      });
    });
    await this.core.auth.logoutEverywhere(personId);
  }
}
