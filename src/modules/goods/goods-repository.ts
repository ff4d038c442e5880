import type { Knex } from 'knex';
import { rowById, lockRowById } from '../shared/rows.js';
import type { MeasureStatus } from '../entitlements/rules.js';
import type { Fulfilment, LocationKind } from './rules.js';
import { ORDER_LIST_COLUMNS } from '../orders/orders-repository.js';

type Db = Knex | Knex.Transaction;

export interface TsrKindRow {
  code: string;
  name_ru: string;
  name_kk: string;
  name_en: string;
  guaranteed_sum_tiyn: number | null;
  accompanying_service: boolean;
  active: boolean;
  sort: number;
}

export interface LocationRow {
  id: number;
  organisation_id: number;
  kind: LocationKind;
  name: string;
  region: string;
  locality: string;
  address: string;
  phone: string | null;
  active: boolean;
}

export interface GoodsRow {
  id: number;
  organisation_id: number;
  help_type: string;
  name: string;
  characteristics: string;
  price_tiyn: number;
  accompanying_service: boolean;
  delivery_options: Fulfilment[];
  regions: string[];
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface GoodsListRow extends GoodsRow {
  guaranteed_sum_tiyn: number | null;
  available: number;
  photo_id: number | null;
}

export interface OfferRow extends GoodsListRow {
  organisation_name: string;
  organisation_bin: string;
}

export interface StockRow {
  goods_id: number;
  location_id: number;
  quantity: number;
  reserved: number;
}

export interface StockLine extends LocationRow {
  quantity: number;
  reserved: number;
}

export interface PhotoRow {
  id: number;
  goods_id: number;
  stored_name: string;
  content_type: string;
  size_bytes: number;
  created_at: Date;
}

export interface GoodsOrderRow {
  order_id: number;
  goods_id: number;
  organisation_id: number;
  fulfilment: Fulfilment;
  location_id: number | null;
  delivery_address: DeliveryAddress | null;
  contact_phone: string | null;
  comment: string | null;
  price_tiyn: number;
  guaranteed_tiyn: number;
  surcharge_tiyn: number;
  reservation: 'none' | 'reserved' | 'released' | 'consumed';
  reserved_location_id: number | null;
  track_number: string | null;
  handed_over_at: Date | null;
  created_document_id: number | null;
  reimbursement_document_id: number | null;
}

export type DeliveryAddress = {
  region: string;
  locality: string;
  street: string;
  house: string;
  flat?: string;
};

export interface MeasureFacts {
  id: number;
  /** any but closed (the measure an order may still be about) */
  status: Exclude<MeasureStatus, 'closed'>;
  volume: number;
  used_volume: number;
  deadline: string | null;
}

export interface OpenOrderFacts {
  id: number;
  number: string;
  kind: 'msu' | 'service' | 'goods';
}

export interface SupplierOrderListRow {
  id: number;
  number: string;
  status: string;
  created_at: Date;
  status_changed_at: Date;
  help_type: string;
  fulfilment: Fulfilment;
  goods_name: string;
  recipient_name: string;
}

export interface SupplierOrderFilter {
  status?: string;
  fulfilment?: string;
  from?: string;
  to?: string;
  q?: string;
  limit: number;
  offset: number;
}

const CLOSED: MeasureStatus = 'closed';

const AVAILABLE = `coalesce((select sum(s.quantity - s.reserved) from goods_stock s join goods_locations l on l.id = s.location_id and l.active where s.goods_id = g.id), 0)::int`;
const FIRST_PHOTO = `(select p.id from goods_photos p where p.goods_id = g.id order by p.id limit 1)`;

/** Catalogue, locations, stock, photos and the goods part of orders. */
export class GoodsRepository {
  // ---- ТСР kinds

  async tsrKinds(db: Db, opts: { activeOnly?: boolean } = {}): Promise<TsrKindRow[]> {
    const q = db('help_types').where({ category: 'tsr' }).orderBy('sort').orderBy('code');
    if (opts.activeOnly) q.where({ active: true });
    return (await q) as TsrKindRow[];
  }

  async tsrKind(db: Db, code: string): Promise<TsrKindRow | undefined> {
    return (await db('help_types').where({ code, category: 'tsr' }).first()) as TsrKindRow | undefined;
  }

  async updateTsrKind(
    db: Db,
    code: string,
    patch: { guaranteed_sum_tiyn: number; accompanying_service: boolean; active: boolean },
  ) {
    return db('help_types').where({ code, category: 'tsr' }).update(patch);
  }

  // ---- organisations

  async organisations(db: Db) {
    return (await db('organisations').orderBy('name').orderBy('id')) as {
      id: number;
      bin: string;
      name: string;
      region: string;
      locality: string;
      activity_code: string;
      directions: string[];
      active: boolean;
      status: 'active' | 'suspended' | 'excluded';
    }[];
  }

  async updateOrganisation(db: Db, id: number, patch: { directions: string[] }) {
    return db('organisations').where({ id }).update({ directions: patch.directions });
  }

  // ---- locations

  async locations(
    db: Db,
    organisationId: number,
    opts: { activeOnly?: boolean } = {},
  ): Promise<LocationRow[]> {
    const q = db('goods_locations')
      .where({ organisation_id: organisationId })
      .orderBy('kind')
      .orderBy('name')
      .orderBy('id');
    if (opts.activeOnly) q.where({ active: true });
    return (await q) as LocationRow[];
  }

  async location(db: Db, id: number): Promise<LocationRow | undefined> {
    return rowById<LocationRow>(db, 'goods_locations', id);
  }

  async insertLocation(db: Db, row: Omit<LocationRow, 'id' | 'active'>): Promise<LocationRow> {
    const [r] = (await db('goods_locations').insert(row).returning('*')) as LocationRow[];
    return r!;
  }

  async setLocationActive(db: Db, organisationId: number, id: number, active: boolean): Promise<number> {
    return db('goods_locations').where({ id, organisation_id: organisationId }).update({ active });
  }

  // ---- goods

  async goods(db: Db, id: number): Promise<GoodsRow | undefined> {
    return rowById<GoodsRow>(db, 'goods', id);
  }

  async goodsForUpdate(tx: Knex.Transaction, id: number): Promise<GoodsRow | undefined> {
    return lockRowById<GoodsRow>(tx, 'goods', id);
  }

  async catalogue(db: Db, organisationId: number): Promise<GoodsListRow[]> {
    return (await db('goods as g')
      .join('help_types as h', 'h.code', 'g.help_type')
      .where('g.organisation_id', organisationId)
      .orderBy('h.sort')
      .orderBy('g.name')
      .orderBy('g.id')
      .select(
        'g.*',
        'h.guaranteed_sum_tiyn',
        db.raw(`${AVAILABLE} as available`),
        db.raw(`${FIRST_PHOTO} as photo_id`),
      )) as GoodsListRow[];
  }

  /** Goods of a ТСР kind that a recipient in this region may order: active articles of active ТСР sellers. */
  async offers(db: Db, helpType: string, region: string): Promise<OfferRow[]> {
    return (await db('goods as g')
      .join('help_types as h', 'h.code', 'g.help_type')
      .join('organisations as o', 'o.id', 'g.organisation_id')
      .where('g.help_type', helpType)
      .where('g.active', true)
      .where('o.active', true)
      .whereRaw(`'tsr_sales' = any(o.directions)`)
      .whereRaw('? = any(g.regions)', [region])
      .orderBy('g.price_tiyn')
      .orderBy('g.id')
      .select(
        'g.*',
        'h.guaranteed_sum_tiyn',
        'o.name as organisation_name',
        'o.bin as organisation_bin',
        db.raw(`${AVAILABLE} as available`),
        db.raw(`${FIRST_PHOTO} as photo_id`),
      )) as OfferRow[];
  }

  /** Whether an article is on offer (its supplier sells ТСР and both are active). */
  async isOffered(db: Db, goodsId: number): Promise<boolean> {
    const row = await db('goods as g')
      .join('organisations as o', 'o.id', 'g.organisation_id')
      .where('g.id', goodsId)
      .where('g.active', true)
      .where('o.active', true)
      .whereRaw(`'tsr_sales' = any(o.directions)`)
      .first('g.id');
    return Boolean(row);
  }

  async insertGoods(db: Db, row: Omit<GoodsRow, 'id' | 'created_at' | 'updated_at'>): Promise<GoodsRow> {
    const [r] = (await db('goods').insert(row).returning('*')) as GoodsRow[];
    return r!;
  }

  async updateGoods(
    db: Db,
    id: number,
    patch: Partial<Omit<GoodsRow, 'id' | 'organisation_id' | 'created_at'>>,
  ): Promise<void> {
    await db('goods').where({ id }).update(patch);
  }

  // ---- stock

  async stockLines(db: Db, goodsId: number, organisationId: number): Promise<StockLine[]> {
    return (await db('goods_locations as l')
      .leftJoin('goods_stock as s', function () {
        this.on('s.location_id', '=', 'l.id').andOn('s.goods_id', '=', db.raw('?', [goodsId]));
      })
      .where('l.organisation_id', organisationId)
      .orderBy('l.kind')
      .orderBy('l.name')
      .orderBy('l.id')
      .select(
        'l.*',
        db.raw('coalesce(s.quantity, 0)::int as quantity'),
        db.raw('coalesce(s.reserved, 0)::int as reserved'),
      )) as StockLine[];
  }

  /**
   * Sets the quantity held at a location; never below what is reserved there (the update is
   * conditional, so a reservation made meanwhile wins). Returns false when refused.
   */
  async setQuantity(
    tx: Knex.Transaction,
    goodsId: number,
    locationId: number,
    quantity: number,
    at: Date,
  ): Promise<boolean> {
    await tx('goods_stock')
      .insert({ goods_id: goodsId, location_id: locationId, quantity: 0, reserved: 0, updated_at: at })
      .onConflict(['goods_id', 'location_id'])
      .ignore();
    const n = await tx('goods_stock')
      .where({ goods_id: goodsId, location_id: locationId })
      .andWhere('reserved', '<=', quantity)
      .update({ quantity, updated_at: at });
    return n === 1;
  }

  /** Takes one item at a location for an order: succeeds only while one is free (settled by PostgreSQL). */
  async reserveOne(tx: Knex.Transaction, goodsId: number, locationId: number, at: Date): Promise<boolean> {
    const rows = (await tx('goods_stock')
      .where({ goods_id: goodsId, location_id: locationId })
      .andWhereRaw('quantity - reserved >= 1')
      .update({ reserved: tx.raw('reserved + 1'), updated_at: at })
      .returning(['quantity', 'reserved'])) as { quantity: number; reserved: number }[];
    return rows.length === 1;
  }

  async releaseOne(tx: Knex.Transaction, goodsId: number, locationId: number, at: Date): Promise<void> {
    const n = await tx('goods_stock')
      .where({ goods_id: goodsId, location_id: locationId })
      .andWhere('reserved', '>=', 1)
      .update({ reserved: tx.raw('reserved - 1'), updated_at: at });
    if (n !== 1) throw new Error(`no reservation to release for goods ${goodsId} at ${locationId}`);
  }

  /** The reserved item leaves the stock (hand-over). */
  async consumeOne(tx: Knex.Transaction, goodsId: number, locationId: number, at: Date): Promise<void> {
    const n = await tx('goods_stock')
      .where({ goods_id: goodsId, location_id: locationId })
      .andWhere('reserved', '>=', 1)
      .update({ reserved: tx.raw('reserved - 1'), quantity: tx.raw('quantity - 1'), updated_at: at });
    if (n !== 1) throw new Error(`no reservation to consume for goods ${goodsId} at ${locationId}`);
  }

  async available(db: Db, goodsId: number, locationId: number): Promise<number> {
    const row = (await db('goods_stock')
      .join('goods_locations as l', 'l.id', 'goods_stock.location_id')
      .where({ goods_id: goodsId, location_id: locationId })
      .where('l.active', true)
      .first(db.raw('quantity - reserved as available'))) as { available: number } | undefined;
    return row ? Number(row.available) : 0;
  }

  // ---- photos

  async photos(db: Db, goodsId: number): Promise<PhotoRow[]> {
    return (await db('goods_photos').where({ goods_id: goodsId }).orderBy('id')) as PhotoRow[];
  }

  async photo(
    db: Db,
    id: number,
  ): Promise<(PhotoRow & { organisation_id: number; offered: boolean }) | undefined> {
    return (await db('goods_photos as p')
      .join('goods as g', 'g.id', 'p.goods_id')
      .join('organisations as o', 'o.id', 'g.organisation_id')
      .where('p.id', id)
      .first(
        'p.*',
        'g.organisation_id',
        db.raw(`(g.active and o.active and 'tsr_sales' = any(o.directions)) as offered`),
      )) as (PhotoRow & { organisation_id: number; offered: boolean }) | undefined;
  }

  async countPhotos(db: Db, goodsId: number): Promise<number> {
    const [{ count }] = (await db('goods_photos')
      .where({ goods_id: goodsId })
      .count<{ count: number }[]>('* as count')) as [{ count: number }];
    return Number(count);
  }

  async insertPhoto(
    db: Db,
    row: Omit<PhotoRow, 'id' | 'created_at'> & { created_at: Date },
  ): Promise<PhotoRow> {
    const [r] = (await db('goods_photos').insert(row).returning('*')) as PhotoRow[];
    return r!;
  }

  async deletePhoto(db: Db, goodsId: number, id: number): Promise<PhotoRow | undefined> {
    const [r] = (await db('goods_photos')
      .where({ id, goods_id: goodsId })
      .delete()
      .returning('*')) as PhotoRow[];
    return r;
  }

  // ---- goods orders

  async insertGoodsOrder(
    tx: Knex.Transaction,
    row: Omit<
      GoodsOrderRow,
      'reservation' | 'reserved_location_id' | 'track_number' | 'handed_over_at' | 'reimbursement_document_id'
    >,
  ) {
    await tx('goods_orders').insert({
      ...row,
      delivery_address: row.delivery_address ? JSON.stringify(row.delivery_address) : null,
    });
  }

  async goodsOrder(db: Db, orderId: number): Promise<GoodsOrderRow | undefined> {
    return (await db('goods_orders').where({ order_id: orderId }).first()) as GoodsOrderRow | undefined;
  }

  /** A supplier's open orders in these statuses (oldest first). */
  async openOrderIdsOfOrganisation(
    tx: Knex.Transaction,
    organisationId: number,
    statuses: readonly string[],
  ): Promise<number[]> {
    const rows = (await tx('orders as o')
      .join('goods_orders as g', 'g.order_id', 'o.id')
      .where({ 'g.organisation_id': organisationId, 'o.is_open': true })
      .whereIn('o.status', statuses)
      .orderBy('o.id')
      .select('o.id')) as { id: number }[];
    return rows.map((r) => r.id);
  }

  async goodsOrderForUpdate(tx: Knex.Transaction, orderId: number): Promise<GoodsOrderRow | undefined> {
    return (await tx('goods_orders').where({ order_id: orderId }).forUpdate().first()) as
      GoodsOrderRow | undefined;
  }

  async updateGoodsOrder(
    tx: Knex.Transaction,
    orderId: number,
    patch: Partial<Omit<GoodsOrderRow, 'order_id'>>,
  ): Promise<void> {
    await tx('goods_orders').where({ order_id: orderId }).update(patch);
  }

  async supplierOrders(
    db: Db,
    organisationId: number,
    f: SupplierOrderFilter,
  ): Promise<{ rows: SupplierOrderListRow[]; total: number }> {
    const base = db('orders as o')
      .join('goods_orders as go', 'go.order_id', 'o.id')
      .join('goods as g', 'g.id', 'go.goods_id')
      .join('persons as p', 'p.id', 'o.recipient_id')
      .where('o.kind', 'goods')
      .where('go.organisation_id', organisationId);
    if (f.status) base.where('o.status', f.status);
    if (f.fulfilment) base.where('go.fulfilment', f.fulfilment);
    if (f.from) base.whereRaw(`(o.created_at at time zone 'Asia/Almaty')::date >= ?`, [f.from]);
    if (f.to) base.whereRaw(`(o.created_at at time zone 'Asia/Almaty')::date <= ?`, [f.to]);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      base.where((w) => {
        w.whereILike('o.number', like).orWhereILike('p.surname', like).orWhereILike('p.name', like);
      });
    }
    const [{ count }] = (await base.clone().count<{ count: number }[]>('* as count')) as [{ count: number }];
    const rows = (await base
      .clone()
      .orderBy('o.created_at', 'desc')
      .orderBy('o.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .select(
        ...ORDER_LIST_COLUMNS,
        'o.help_type',
        'go.fulfilment',
        'g.name as goods_name',
        db.raw(`concat_ws(' ', p.surname, p.name, p.patronymic) as recipient_name`),
      )) as SupplierOrderListRow[];
    return { rows, total: Number(count) };
  }

  /** Open goods orders of a recipient per ТСР kind (for the «Технические средства реабилитации» page). */
  async openOrders(
    db: Db,
    recipientId: number,
  ): Promise<{ id: number; number: string; help_type: string; status: string }[]> {
    return (await db('orders')
      .where({ recipient_id: recipientId, kind: 'goods', is_open: true })
      .select('id', 'number', 'help_type', 'status')) as {
      id: number;
      number: string;
      help_type: string;
      status: string;
    }[];
  }

  /** The recipient's ТСР measures with their kinds. */
  async tsrMeasures(db: Db, recipientId: number) {
    return (await db('ipr_measures as m')
      .join('help_types as h', 'h.code', 'm.help_type')
      .where('m.person_id', recipientId)
      .where('h.category', 'tsr')
      .whereNot('m.status', CLOSED)
      .orderBy('h.sort')
      .orderBy('m.id')
      .select(
        'm.id',
        'm.help_type',
        'm.volume',
        'm.used_volume',
        'm.deadline',
        'm.status',
        'h.name_ru',
        'h.name_kk',
        'h.name_en',
        'h.guaranteed_sum_tiyn',
        'h.accompanying_service',
      )) as {
      id: number;
      help_type: string;
      volume: number;
      used_volume: number;
      deadline: string | null;
      status: string;
      name_ru: string;
      name_kk: string;
      name_en: string;
      guaranteed_sum_tiyn: number | null;
      accompanying_service: boolean;
    }[];
  }

  /**
   * In one round trip: the measure an order of this kind would use (the one assertCanOrder picks) and
   * the open order of the kind, read without locks.
   */
  async orderFacts(
    db: Db,
    recipientId: number,
    helpType: string,
  ): Promise<{ measure: MeasureFacts | null; open: OpenOrderFacts | null }> {
    const r = (await db.raw(
      `select
         (select row_to_json(m) from (
            select id, status, volume, used_volume, deadline::text as deadline from ipr_measures
             where person_id = ? and help_type = ? and status <> ?
             order by id desc limit 1) m) as measure,
         (select row_to_json(o) from (
            select id, number, kind from orders where recipient_id = ? and help_type = ? and is_open limit 1) o) as open`,
      [recipientId, helpType, CLOSED, recipientId, helpType],
    )) as { rows: { measure: MeasureFacts | null; open: OpenOrderFacts | null }[] };
    return r.rows[0] ?? { measure: null, open: null };
  }

  /** A ТСР kind with the region of the person who would order it (one round trip). */
  async kindForPerson(
    db: Db,
    code: string,
    personId: number,
  ): Promise<(TsrKindRow & { person_region: string }) | undefined> {
    return (await db('help_types as h')
      .crossJoin(db.raw('persons as p'))
      .where({ 'h.code': code, 'h.category': 'tsr', 'p.id': personId })
      .first('h.*', 'p.region as person_region')) as (TsrKindRow & { person_region: string }) | undefined;
  }

  async measureExternalId(db: Db, measureId: number): Promise<string | undefined> {
    const row = (await db('ipr_measures').where({ id: measureId }).first('external_id')) as
      { external_id: string } | undefined;
    return row?.external_id;
  }

  /** Who signed which documents (and for whom), with the digest Е-Собес may check. */
  async signedDocuments(
    db: Db,
    ids: number[],
  ): Promise<
    { id: number; signer_id: number | null; principal_id: number | null; signed_xml_sha256: string }[]
  > {
    if (ids.length === 0) return [];
    return (await db('signed_documents')
      .whereIn('id', ids)
      .select('id', 'signer_id', 'principal_id', 'signed_xml_sha256')) as {
      id: number;
      signer_id: number | null;
      principal_id: number | null;
      signed_xml_sha256: string;
    }[];
  }
}
