import type { Knex } from 'knex';
import type { HolidayRow, NoticeKind, NoticeRow, NoticeValues, SiteRepository } from './site-repository.js';
import type { Config } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import type { Actor } from '../../lib/actor.js';
import type { Locale } from '../../lib/i18n.js';
import { auditAction } from '../audit/audit.js';
import { pick } from './localised.js';
import { parseHolidayList, workingCalendar, type WorkingCalendar } from './working-time.js';

export { NOTICE_KINDS, type HolidayRow, type NoticeKind, type NoticeRow } from './site-repository.js';

/** What an administrator submits: the texts, and the times as dates. */
export interface NoticeInput extends Omit<NoticeValues, 'starts_at' | 'ends_at' | 'fix_expected_at'> {
  startsAt: Date;
  endsAt: Date | null;
  fixExpectedAt: Date | null;
}

export type NoticeState = 'planned' | 'active' | 'ended';

export interface Banner {
  title: string;
  text: string;
  fixExpectedAt: Date | null;
}

export function noticeState(n: Pick<NoticeRow, 'starts_at' | 'ends_at'>, now: Date): NoticeState {
  if (new Date(n.starts_at).getTime() > now.getTime()) return 'planned';
  if (n.ends_at && new Date(n.ends_at).getTime() <= now.getTime()) return 'ended';
  return 'active';
}

/** How long one instance keeps notices and the phone in memory (several instances share the database). */
export const SITE_CACHE_MS = 5_000;

/**
 * Site-wide administered facts: maintenance and failure notices (the banners), the contact-centre
 * phone, and the contact centre's holidays.
 */
export class SiteService {
  private cache: { at: number; notices: NoticeRow[]; phone: string } | null = null;

  constructor(
    private readonly db: Knex,
    private readonly repo: SiteRepository,
    private readonly clock: Clock,
    private readonly config: Config,
  ) {}

  /** Forget the cached banners and phone (this instance; others refresh within SITE_CACHE_MS). */
  invalidate(): void {
    this.cache = null;
  }

  private async cached() {
    if (this.cache && Date.now() - this.cache.at < SITE_CACHE_MS) return this.cache;
    const now = this.clock.now();
    // notices not yet ended (planned ones too: they become active while cached)
    const [notices, phone] = await Promise.all([
      this.repo.liveNotices(this.db, now, 20),
      this.contactPhone(),
    ]);
    this.cache = { at: Date.now(), notices, phone };
    return this.cache;
  }

  /** What every page shows: the active notices in the reader's language and the contact-centre phone. */
  async siteLocals(lang: Locale): Promise<{ banners: Banner[]; contactPhone: string }> {
    const c = await this.cached();
    const now = this.clock.now();
    return {
      banners: c.notices
        .filter((n) => noticeState(n, now) === 'active')
        .map((n) => ({
          title: pick(n, 'title', lang),
          text: pick(n, 'text', lang),
          fixExpectedAt: n.fix_expected_at,
        })),
      contactPhone: c.phone,
    };
  }

  // ---- notices

  async notices(): Promise<(NoticeRow & { state: NoticeState })[]> {
    const now = this.clock.now();
    const rows = await this.repo.latestNotices(this.db, 200);
    return rows.map((r) => ({ ...r, state: noticeState(r, now) }));
  }

  /** Notices not yet ended, for the public information page. */
  async currentNotices(
    lang: Locale,
  ): Promise<(Banner & { kind: NoticeKind; startsAt: Date; endsAt: Date | null; state: NoticeState })[]> {
    const now = this.clock.now();
    const rows = await this.repo.liveNotices(this.db, now, 20);
    return rows.map((n) => ({
      kind: n.kind,
      title: pick(n, 'title', lang),
      text: pick(n, 'text', lang),
      fixExpectedAt: n.fix_expected_at,
      startsAt: n.starts_at,
      endsAt: n.ends_at,
      state: noticeState(n, now),
    }));
  }

  async notice(id: number): Promise<NoticeRow> {
    const row = await this.repo.notice(this.db, id);
    if (!row) throw new NotFoundError();
    return row;
  }

  private values(input: NoticeInput): NoticeValues {
    if (input.endsAt && input.endsAt.getTime() <= input.startsAt.getTime()) {
      throw new AppError('admin:errors.endsBeforeStart', 400);
    }
    return {
      kind: input.kind,
      title_ru: input.title_ru.trim(),
      title_kk: input.title_kk.trim(),
      title_en: input.title_en.trim(),
      text_ru: input.text_ru.trim(),
      text_kk: input.text_kk.trim(),
      text_en: input.text_en.trim(),
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      fix_expected_at: input.fixExpectedAt,
    };
  }

  async createNotice(actor: Actor, input: NoticeInput): Promise<NoticeRow> {
    const now = this.clock.now();
    const row = await inTransaction(this.db, async (tx) => {
      const r = await this.repo.insertNotice(tx, this.values(input), actor.personId, now);
      await auditAction(tx, actor, 'notice.created', ['notice', r.id], { details: { kind: input.kind } });
      return r;
    });
    this.invalidate();
    return row;
  }

  async updateNotice(actor: Actor, id: number, input: NoticeInput): Promise<NoticeRow> {
    const now = this.clock.now();
    const row = await inTransaction(this.db, async (tx) => {
      const r = await this.repo.updateNotice(tx, id, this.values(input), actor.personId, now);
      if (!r) throw new NotFoundError();
      await auditAction(tx, actor, 'notice.updated', ['notice', id]);
      return r;
    });
    this.invalidate();
    return row;
  }

  /** Ends an active or planned notice now (the banner disappears). */
  async endNotice(actor: Actor, id: number): Promise<void> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const n = await this.repo.lockNotice(tx, id);
      if (!n) throw new NotFoundError();
      if (noticeState(n, now) === 'ended') throw new ConflictError('admin:errors.noticeAlreadyEnded');
      // a planned notice that never started is withdrawn: it ends a moment after its start
      const endsAt = new Date(Math.max(now.getTime(), new Date(n.starts_at).getTime() + 1));
      await this.repo.updateNotice(tx, id, { ends_at: endsAt }, actor.personId, now);
      await auditAction(tx, actor, 'notice.ended', ['notice', id]);
    });
    this.invalidate();
  }

  // ---- contact-centre phone

  async contactPhone(): Promise<string> {
    return (await this.repo.contactPhone(this.db)) ?? '1414';
  }

  async setContactPhone(actor: Actor, phone: string): Promise<void> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const before = await this.repo.contactPhone(tx);
      await this.repo.setContactPhone(tx, phone, actor.personId, now);
      await auditAction(tx, actor, 'settings.contact_phone', ['site_settings', 'contact_phone'], {
        details: { from: before ?? null, to: phone },
      });
    });
    this.invalidate();
  }

  // ---- holidays

  /** Holidays of the configuration (read-only here) and of the table (editable). */
  async holidays(): Promise<{ configured: string[]; table: HolidayRow[] }> {
    const table = await this.repo.holidays(this.db);
    return { configured: parseHolidayList(this.config.HOLIDAYS), table };
  }

  async addHoliday(actor: Actor, day: string, name: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const inserted = await this.repo.insertHoliday(tx, day, name.trim(), actor.personId, this.clock.now());
      if (!inserted) throw new ConflictError('admin:errors.holidayExists', { day });
      await auditAction(tx, actor, 'holiday.added', ['holiday', day], { details: { name } });
    });
  }

  async removeHoliday(actor: Actor, day: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      if (!(await this.repo.deleteHoliday(tx, day))) throw new NotFoundError();
      await auditAction(tx, actor, 'holiday.removed', ['holiday', day]);
    });
  }

  /** The contact centre's calendar now: configured holidays plus the table. */
  async calendar(db: Knex | Knex.Transaction = this.db): Promise<WorkingCalendar> {
    const days = await this.repo.holidayDays(db);
    return workingCalendar([...parseHolidayList(this.config.HOLIDAYS), ...days]);
  }
}
