/**
 * The documents a person may print or hand over, each made from the signed document behind it and
 * carrying its verification block: «Мои Направления» (the recipient's МСУ referrals, and with them
 * the goods hand-overs and acts of services that have a PDF), the referral PDF and the goods
 * hand-over PDF. A guardian acting for a ward sees the ward's; another person's answers 404.
 */
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { NotFoundError } from '../../lib/errors.js';
import { astanaDateTime } from '../../lib/clock.js';
import { tFor } from '../../lib/i18n.js';
import { publicBaseUrl } from '../../config.js';
import { fullName } from '../people/names.js';
import { verificationBlockFor } from './codes.js';
import { renderPrintedDocument } from './pdf.js';
import type { VerificationRepository } from './repository.js';

export type PrintableKind = 'msu-referral' | 'goods-handover' | 'service-act';

/** One line of «Мои Направления»: what the paper is, its number and date, its code. */
export interface PrintableItem {
  kind: PrintableKind;
  /** the referral's id, the goods order's id, the act's id */
  id: number;
  orderId: number;
  number: string;
  /** the МСУ institution and department, the goods' name, the act's month (YYYY-MM) */
  institution?: string;
  department?: Partial<Record<'ru' | 'kk' | 'en', string>>;
  goodsName?: string;
  period?: string;
  date: Date;
  /** the verification code of the signed document behind it; null for an unsigned (demo) referral */
  code: string | null;
}

export interface PdfFile {
  buffer: Buffer;
  fileName: string;
}

const kk = () => tFor('kk');
const ru = () => tFor('ru');
/** A text of the printed documents in Kazakh and Russian. */
function bi(key: string, params: Record<string, unknown> = {}): string {
  return `${kk()(`verification:pdf.${key}`, params)} / ${ru()(`verification:pdf.${key}`, params)}`;
}
const stamp = (d: Date) => astanaDateTime(d).toFormat('dd.MM.yyyy HH:mm');
const day = (d: Date) => astanaDateTime(d).toFormat('dd.MM.yyyy');
const money = (tiyn: number) =>
  `${(tiyn / 100).toLocaleString('ru-RU', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ₸`;

export class PrintablesService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: VerificationRepository,
  ) {}

  private block(code: string | null) {
    return code ? verificationBlockFor(publicBaseUrl(this.core.config), code) : null;
  }

  /** «Мои Направления»: the person's (or ward's) printable documents, newest first. */
  async list(actor: Actor): Promise<PrintableItem[]> {
    const { db } = this.core;
    const who = actor.principalId;
    const [referrals, handovers, acts] = await Promise.all([
      this.repo.referralsOf(db, who),
      this.repo.handoversOf(db, who),
      this.repo.actsOf(db, who),
    ]);
    const items: PrintableItem[] = [
      ...referrals.map((r) => ({
        kind: 'msu-referral' as const,
        id: r.id,
        orderId: r.order_id,
        number: r.number,
        institution: r.institution,
        department: r.department,
        date: r.issued_at,
        code: r.verification_code,
      })),
      ...handovers.map((h) => ({
        kind: 'goods-handover' as const,
        id: h.order_id,
        orderId: h.order_id,
        number: h.number,
        goodsName: h.goods_name,
        date: h.handed_over_at ?? h.event_at,
        code: h.verification_code,
      })),
      ...acts.map((a) => ({
        kind: 'service-act' as const,
        id: a.id,
        orderId: a.order_id,
        number: a.number,
        period: a.period,
        date: a.signed_at,
        code: a.verification_code,
      })),
    ];
    return items.sort((a, b) => b.date.getTime() - a.date.getTime());
  }

  /** «Направление»: the referral of one of the person's МСУ orders, from the signed step that issued it. */
  async referralPdf(actor: Actor, referralId: number): Promise<PdfFile> {
    const { db } = this.core;
    const r = await this.repo.referral(db, referralId);
    if (!r || r.recipient_id !== actor.principalId) throw new NotFoundError();
    const [person, signed] = await Promise.all([
      this.core.people.findById(db, r.recipient_id),
      r.signed_document_id ? this.core.signing.document(r.signed_document_id) : Promise.resolve(undefined),
    ]);
    if (!person) throw new NotFoundError();
    const department = [r.department.kk, r.department.ru ?? r.department.en].filter(Boolean).join(' / ');
    const address = [r.institution_region, r.institution_locality, r.institution_address]
      .filter(Boolean)
      .join(', ');
    const buffer = await renderPrintedDocument({
      titleKk: kk()('verification:pdf.referralTitle'),
      titleRu: ru()('verification:pdf.referralTitle'),
      subtitle: `№ ${r.number}, ${day(r.issued_at)}`,
      lines: [
        { label: bi('institution'), value: r.institution },
        { label: bi('address'), value: [address, r.institution_phone].filter(Boolean).join(', ') },
        { label: bi('department'), value: department },
        { label: bi('recipient'), value: `${fullName(person)}, ${bi('iin')} ${person.iin}` },
        { label: bi('birthDate'), value: person.birth_date.split('-').reverse().join('.') },
        { label: bi('issuedAt'), value: stamp(r.issued_at) },
        {
          label: bi('basis'),
          value:
            r.via === 'queue_offer' ? bi('viaQueue', { number: r.queue_number ?? '—' }) : bi('viaFreeBed'),
        },
        {
          label: bi('arriveBy'),
          value: r.arrival_deadline ? r.arrival_deadline.split('-').reverse().join('.') : '—',
        },
      ],
      note: bi('referralNote'),
      signedBy: signed
        ? bi('signedBy', { name: signed.signer_name, at: stamp(signed.signed_at) })
        : bi('notSigned'),
      generatedOn: stamp(this.core.clock.now()),
      verification: this.block(signed?.verification_code ?? null),
    });
    return { buffer, fileName: `napravlenie-${r.number}.pdf` };
  }

  /**
   * The goods hand-over document, from the supplier's signed hand-over step: the recipient's copy
   * (or the ward's, to a guardian) and the supplier's. An order not handed over has none (404).
   */
  async handoverPdf(actor: Actor, side: 'recipient' | 'supplier', orderId: number): Promise<PdfFile> {
    const { db } = this.core;
    const h = await this.repo.handover(db, orderId);
    if (!h) throw new NotFoundError();
    if (side === 'recipient' && h.recipient_id !== actor.principalId) throw new NotFoundError();
    if (side === 'supplier' && (!actor.organisationId || actor.organisationId !== h.organisation_id))
      throw new NotFoundError();
    const [person, signed] = await Promise.all([
      this.core.people.findById(db, h.recipient_id),
      this.core.signing.document(h.signed_document_id),
    ]);
    if (!person || !signed) throw new NotFoundError();
    const lines = [
      { label: bi('order'), value: h.number },
      { label: bi('goods'), value: h.goods_name },
      {
        label: bi('kind'),
        value: [h.kind_kk, h.kind_ru].filter(Boolean).join(' / ') || h.help_type,
      },
      { label: bi('supplier'), value: `${h.organisation}, ${bi('bin')} ${h.organisation_bin}` },
      { label: bi('recipient'), value: `${fullName(person)}, ${bi('iin')} ${person.iin}` },
      { label: bi('handoverWay'), value: bi(`way.${h.action}`) },
      { label: bi('handedOverAt'), value: stamp(h.handed_over_at ?? h.event_at) },
    ];
    if (h.surcharge_tiyn > 0) lines.push({ label: bi('surcharge'), value: money(h.surcharge_tiyn) });
    const buffer = await renderPrintedDocument({
      titleKk: kk()('verification:pdf.handoverTitle'),
      titleRu: ru()('verification:pdf.handoverTitle'),
      subtitle: `№ ${h.number}, ${day(h.handed_over_at ?? h.event_at)}`,
      lines,
      signedBy: bi('signedBy', { name: signed.signer_name, at: stamp(signed.signed_at) }),
      generatedOn: stamp(this.core.clock.now()),
      verification: this.block(signed.verification_code),
    });
    return { buffer, fileName: `peredacha-tovara-${h.number}.pdf` };
  }
}
