import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromFile } from 'file-type';
import type { Knex } from 'knex';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { astanaDate, astanaDateTime } from '../../lib/clock.js';
import { inTransaction } from '../../db/knex.js';
import { moveInto, type UploadedFile } from '../../lib/uploaded-file.js';
import { audit } from '../audit/audit.js';
import type {
  IssueInput,
  IssuedSignRequest,
  SignerCert,
  SignRequestRow,
} from '../signing/signing-service.js';
import type { AreaContext } from './context.js';
import type { ActRow, EntryRow, ServiceOrderView } from './repository.js';
import { renderActPdf, renderSheetPdf, type ActData } from './act-pdf.js';
import {
  ACT_FILE_TYPES,
  MAX_ACT_BYTES,
  actFileProblem,
  actPeriods,
  isPeriod,
  periodBounds,
  periodOf,
  safeFileName,
} from './rules.js';
import type { SignedInput } from './schemas.js';

export const ACT_SEND_PURPOSE = 'service-act-send';
export const ACT_ELECTRONIC_PURPOSE = 'service-act-electronic';
export const ACT_RECIPIENT_PURPOSE = 'service-act-recipient';

const UNIQUE_VIOLATION = '23505';

export type { UploadedFile };

const RU_MONTHS = [
  'январь',
  'февраль',
  'март',
  'апрель',
  'май',
  'июнь',
  'июль',
  'август',
  'сентябрь',
  'октябрь',
  'ноябрь',
  'декабрь',
];
const KK_MONTHS = [
  'қаңтар',
  'ақпан',
  'наурыз',
  'сәуір',
  'мамыр',
  'маусым',
  'шілде',
  'тамыз',
  'қыркүйек',
  'қазан',
  'қараша',
  'желтоқсан',
];

export function periodLabel(period: string): string {
  const [y, m] = period.split('-');
  const i = Number(m) - 1;
  return `${y} ж. ${KK_MONTHS[i]} / ${RU_MONTHS[i]} ${y} г.`;
}

/**
 * Monthly acts (seed 001 items 13–20, seed 002 for the electronic path): the PDF act and
 * accompaniment sheet; a scanned act uploaded, confirmed with the specialist's signature and sent to
 * Е-Собес; or an electronic act signed by the specialist and then by the recipient. Either locks the
 * month in the journal; an act with the end flag lets the specialist cancel the order.
 */
export class ActsService {
  constructor(private readonly c: AreaContext) {}

  private get uploadDir(): string {
    return path.join(this.c.core.config.dataDir, 'uploads', 'acts');
  }

  private today(): string {
    return astanaDate(this.c.now());
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
      rows.push({ order: o, hours, act: mine.find((a) => a.status !== 'draft') ?? null });
    }
    return { period, rows };
  }

  private async executedOrder(
    db: Knex | Knex.Transaction,
    actor: Actor,
    orderId: number,
  ): Promise<ServiceOrderView> {
    this.c.requireSpecialist(actor);
    const order = await this.c.specialistOrder(db, actor, orderId);
    if (!order.detail.confirmed_on) throw new NotFoundError();
    return order;
  }

  private checkPeriod(order: ServiceOrderView, period: string): void {
    if (!isPeriod(period) || !actPeriods(order.detail.confirmed_on, this.today()).includes(period))
      throw new NotFoundError();
  }

  /** The act of one order and month: entries, total, its act if any, what may be done. */
  async actPage(actor: Actor, orderId: number, period: string) {
    const order = await this.executedOrder(this.c.db, actor, orderId);
    this.checkPeriod(order, period);
    const { first, last } = periodBounds(period);
    const entries = await this.c.journal.entriesOfMonth(this.c.db, orderId, first, last);
    const total = entries.reduce((s, e) => s + e.hours, 0);
    const act = (await this.c.acts.lockingAct(this.c.db, orderId, period)) ?? null;
    return {
      order,
      period,
      entries,
      total,
      act,
      canSend: !act,
      canEndJointWork: order.status === 'in_progress' && !order.detail.joint_work_ended,
    };
  }

  private async actData(
    db: Knex | Knex.Transaction,
    order: ServiceOrderView,
    period: string,
    entries: EntryRow[],
  ): Promise<ActData> {
    const [specialist, recipient] = await Promise.all([
      this.c.person(db, order.detail.specialist_person_id),
      this.c.person(db, order.recipient_id),
    ]);
    const describe = (e: EntryRow) =>
      e.help_type === 'UZHYA'
        ? `${this.c.ru(`services:formatKk.${e.format ?? 'in_person'}`)} / ${this.c.ru(`services:format.${e.format ?? 'in_person'}`)}`
        : `${e.objects_kk ?? ''} / ${e.objects_ru ?? ''}`;
    return {
      orderNumber: order.number,
      periodLabel: periodLabel(period),
      serviceName: `${this.c.ru(`services:helpTypeKk.${order.help_type}`)} / ${this.c.ru(`services:helpType.${order.help_type}`)}`,
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
    const order = await this.executedOrder(this.c.db, actor, orderId);
    this.checkPeriod(order, period);
    return this.renderPdf(this.c.db, order, period, which);
  }

  private async renderPdf(
    db: Knex | Knex.Transaction,
    order: ServiceOrderView,
    period: string,
    which: 'act' | 'sheet',
  ) {
    const { first, last } = periodBounds(period);
    const entries = await this.c.journal.entriesOfMonth(db, order.id, first, last);
    const data = await this.actData(db, order, period, entries);
    const buffer = which === 'act' ? await renderActPdf(data) : await renderSheetPdf(data);
    return {
      buffer,
      fileName: `${which === 'act' ? 'akt' : 'list-soprovozhdeniya'}-${order.number}-${period}.pdf`,
    };
  }

  /** The upload form: months from the confirmation to now that have no act yet. */
  async sendForm(actor: Actor, orderId: number) {
    const order = await this.executedOrder(this.c.db, actor, orderId);
    const periods: string[] = [];
    for (const p of actPeriods(order.detail.confirmed_on, this.today())) {
      if (!(await this.c.acts.lockingAct(this.c.db, orderId, p))) periods.push(p);
    }
    return {
      order,
      periods: periods.reverse(),
      canEndJointWork: order.status === 'in_progress' && !order.detail.joint_work_ended,
    };
  }

  /**
   * «Отправить»: checks the month and the file (present, not empty, ≤ 10 MB, PDF/JPEG/PNG by its
   * content), stores it with its SHA-256 and keeps the act as a draft awaiting confirmation.
   * Nothing is stored when anything is refused.
   */
  async upload(
    actor: Actor,
    orderId: number,
    form: { period: string; endsJointWork?: 'yes' | undefined },
    file: UploadedFile | null,
  ): Promise<number> {
    const order = await this.executedOrder(this.c.db, actor, orderId);
    const fields: Record<string, string> = {};
    if (!actPeriods(order.detail.confirmed_on, this.today()).includes(form.period))
      fields.period = 'services:errors.periodInvalid';
    else if (await this.c.acts.lockingAct(this.c.db, orderId, form.period))
      fields.period = 'services:errors.actAlreadySent';
    // the content is read only for a file within the size (a larger one was not kept)
    const detected =
      file?.path && file.size > 0 && file.size <= MAX_ACT_BYTES
        ? await fileTypeFromFile(file.path)
        : undefined;
    const problem = actFileProblem(file, detected?.mime ?? null);
    if (problem) fields.file = `services:errors.file.${problem}`;
    const ends = form.endsJointWork === 'yes';
    if (ends && !(order.status === 'in_progress' && !order.detail.joint_work_ended))
      fields.endsJointWork = 'services:errors.endsNotPossible';
    if (!fields.period && !ends) {
      const { first, last } = periodBounds(form.period);
      if ((await this.c.journal.hoursOfMonth(this.c.db, orderId, first, last)) === 0)
        fields.period = 'services:errors.noHoursInPeriod';
    }
    if (Object.keys(fields).length) throw new ValidationError(fields);

    const mime = detected!.mime;
    const ext = ACT_FILE_TYPES[mime]!;
    const sha256 = file!.sha256;
    await fs.mkdir(this.uploadDir, { recursive: true });
    const stored = path.join(this.uploadDir, `${crypto.randomUUID()}.${ext}`);
    await moveInto(file!, stored, 0o600);
    try {
      return await inTransaction(this.c.db, async (tx) => {
        await this.c.core.orders.lock(tx, orderId);
        const act = await this.c.acts.insert(tx, {
          order_id: orderId,
          specialist_person_id: actor.personId,
          recipient_id: order.recipient_id,
          period: form.period,
          method: 'scan',
          status: 'draft',
          ends_joint_work: ends,
          file_path: path.relative(this.c.core.config.dataDir, stored),
          file_name: safeFileName(file!.originalname, ext),
          file_mime: mime,
          file_size: file!.size,
          file_sha256: sha256,
          created_at: this.c.now(),
        });
        await audit(tx, {
          actorId: actor.personId,
          action: 'service-act.upload',
          objectType: 'service-act',
          objectId: act.id,
          details: { period: form.period, sha256 },
        });
        return act.id;
      });
    } catch (err) {
      await fs.rm(stored, { force: true });
      throw err;
    }
  }

  private async ownAct(db: Knex | Knex.Transaction, actor: Actor, actId: number): Promise<ActRow> {
    this.c.requireSpecialist(actor);
    const act = await this.c.acts.find(db, actId);
    if (!act || act.specialist_person_id !== actor.personId) throw new NotFoundError();
    return act;
  }

  /** The confirmation: «акт за выбранный месяц успешно сформирован и готов к отправке в Е-Собес». */
  async confirmPage(
    actor: Actor,
    actId: number,
  ): Promise<{ act: ActRow; order: ServiceOrderView; hours: number; signRequest: IssuedSignRequest }> {
    const act = await this.ownAct(this.c.db, actor, actId);
    if (act.status !== 'draft') throw new AppError('services:errors.actNotDraft', 409);
    const order = await this.executedOrder(this.c.db, actor, act.order_id);
    const { first, last } = periodBounds(act.period);
    const hours = await this.c.journal.hoursOfMonth(this.c.db, act.order_id, first, last);
    const signRequest = await this.issueOwnAct(
      actor,
      ACT_SEND_PURPOSE,
      { type: 'service-act', id: act.id, version: 0 },
      {
        period: act.period,
        orderNumber: order.number,
        helpType: order.help_type,
        recipientName: order.recipient_name,
        specialistName: order.specialist_name,
        hours,
        fileName: act.file_name,
        fileSha256: act.file_sha256,
        endsJointWork: act.ends_joint_work,
      },
    );
    return { act, order, hours, signRequest };
  }

  /** Issues an act document the actor signs alone (as the specialist), about the act or the order. */
  private async issueOwnAct(
    actor: Actor,
    purpose: string,
    object: { type: 'service-act' | 'service-order'; id: number; version: number },
    payload: IssueInput['payload'],
  ): Promise<IssuedSignRequest> {
    const me = await this.c.person(this.c.db, actor.personId);
    return this.c.core.signing.issue({
      kind: 'act',
      purpose,
      keyType: 'SIGN',
      actor: { personId: me.id, iin: me.iin },
      object,
      payload,
    });
  }

  /**
   * Applies the actor's own signature of a step's document; a document issued for another object
   * than this one is 404.
   */
  private applyOn<T>(
    actor: Actor,
    signed: SignedInput,
    purpose: string,
    object: { type: 'service-act' | 'service-order'; id: number },
    fn: (tx: Knex.Transaction, doc: { id: number; request: SignRequestRow; cert: SignerCert }) => Promise<T>,
  ): Promise<T> {
    return this.c.core.signing.apply(
      {
        signRequestId: signed.signRequestId,
        signedXml: signed.signedXml,
        purpose,
        actorId: actor.personId,
        signer: 'individual',
      },
      async (tx, doc) => {
        if (doc.request.object_type !== object.type || doc.request.object_id !== String(object.id))
          throw new NotFoundError();
        return fn(tx, doc);
      },
    );
  }

  /** «Подтвердить»: the act is sent to Е-Собес (outbox) and the month is locked, in one transaction. */
  async confirmSend(actor: Actor, actId: number, signed: SignedInput): Promise<ActRow> {
    const pre = await this.ownAct(this.c.db, actor, actId);
    return this.applyOn(
      actor,
      signed,
      ACT_SEND_PURPOSE,
      { type: 'service-act', id: actId },
      async (tx, doc) => {
        await this.c.core.orders.lock(tx, pre.order_id);
        const act = (await this.c.acts.lock(tx, actId))!;
        if (act.status !== 'draft') throw new AppError('services:errors.actNotDraft', 409);
        return this.markSent(
          tx,
          act,
          { specialist_signed_document_id: doc.id },
          Number((doc.request.payload as { hours?: unknown }).hours),
        );
      },
    );
  }

  /** Sends an act: the month's hours must still be those signed; the outbox message; the end flag. */
  private async markSent(
    tx: Knex.Transaction,
    act: ActRow,
    patch: Partial<ActRow>,
    signedHours: number,
  ): Promise<ActRow> {
    const now = this.c.now();
    const order = (await this.c.serviceOrders.view(tx, act.order_id))!;
    const { first, last } = periodBounds(act.period);
    const hours = await this.c.journal.hoursOfMonth(tx, act.order_id, first, last);
    if (hours !== signedHours) throw new AppError('services:errors.actChanged', 409);
    try {
      await this.c.acts.update(tx, act.id, { ...patch, status: 'sent', hours, sent_at: now });
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION)
        throw new AppError('services:errors.actAlreadySent', 409);
      throw err;
    }
    if (act.ends_joint_work)
      await this.c.serviceOrders.updateDetail(tx, act.order_id, { joint_work_ended: true });
    await this.c.core.outbox.enqueue(tx, {
      system: 'esobes',
      topic: 'service-act',
      idempotencyKey: `service-act:${act.id}:sent`,
      payload: {
        actId: act.id,
        orderNumber: order.number,
        helpType: order.help_type,
        period: act.period,
        hours,
        method: act.method,
        recipientIin: order.recipient_iin,
        specialistIin: order.specialist_iin,
        endsJointWork: act.ends_joint_work,
        file: act.file_sha256
          ? { name: act.file_name, mime: act.file_mime, size: act.file_size, sha256: act.file_sha256 }
          : null,
        specialistSignedDocumentId: patch.specialist_signed_document_id ?? act.specialist_signed_document_id,
        recipientSignedDocumentId: patch.recipient_signed_document_id ?? act.recipient_signed_document_id,
        sentAt: now.toISOString(),
      },
    });
    await audit(tx, {
      actorId: act.specialist_person_id,
      principalId: act.recipient_id,
      action: 'service-act.sent',
      objectType: 'service-act',
      objectId: act.id,
      details: { period: act.period, hours, method: act.method, endsJointWork: act.ends_joint_work },
    });
    return (await this.c.acts.find(tx, act.id))!;
  }

  /** «Отменить» a draft (its file is removed) or withdraw an electronic act the recipient has not signed. */
  async cancel(actor: Actor, actId: number): Promise<ActRow> {
    const pre = await this.ownAct(this.c.db, actor, actId);
    const act = await inTransaction(this.c.db, async (tx) => {
      await this.c.core.orders.lock(tx, pre.order_id);
      const a = (await this.c.acts.lock(tx, actId))!;
      if (a.status !== 'draft' && a.status !== 'awaiting_recipient')
        throw new AppError('services:errors.actNotDraft', 409);
      await this.c.acts.update(tx, actId, { status: 'cancelled' });
      await audit(tx, {
        actorId: actor.personId,
        action: 'service-act.cancel',
        objectType: 'service-act',
        objectId: actId,
      });
      return a;
    });
    if (act.file_path) await fs.rm(path.join(this.c.core.config.dataDir, act.file_path), { force: true });
    return act;
  }

  // ------------------------------------------------------------------ the electronic path (seed 002)

  /** The specialist signs the month's act first; the recipient then signs it in their cabinet. */
  async issueElectronic(
    actor: Actor,
    orderId: number,
    form: { period: string; endsJointWork?: 'yes' | undefined },
  ) {
    const order = await this.executedOrder(this.c.db, actor, orderId);
    const fields: Record<string, string> = {};
    if (!actPeriods(order.detail.confirmed_on, this.today()).includes(form.period))
      fields.period = 'services:errors.periodInvalid';
    else if (await this.c.acts.lockingAct(this.c.db, orderId, form.period))
      fields.period = 'services:errors.actAlreadySent';
    const ends = form.endsJointWork === 'yes';
    if (ends && !(order.status === 'in_progress' && !order.detail.joint_work_ended))
      fields.endsJointWork = 'services:errors.endsNotPossible';
    const { first, last } = periodBounds(form.period);
    const entries = fields.period ? [] : await this.c.journal.entriesOfMonth(this.c.db, orderId, first, last);
    const hours = entries.reduce((s, e) => s + e.hours, 0);
    if (!fields.period && hours === 0 && !ends) fields.period = 'services:errors.noHoursInPeriod';
    if (Object.keys(fields).length) throw new ValidationError(fields);
    const signRequest = await this.issueOwnAct(
      actor,
      ACT_ELECTRONIC_PURPOSE,
      { type: 'service-order', id: order.id, version: 0 },
      this.actPayload(order, form.period, entries, ends),
    );
    return { signRequest, order, period: form.period, hours, entries, endsJointWork: ends };
  }

  private actPayload(order: ServiceOrderView, period: string, entries: EntryRow[], ends: boolean) {
    return {
      period,
      orderNumber: order.number,
      helpType: order.help_type,
      recipientName: order.recipient_name,
      specialistName: order.specialist_name,
      hours: entries.reduce((s, e) => s + e.hours, 0),
      endsJointWork: ends,
      entries: entries.map((e) => ({
        date: e.day,
        hours: e.hours,
        format: e.format ?? '',
        objectsKk: e.objects_kk ?? '',
        objectsRu: e.objects_ru ?? '',
      })),
    };
  }

  async createElectronic(actor: Actor, orderId: number, signed: SignedInput): Promise<ActRow> {
    await this.executedOrder(this.c.db, actor, orderId);
    return this.applyOn(
      actor,
      signed,
      ACT_ELECTRONIC_PURPOSE,
      { type: 'service-order', id: orderId },
      async (tx, doc) => {
        const p = doc.request.payload as { period?: string; hours?: number; endsJointWork?: boolean };
        const period = String(p.period ?? '');
        const order = await this.c.core.orders.lock(tx, orderId);
        if (await this.c.acts.lockingAct(tx, orderId, period))
          throw new AppError('services:errors.actAlreadySent', 409);
        const { first, last } = periodBounds(period);
        const hours = await this.c.journal.hoursOfMonth(tx, orderId, first, last);
        if (hours !== Number(p.hours)) throw new AppError('services:errors.actChanged', 409);
        let act: ActRow;
        try {
          act = await this.c.acts.insert(tx, {
            order_id: orderId,
            specialist_person_id: actor.personId,
            recipient_id: order.recipient_id,
            period,
            method: 'electronic',
            status: 'awaiting_recipient',
            ends_joint_work: Boolean(p.endsJointWork),
            hours,
            specialist_signed_document_id: doc.id,
            created_at: this.c.now(),
          });
        } catch (err) {
          if ((err as { code?: string }).code === UNIQUE_VIOLATION)
            throw new AppError('services:errors.actAlreadySent', 409);
          throw err;
        }
        await this.c.core.notifier.notify(
          tx,
          order.recipient_id,
          'services:sms.actToSign',
          { number: order.number, period },
          `service-act:${act.id}:to-sign`,
        );
        await audit(tx, {
          actorId: actor.personId,
          principalId: order.recipient_id,
          action: 'service-act.signed-by-specialist',
          objectType: 'service-act',
          objectId: act.id,
          signedDocumentId: doc.id,
        });
        return act;
      },
    );
  }

  /** The recipient's side: the act awaiting their signature («Подписать акт»). */
  async recipientActPage(actor: Actor, orderId: number, actId: number) {
    const order = await this.c.recipientOrder(this.c.db, actor, orderId);
    const act = await this.c.acts.find(this.c.db, actId);
    if (!act || act.order_id !== orderId || act.method !== 'electronic') throw new NotFoundError();
    const { first, last } = periodBounds(act.period);
    const entries = await this.c.journal.entriesOfMonth(this.c.db, orderId, first, last);
    let signRequest: IssuedSignRequest | null = null;
    if (act.status === 'awaiting_recipient') {
      const me = await this.c.person(this.c.db, actor.personId);
      const principal =
        actor.principalId === actor.personId ? me : await this.c.person(this.c.db, actor.principalId);
      signRequest = await this.c.core.signing.issue({
        kind: 'act',
        purpose: ACT_RECIPIENT_PURPOSE,
        keyType: 'SIGN',
        actor: { personId: me.id, iin: me.iin },
        principal: { personId: principal.id, iin: principal.iin },
        object: { type: 'service-act', id: act.id, version: 0 },
        payload: this.actPayload(order, act.period, entries, act.ends_joint_work),
      });
    }
    return { order, act, entries, total: entries.reduce((s, e) => s + e.hours, 0), signRequest };
  }

  async recipientSign(actor: Actor, orderId: number, actId: number, signed: SignedInput): Promise<ActRow> {
    await this.c.recipientOrder(this.c.db, actor, orderId);
    return this.applyOn(
      actor,
      signed,
      ACT_RECIPIENT_PURPOSE,
      { type: 'service-act', id: actId },
      async (tx, doc) => {
        await this.c.core.orders.lock(tx, orderId);
        const act = await this.c.acts.lock(tx, actId);
        if (!act || act.order_id !== orderId || act.recipient_id !== actor.principalId)
          throw new NotFoundError();
        if (act.status !== 'awaiting_recipient') throw new AppError('services:errors.actNotAwaiting', 409);
        return this.markSent(
          tx,
          act,
          { recipient_signed_document_id: doc.id },
          Number((doc.request.payload as { hours?: unknown }).hours),
        );
      },
    );
  }

  /** A recipient's copy of an act's PDF (any act of their order that was signed or sent). */
  async recipientPdf(actor: Actor, orderId: number, actId: number) {
    const order = await this.c.recipientOrder(this.c.db, actor, orderId);
    const act = await this.c.acts.find(this.c.db, actId);
    if (!act || act.order_id !== orderId || act.status === 'cancelled' || act.status === 'draft')
      throw new NotFoundError();
    return this.renderPdf(this.c.db, order, act.period, 'act');
  }

  // ------------------------------------------------------------------ «Отправленная документация»

  async documents(actor: Actor) {
    this.c.requireSpecialist(actor);
    return this.c.acts.sentBySpecialist(this.c.db, actor.personId);
  }

  /** The sent document: the stored scan, or for an electronic act its PDF. Always an attachment. */
  async download(actor: Actor, actId: number): Promise<{ buffer: Buffer; fileName: string; mime: string }> {
    const act = await this.ownAct(this.c.db, actor, actId);
    if (act.status !== 'sent' && act.status !== 'awaiting_recipient') throw new NotFoundError();
    if (act.method === 'scan' && act.file_path) {
      const abs = path.resolve(this.c.core.config.dataDir, act.file_path);
      if (!abs.startsWith(path.resolve(this.uploadDir) + path.sep)) throw new NotFoundError();
      const buffer = await fs.readFile(abs).catch(() => {
        throw new NotFoundError();
      });
      return {
        buffer,
        fileName: act.file_name ?? `act-${act.id}`,
        mime: act.file_mime ?? 'application/octet-stream',
      };
    }
    const order = await this.executedOrder(this.c.db, actor, act.order_id);
    const pdf = await this.renderPdf(this.c.db, order, act.period, 'act');
    return { buffer: pdf.buffer, fileName: pdf.fileName, mime: 'application/pdf' };
  }

  /** Scans uploaded but neither confirmed nor cancelled within a day are dropped with their files. */
  async cleanupDrafts(maxAgeHours = 24): Promise<number> {
    const before = new Date(this.c.now().getTime() - maxAgeHours * 3600_000);
    const stale = await inTransaction(this.c.db, (tx) => this.c.acts.cancelStaleDrafts(tx, before));
    for (const a of stale)
      if (a.file_path) await fs.rm(path.join(this.c.core.config.dataDir, a.file_path), { force: true });
    return stale.length;
  }

  periodOfToday(): string {
    return periodOf(this.today());
  }
}
