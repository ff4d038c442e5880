/**
 * What the verification pages and the printable documents read: a signed document by its code, and
 * the documents a person may print (МСУ referrals, goods hand-overs, acts of services) with the
 * signed document behind each. Read-only; every query takes a `Knex` (no transaction is needed).
 */
import type { Knex } from 'knex';
import type { SignedDocumentRow } from '../signing/signing-service.js';

type Db = Knex | Knex.Transaction;

/** The steps of an МСУ order that issue its referral: a free bed taken, an offered place accepted. */
export const REFERRAL_ACTIONS = ['enrol', 'accept_offer'] as const;
/** The goods steps that hand the item over (goodsMachine's rows with the `handOver` effect). */
export const HANDOVER_ACTIONS = ['issue_stationary', 'issue_home', 'issue_pickup', 'deliver'] as const;

export interface ReferralRow {
  id: number;
  order_id: number;
  number: string;
  recipient_id: number;
  status: string;
  issued_at: Date;
  via: 'free_bed' | 'queue_offer';
  queue_number: number | null;
  institution: string;
  institution_region: string;
  institution_locality: string;
  institution_address: string;
  institution_phone: string | null;
  department: Partial<Record<'ru' | 'kk' | 'en', string>>;
  arrival_deadline: string | null;
  signed_document_id: number | null;
  verification_code: string | null;
}

export interface HandoverRow {
  order_id: number;
  number: string;
  recipient_id: number;
  organisation_id: number;
  organisation: string;
  organisation_bin: string;
  goods_name: string;
  help_type: string;
  kind_ru: string | null;
  kind_kk: string | null;
  fulfilment: string;
  action: string;
  handed_over_at: Date | null;
  event_at: Date;
  signed_document_id: number;
  verification_code: string;
  signed_at: Date;
  price_tiyn: number;
  surcharge_tiyn: number;
}

export interface ActListRow {
  id: number;
  order_id: number;
  number: string;
  period: string;
  status: string;
  signed_document_id: number;
  verification_code: string;
  signed_at: Date;
}

const referralColumns = (db: Db) => [
  'r.id',
  'r.order_id',
  'o.number',
  'o.recipient_id',
  'o.status',
  'r.issued_at',
  'r.via',
  'r.queue_number',
  'i.name as institution',
  'i.region as institution_region',
  'i.locality as institution_locality',
  'i.address as institution_address',
  'i.phone as institution_phone',
  'd.name as department',
  db.raw(`to_char(m.arrival_deadline, 'YYYY-MM-DD') as arrival_deadline`),
  'sd.id as signed_document_id',
  'sd.verification_code',
];

export class VerificationRepository {
  async documentByCode(db: Db, code: string): Promise<SignedDocumentRow | undefined> {
    return (await db('signed_documents').where({ verification_code: code }).first()) as
      SignedDocumentRow | undefined;
  }

  async personName(db: Db, id: number) {
    return (await db('persons').where({ id }).first('surname', 'name', 'patronymic')) as
      { surname: string; name: string; patronymic: string | null } | undefined;
  }

  async organisationByBin(db: Db, bin: string) {
    return (await db('organisations').where({ bin }).first('name', 'bin')) as
      { name: string; bin: string } | undefined;
  }

  async verificationCode(db: Db, signedDocumentId: number | null): Promise<string | null> {
    if (!signedDocumentId) return null;
    const row = (await db('signed_documents').where({ id: signedDocumentId }).first('verification_code')) as
      { verification_code: string } | undefined;
    return row?.verification_code ?? null;
  }

  /** The referral's query: its order, institution, department, and the signed step that issued it. */
  private referrals(db: Db) {
    return db('msu_referrals as r')
      .join('orders as o', 'o.id', 'r.order_id')
      .join('msu_institutions as i', 'i.id', 'r.institution_id')
      .join('msu_departments as d', 'd.id', 'r.department_id')
      .leftJoin('msu_orders as m', 'm.order_id', 'r.order_id')
      .leftJoin('signed_documents as sd', (j) =>
        j.on(
          'sd.id',
          '=',
          db.raw(
            `(select e.signed_document_id from order_events e where e.order_id = r.order_id
               and e.action in (${REFERRAL_ACTIONS.map(() => '?').join(', ')})
               and e.signed_document_id is not null order by e.id desc limit 1)`,
            [...REFERRAL_ACTIONS],
          ),
        ),
      );
  }

  async referralsOf(db: Db, recipientId: number): Promise<ReferralRow[]> {
    return (await this.referrals(db)
      .where('o.recipient_id', recipientId)
      .orderBy('r.issued_at', 'desc')
      .orderBy('r.id', 'desc')
      .select(referralColumns(db))) as ReferralRow[];
  }

  async referral(db: Db, id: number): Promise<ReferralRow | undefined> {
    return (await this.referrals(db).where('r.id', id).first(referralColumns(db))) as ReferralRow | undefined;
  }

  /** The goods hand-overs: the signed hand-over step of each order (of a recipient, or one order). */
  private handovers(db: Db) {
    return db('order_events as e')
      .join('orders as o', 'o.id', 'e.order_id')
      .join('goods_orders as g', 'g.order_id', 'o.id')
      .join('goods as gd', 'gd.id', 'g.goods_id')
      .join('organisations as org', 'org.id', 'g.organisation_id')
      .join('signed_documents as sd', 'sd.id', 'e.signed_document_id')
      .leftJoin('help_types as k', 'k.code', 'o.help_type')
      .whereIn('e.action', [...HANDOVER_ACTIONS])
      .select(
        'o.id as order_id',
        'o.number',
        'o.recipient_id',
        'g.organisation_id',
        'org.name as organisation',
        'org.bin as organisation_bin',
        'gd.name as goods_name',
        'o.help_type',
        'k.name_ru as kind_ru',
        'k.name_kk as kind_kk',
        'g.fulfilment',
        'e.action',
        'g.handed_over_at',
        'e.at as event_at',
        'sd.id as signed_document_id',
        'sd.verification_code',
        'sd.signed_at',
        'g.price_tiyn',
        'g.surcharge_tiyn',
      );
  }

  async handoversOf(db: Db, recipientId: number): Promise<HandoverRow[]> {
    return (await this.handovers(db)
      .where('o.recipient_id', recipientId)
      .orderBy('e.id', 'desc')) as HandoverRow[];
  }

  async handover(db: Db, orderId: number): Promise<HandoverRow | undefined> {
    return (await this.handovers(db).where('o.id', orderId).orderBy('e.id', 'desc').first()) as
      HandoverRow | undefined;
  }

  /** The acts of services to the recipient that carry a signature (sent, or awaiting the recipient). */
  async actsOf(db: Db, recipientId: number): Promise<ActListRow[]> {
    return (await db('service_acts as a')
      .join('orders as o', 'o.id', 'a.order_id')
      .join(
        'signed_documents as sd',
        'sd.id',
        db.raw('coalesce(a.recipient_signed_document_id, a.specialist_signed_document_id)'),
      )
      .where('a.recipient_id', recipientId)
      .whereIn('a.status', ['awaiting_recipient', 'sent'])
      .orderBy('a.id', 'desc')
      .select(
        'a.id',
        'a.order_id',
        'o.number',
        'a.period',
        'a.status',
        'sd.id as signed_document_id',
        'sd.verification_code',
        'sd.signed_at',
      )) as ActListRow[];
  }
}
