import type { CoreServices } from '../index.js';
import type { MsuRepository, OpenDataFilter } from './repository.js';
import { astanaDayRange, type Texts } from './rules.js';
import { maskedName } from '../people/names.js';

export const OPEN_DATA_PAGE = 50;
/** downloads are bounded: a filter narrows a larger set */
export const OPEN_DATA_EXPORT_LIMIT = 50_000;

export interface OpenDataQuery {
  institutionId?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page?: number | undefined;
}

/**
 * The public open data of seed 004's model: the protocol of released places (with the end of each
 * priority window and its outcome), the log of issued referrals (initials only), the queue check.
 * Nothing here identifies a person beyond masked initials.
 */
export class MsuOpenDataService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: MsuRepository,
  ) {}

  private filter(q: OpenDataQuery, all: boolean): OpenDataFilter {
    const range = astanaDayRange(q.from, q.to);
    const page = Math.max(1, q.page ?? 1);
    return {
      institutionId: q.institutionId,
      from: range.from,
      to: range.to,
      limit: all ? OPEN_DATA_EXPORT_LIMIT : OPEN_DATA_PAGE,
      offset: all ? 0 : (page - 1) * OPEN_DATA_PAGE,
    };
  }

  async institutions(): Promise<{ id: number; name: string }[]> {
    const rows = await this.repo.institutions(this.core.db, { includeInactive: true });
    return rows.map((r) => ({ id: r.id, name: r.name })).sort((a, b) => a.name.localeCompare(b.name, 'ru'));
  }

  async releases(q: OpenDataQuery, opts: { all?: boolean } = {}) {
    const r = await this.repo.releases(this.core.db, this.filter(q, Boolean(opts.all)));
    return {
      total: r.total,
      rows: r.rows.map((x) => ({
        id: x.id,
        institution: x.institution,
        department: x.department,
        profile: x.profile,
        releasedAt: x.released_at,
        cause: x.cause,
        priorityEndsAt: x.priority_ends_at,
        queueNumber: x.queue_number,
        outcome: x.outcome,
        outcomeAt: x.outcome_at,
      })),
      pages: Math.max(1, Math.ceil(r.total / OPEN_DATA_PAGE)),
    };
  }

  async referrals(q: OpenDataQuery, opts: { all?: boolean } = {}) {
    const r = await this.repo.referrals(this.core.db, this.filter(q, Boolean(opts.all)));
    return {
      total: r.total,
      rows: r.rows.map((x) => ({
        id: x.id,
        issuedAt: x.issued_at,
        institution: x.institution,
        department: x.department,
        profile: x.profile,
        recipient: x.recipient_masked,
        via: x.via,
        queueNumber: x.queue_number,
        queuePosition: x.queue_position,
        status: x.status,
      })),
      pages: Math.max(1, Math.ceil(r.total / OPEN_DATA_PAGE)),
    };
  }

  /**
   * «Проверить очередь»: the position of an МСУ order by its number and the recipient's birth date.
   * A wrong pair and an unknown number answer the same way (null), so the form reveals nothing.
   */
  async queueCheck(orderNumber: string, birthDate: string): Promise<QueueCheckResult | null> {
    const { db } = this.core;
    const row = await this.repo.queueCheckRow(db, orderNumber, birthDate);
    if (!row) return null;
    const inQueue =
      row.queue_seq !== null && (row.queue_state === 'waiting' || row.queue_state === 'offered');
    const position = inQueue ? await this.repo.position(db, row.department_id, row.queue_seq!) : null;
    const queueLength = inQueue ? await this.repo.queueLength(db, row.department_id) : null;
    const offer =
      row.status === 'place_offered' ? ((await this.repo.pendingReleaseOf(db, row.id)) ?? null) : null;
    return {
      number: row.number,
      status: row.status,
      institution: row.institution,
      department: row.department,
      position,
      queueLength,
      queueNumber: row.queue_seq,
      priorityEndsAt: offer?.priority_ends_at ?? null,
    };
  }

  /**
   * «Проверить очередь» by the ИИН of the recipient or of the applicant (seed 004: «введите ИИН
   * ребенка или заявителя»): every queue place of theirs, each with only its position, the
   * department and the recipient's masked initials. An unknown ИИН answers an empty list.
   */
  async queueCheckByIin(iin: string): Promise<QueueEntryByIin[]> {
    const { db } = this.core;
    const rows = await this.repo.queueEntriesByIin(db, iin);
    const out: QueueEntryByIin[] = [];
    for (const r of rows)
      out.push({
        position: await this.repo.position(db, r.department_id, r.queue_seq),
        queueLength: await this.repo.queueLength(db, r.department_id),
        department: r.department,
        initials: maskedName(r),
      });
    return out;
  }
}

/** One queue place found by ИИН: only the position, the department and the masked initials. */
export interface QueueEntryByIin {
  position: number;
  queueLength: number;
  department: Texts;
  initials: string;
}

export interface QueueCheckResult {
  number: string;
  status: string;
  institution: string;
  department: Texts;
  position: number | null;
  queueLength: number | null;
  queueNumber: number | null;
  priorityEndsAt: Date | null;
}
