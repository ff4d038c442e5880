import type { Knex } from 'knex';
import { insertStamped, lockRowById, rowById, updateStamped } from '../shared/rows.js';

type Db = Knex | Knex.Transaction;

export const NOTICE_KINDS = ['maintenance', 'failure'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface NoticeRow {
  id: number;
  kind: NoticeKind;
  title_ru: string;
  title_kk: string;
  title_en: string;
  text_ru: string;
  text_kk: string;
  text_en: string;
  starts_at: Date;
  ends_at: Date | null;
  fix_expected_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns an administrator sets on a notice. */
export type NoticeValues = Omit<NoticeRow, 'id' | 'created_at' | 'updated_at'>;

export interface HolidayRow {
  day: string;
  name: string;
  created_at: Date;
}

const CONTACT_PHONE = 'contact_phone';

/** Notices (the banners), the site settings and the contact centre's holidays. */
export class SiteRepository {
  // ---- notices

  /** Notices not yet ended at `now` (planned ones too), by their start. */
  async liveNotices(db: Db, now: Date, limit: number): Promise<NoticeRow[]> {
    return (await db('notices')
      .where((w) => w.whereNull('ends_at').orWhere('ends_at', '>', now))
      .orderBy('starts_at')
      .limit(limit)) as NoticeRow[];
  }

  async latestNotices(db: Db, limit: number): Promise<NoticeRow[]> {
    return (await db('notices').orderBy('starts_at', 'desc').limit(limit)) as NoticeRow[];
  }

  async notice(db: Db, id: number): Promise<NoticeRow | undefined> {
    return rowById<NoticeRow>(db, 'notices', id);
  }

  async lockNotice(tx: Knex.Transaction, id: number): Promise<NoticeRow | undefined> {
    return lockRowById<NoticeRow>(tx, 'notices', id);
  }

  async insertNotice(tx: Knex.Transaction, values: NoticeValues, by: number, at: Date): Promise<NoticeRow> {
    return insertStamped<NoticeRow>(tx, 'notices', values, by, at);
  }

  /** Undefined when there is no such notice. */
  async updateNotice(
    tx: Knex.Transaction,
    id: number,
    values: Partial<NoticeValues>,
    by: number,
    at: Date,
  ): Promise<NoticeRow | undefined> {
    return updateStamped<NoticeRow>(tx, 'notices', id, values, by, at);
  }

  // ---- settings

  async contactPhone(db: Db): Promise<string | undefined> {
    const row = (await db('site_settings').where({ key: CONTACT_PHONE }).first('value')) as
      { value: string } | undefined;
    return row?.value;
  }

  async setContactPhone(tx: Knex.Transaction, phone: string, by: number, at: Date): Promise<void> {
    await tx('site_settings')
      .insert({ key: CONTACT_PHONE, value: phone, updated_by: by, updated_at: at })
      .onConflict('key')
      .merge(['value', 'updated_by', 'updated_at']);
  }

  // ---- holidays

  async holidays(db: Db): Promise<HolidayRow[]> {
    return (await db('holidays').orderBy('day')) as HolidayRow[];
  }

  async holidayDays(db: Db): Promise<string[]> {
    const rows = (await db('holidays').select('day')) as { day: string }[];
    return rows.map((r) => r.day);
  }

  /** False when the day is a holiday already. */
  async insertHoliday(
    tx: Knex.Transaction,
    day: string,
    name: string,
    by: number,
    at: Date,
  ): Promise<boolean> {
    const inserted = await tx('holidays')
      .insert({ day, name, created_by: by, created_at: at })
      .onConflict('day')
      .ignore()
      .returning('day');
    return inserted.length > 0;
  }

  /** False when the day was not a holiday. */
  async deleteHoliday(tx: Knex.Transaction, day: string): Promise<boolean> {
    return (await tx('holidays').where({ day }).delete()) > 0;
  }
}
