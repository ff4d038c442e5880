import type { Knex } from 'knex';
import type { Actor } from '../../lib/actor.js';
import { NotFoundError } from '../../lib/errors.js';
import { astanaDateTime } from '../../lib/clock.js';
import type { ActsCommon } from './acts-common.js';
import { assignedSpecialist } from './repository.js';
import type { EntryRow, ServiceOrderView } from './repository.js';
import { renderActPdf, renderSheetPdf, type ActData } from './act-pdf.js';
import { LOCKING_ACT_STATUSES, journalOpen, periodBounds, periodOf } from './rules.js';
import { actPeriodLabel, bilingual } from './texts.js';
import { publicBaseUrl } from '../../config.js';
import { verificationBlockFor } from '../verification/codes.js';
import type { ActRow } from './repository.js';

/**
 * The acts' documents (seed 001 items 13–20): the month's page with its act, the PDF act and
 * accompaniment sheet, «Отправленная документация» and the downloads of sent acts.
 */
export class ActDocumentsService {
  constructor(private readonly a: ActsCommon) {}

  private get c() {
    return this.a.c;
  }

  periodOfToday(): string {
    return periodOf(this.a.today());
  }

  /** «Найти» by year and month: the orders with service in that month and their act. */
  async search(actor: Actor, period: string) {
    this.c.requireSpecialist(actor);
    const { first, last } = periodBounds(period);
    const orders = (await this.c.serviceOrders.executedBySpecialist(this.c.db, actor.personId)).filter(
      (o) => (o.detail.confirmed_on ?? '9999') <= last,
    );
    const acts = await this.c.acts.ofOrders(
      this.c.db,
      orders.map((o) => o.id),
      period,
    );
    const rows = [];
    for (const o of orders) {
      const hours = await this.c.journal.hoursOfMonth(this.c.db, o.id, first, last);
      if (hours === 0 && o.status !== 'in_progress') continue;
      const mine = acts.filter((a) => a.order_id === o.id);
      // the month's act in force; else the latest the recipient refused to sign
      const act =
        mine.find((a) => LOCKING_ACT_STATUSES.includes(a.status)) ??
        mine.filter((a) => a.status === 'disputed').at(-1) ??
        null;
      rows.push({ order: o, hours, act });
    }
    return { period, rows };
  }

  /** The act of one order and month: entries, total, its act if any, what may be done. */
  async actPage(actor: Actor, orderId: number, period: string) {
    const order = await this.a.executedOrder(this.c.db, actor, orderId);
    this.a.checkPeriod(order, period);
    const entries = await this.a.monthEntries(this.c.db, orderId, period);
    const total = entries.reduce((s, e) => s + e.hours, 0);
    const act = (await this.c.acts.lockingAct(this.c.db, orderId, period)) ?? null;
    // acts of the month the recipient refused to sign, with their reasons (issue 19 item 7)
    const disputed = await this.c.acts.disputedOf(this.c.db, orderId, period);
    return {
      order,
      period,
      entries,
      total,
      act,
      disputed,
      canSend: !act,
      canEndJointWork: journalOpen(order.status, order.detail.joint_work_ended),
    };
  }

  private async actData(
    db: Knex | Knex.Transaction,
    order: ServiceOrderView,
    period: string,
    entries: EntryRow[],
  ): Promise<ActData> {
    const [specialist, recipient] = await Promise.all([
      this.c.person(db, assignedSpecialist(order.detail)),
      this.c.person(db, order.recipient_id),
    ]);
    const describe = (e: EntryRow) =>
      e.help_type === 'UZHYA'
        ? bilingual(
            `services:formatKk.${e.format ?? 'in_person'}`,
            `services:format.${e.format ?? 'in_person'}`,
          )
        : `${e.objects_kk ?? ''} / ${e.objects_ru ?? ''}`;
    return {
      orderNumber: order.number,
      periodLabel: actPeriodLabel(period),
      serviceName: bilingual(
        `services:helpTypeKk.${order.help_type}`,
        `services:helpType.${order.help_type}`,
      ),
      specialist: { name: order.specialist_name, iin: specialist.iin },
      recipient: { name: order.recipient_name, iin: recipient.iin, extra: order.detail.address },
      rows: entries.map((e) => ({
        date: e.day.split('-').reverse().join('.'),
        description: describe(e),
        hours: e.hours,
      })),
      totalHours: entries.reduce((s, e) => s + e.hours, 0),
      generatedOn: astanaDateTime(this.c.now()).toFormat('dd.MM.yyyy HH:mm'),
    };
  }

  /** «Сформировать акт и лист сопровождения»: one of the two PDF files. */
  async pdf(
    actor: Actor,
    orderId: number,
    period: string,
    which: 'act' | 'sheet',
  ): Promise<{ buffer: Buffer; fileName: string }> {
    const order = await this.a.executedOrder(this.c.db, actor, orderId);
    this.a.checkPeriod(order, period);
    return this.renderPdf(this.c.db, order, period, which);
  }

  private async renderPdf(
    db: Knex | Knex.Transaction,
    order: ServiceOrderView,
    period: string,
    which: 'act' | 'sheet',
    act?: ActRow,
  ) {
    const entries = await this.a.monthEntries(db, order.id, period);
    const data = await this.actData(db, order, period, entries);
    data.verification = await this.verification(db, order.id, period, act);
    const buffer = which === 'act' ? await renderActPdf(data) : await renderSheetPdf(data);
    return {
      buffer,
      fileName: `${which === 'act' ? 'akt' : 'list-soprovozhdeniya'}-${order.number}-${period}.pdf`,
    };
  }

  /** A recipient's copy of an act's PDF (any act of their order that was signed or sent). */
  async recipientPdf(actor: Actor, orderId: number, actId: number) {
    const order = await this.c.recipientOrder(this.c.db, actor, orderId);
    const act = await this.c.acts.find(this.c.db, actId);
    if (!act || act.order_id !== orderId || !LOCKING_ACT_STATUSES.includes(act.status))
      throw new NotFoundError();
    return this.renderPdf(this.c.db, order, act.period, 'act', act);
  }

  /**
   * The verification block of the month's act: the code of its latest signature (the recipient's,
   * else the specialist's); none while the act is not signed.
   */
  private async verification(db: Knex | Knex.Transaction, orderId: number, period: string, act?: ActRow) {
    const signedAct = act ?? (await this.c.acts.lockingAct(db, orderId, period));
    const docId = signedAct?.recipient_signed_document_id ?? signedAct?.specialist_signed_document_id;
    const doc = docId ? await this.c.core.signing.document(docId, db) : undefined;
    return doc ? verificationBlockFor(publicBaseUrl(this.c.core.config), doc.verification_code) : null;
  }

  /** «Отправленная документация». */
  async documents(actor: Actor) {
    this.c.requireSpecialist(actor);
    return this.c.acts.sentBySpecialist(this.c.db, actor.personId);
  }

  /** The sent document: the stored scan, or for an electronic act its PDF. Always an attachment. */
  async download(actor: Actor, actId: number): Promise<{ buffer: Buffer; fileName: string; mime: string }> {
    const act = await this.a.ownAct(this.c.db, actor, actId);
    if (!LOCKING_ACT_STATUSES.includes(act.status)) throw new NotFoundError();
    if (act.method === 'scan' && act.file_path) {
      // a scan is at most MAX_ACT_BYTES: sent whole, as the electronic act's PDF is
      const buffer = await this.c.core.files.readAll(act.file_path);
      if (!buffer) throw new NotFoundError();
      return {
        buffer,
        fileName: act.file_name ?? `act-${act.id}`,
        mime: act.file_mime ?? 'application/octet-stream',
      };
    }
    const order = await this.a.executedOrder(this.c.db, actor, act.order_id);
    const pdf = await this.renderPdf(this.c.db, order, act.period, 'act', act);
    return { buffer: pdf.buffer, fileName: pdf.fileName, mime: 'application/pdf' };
  }
}
