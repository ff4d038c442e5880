import type { Knex } from 'knex';
import { prepared, runPrepared, type Queryable } from '../../db/prepared.js';
import type { NotifyMethod, OutreachState } from './rules.js';

type Db = Knex | Knex.Transaction;

/** A notice for the local executive body, once per idempotency key (the signed steps' hot path). */
const RECORD = prepared(
  'outreach.record',
  `insert into unreachable_notices
     (person_id, region, notice_key, params, idempotency_key, object_type, object_id, created_at)
   values ($1, $2, $3, $4, $5, $6, $7, $8)
   on conflict (idempotency_key) do nothing`,
);

export interface UnreachableRow {
  id: number;
  person_id: number;
  region: string;
  notice_key: string;
  params: Record<string, string | number>;
  object_type: string | null;
  object_id: number | null;
  created_at: Date;
  notified_at: Date | null;
  notified_method: NotifyMethod | null;
  notified_note: string | null;
  notified_by: number | null;
}

/** A row of the list: the notice, the person it is for and who told them. */
export interface UnreachableView extends UnreachableRow {
  iin: string;
  surname: string;
  name: string;
  patronymic: string | null;
  locality: string;
  address: { street?: string; house?: string; flat?: string; locality?: string };
  notified_by_name: string | null;
}

export interface RegionCount {
  region: string;
  total: number;
  open: number;
  notified: number;
}

export interface ExecutiveRow {
  person_id: number;
  iin: string;
  surname: string;
  name: string;
  patronymic: string | null;
  region: string;
  granted_at: Date;
}

export interface ListFilter {
  state?: OutreachState | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

/** The notices nobody could be sent, the regions of local executive employees. */
export class OutreachRepository {
  /**
   * Records a notice that found no channel (once per idempotency key: a retried transaction or a
   * repeated notice records nothing new).
   */
  async record(
    db: Queryable,
    row: {
      personId: number;
      region: string;
      key: string;
      params: Record<string, string | number>;
      idempotencyKey: string;
      object: { type: string; id: number } | null;
      at: Date;
    },
  ): Promise<void> {
    await runPrepared(db, RECORD, [
      row.personId,
      row.region,
      row.key,
      JSON.stringify(row.params),
      row.idempotencyKey,
      row.object?.type ?? null,
      row.object?.id ?? null,
      row.at,
    ]);
  }

  private view(db: Db) {
    return db('unreachable_notices as u')
      .join('persons as p', 'p.id', 'u.person_id')
      .leftJoin('persons as b', 'b.id', 'u.notified_by')
      .select(
        'u.*',
        'p.iin',
        'p.surname',
        'p.name',
        'p.patronymic',
        'p.locality',
        'p.address',
        db.raw(`nullif(concat_ws(' ', b.surname, b.name, b.patronymic), '') as notified_by_name`),
      );
  }

  /** A region's notices: not yet told first (oldest first), then the told ones (latest first). */
  async list(db: Db, region: string, f: ListFilter): Promise<{ rows: UnreachableView[]; total: number }> {
    const where = (q: Knex.QueryBuilder) => {
      q.where('u.region', region);
      if (f.state === 'open') q.whereNull('u.notified_at');
      if (f.state === 'notified') q.whereNotNull('u.notified_at');
      if (f.q) {
        const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q.where((w) =>
          w
            .where('p.iin', 'like', `${f.q!.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
            .orWhereRaw(`concat_ws(' ', p.surname, p.name, p.patronymic) ilike ?`, [like]),
        );
      }
      return q;
    };
    const rows = (await where(this.view(db))
      .orderByRaw('(u.notified_at is null) desc')
      .orderByRaw('case when u.notified_at is null then u.created_at end asc')
      .orderBy('u.notified_at', 'desc')
      .orderBy('u.id', 'asc')
      .limit(f.limit)
      .offset(f.offset)) as UnreachableView[];
    const [count] = (await where(
      db('unreachable_notices as u').join('persons as p', 'p.id', 'u.person_id'),
    ).count({ n: '*' })) as { n: string }[];
    return { rows, total: Number(count?.n ?? 0) };
  }

  async find(db: Db, id: number): Promise<UnreachableView | undefined> {
    return (await this.view(db).where('u.id', id).first()) as UnreachableView | undefined;
  }

  async lock(db: Db, id: number): Promise<UnreachableRow | undefined> {
    return (await db('unreachable_notices').where({ id }).forUpdate().first()) as UnreachableRow | undefined;
  }

  async markNotified(
    db: Db,
    id: number,
    v: { method: NotifyMethod; note: string; by: number; at: Date },
  ): Promise<void> {
    await db('unreachable_notices')
      .where({ id })
      .update({
        notified_at: v.at,
        notified_method: v.method,
        notified_note: v.note || null,
        notified_by: v.by,
      });
  }

  /** Counts per region (every region with at least one notice). */
  async countsByRegion(db: Db): Promise<RegionCount[]> {
    const rows = (await db('unreachable_notices')
      .select('region')
      .count({ total: '*' })
      .select(db.raw('count(*) filter (where notified_at is null) as open'))
      .groupBy('region')
      .orderBy('region')) as { region: string; total: string; open: string }[];
    return rows.map((r) => ({
      region: r.region,
      total: Number(r.total),
      open: Number(r.open),
      notified: Number(r.total) - Number(r.open),
    }));
  }

  // ------------------------------------------------------------ local executive employees

  /** The region of a person who holds the `local_executive` role (active), if any. */
  async regionOf(db: Db, personId: number): Promise<string | undefined> {
    const row = (await db('local_executive_regions as l')
      .join('person_roles as r', function () {
        this.on('r.person_id', '=', 'l.person_id').andOnVal('r.role', '=', 'local_executive');
      })
      .where('l.person_id', personId)
      .andWhere('r.status', 'active')
      .first('l.region')) as { region: string } | undefined;
    return row?.region;
  }

  async executives(db: Db): Promise<ExecutiveRow[]> {
    return (await db('local_executive_regions as l')
      .join('persons as p', 'p.id', 'l.person_id')
      .join('person_roles as r', function () {
        this.on('r.person_id', '=', 'l.person_id').andOnVal('r.role', '=', 'local_executive');
      })
      .select('l.person_id', 'p.iin', 'p.surname', 'p.name', 'p.patronymic', 'l.region', 'l.granted_at')
      .orderBy('l.region')
      .orderBy('p.surname')) as ExecutiveRow[];
  }

  async personIdByIin(db: Db, iin: string): Promise<number | undefined> {
    const row = (await db('persons').where({ iin }).first('id')) as { id: number } | undefined;
    return row ? Number(row.id) : undefined;
  }

  /** Grants the role and binds it to the region (a second grant moves the person to the new region). */
  async grant(db: Db, personId: number, region: string, by: number, at: Date): Promise<void> {
    await db.raw(
      `insert into person_roles (person_id, role, granted_at, granted_by) values (?, 'local_executive', ?, ?)
       on conflict (person_id, role, coalesce(organisation_id, 0)) do nothing`,
      [personId, at, by],
    );
    await db('local_executive_regions')
      .insert({ person_id: personId, region, granted_by: by, granted_at: at })
      .onConflict('person_id')
      .merge();
  }

  /** Takes the role away; false when the person did not hold it. */
  async revoke(db: Db, personId: number): Promise<boolean> {
    const n = await db('person_roles').where({ person_id: personId, role: 'local_executive' }).delete();
    await db('local_executive_regions').where({ person_id: personId }).delete();
    return n > 0;
  }
}
