import crypto from 'node:crypto';
import { fileTypeFromFile } from 'file-type';
import type { Actor } from '../../lib/actor.js';
import { ValidationError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import type { UploadedFile } from '../../lib/uploaded-file.js';
import { audit } from '../audit/audit.js';
import type { IssuedSignRequest } from '../signing/signing-service.js';
import { asSelf } from './context.js';
import type { ActForm, ActsCommon } from './acts-common.js';
import type { ActRow, ServiceOrderView } from './repository.js';
import {
  ACT_FILE_TYPES,
  MAX_ACT_BYTES,
  actFileProblem,
  actMachine,
  actPeriods,
  journalOpen,
  safeFileName,
} from './rules.js';
import type { SignedInput } from './schemas.js';

export type { UploadedFile };

/**
 * The scanned path (seed 001 items 13–20): the signed paper act is uploaded as a draft, confirmed with
 * the specialist's signature and sent to Е-Собес; a draft may be cancelled and expires after a day.
 */
export class ScannedActsService {
  constructor(private readonly a: ActsCommon) {}

  private get c() {
    return this.a.c;
  }

  /** The upload form: months from the confirmation to now that have no act yet. */
  async sendForm(actor: Actor, orderId: number) {
    const order = await this.a.executedOrder(this.c.db, actor, orderId);
    const periods: string[] = [];
    for (const p of actPeriods(order.detail.confirmed_on, this.a.today())) {
      if (!(await this.c.acts.lockingAct(this.c.db, orderId, p))) periods.push(p);
    }
    return {
      order,
      periods: periods.reverse(),
      canEndJointWork: journalOpen(order.status, order.detail.joint_work_ended),
    };
  }

  /**
   * «Отправить»: checks the month and the file (present, not empty, ≤ 10 MB, PDF/JPEG/PNG by its
   * content), stores it with its SHA-256 and keeps the act as a draft awaiting confirmation.
   * Nothing is stored when anything is refused.
   */
  async upload(actor: Actor, orderId: number, form: ActForm, file: UploadedFile | null): Promise<number> {
    const order = await this.a.executedOrder(this.c.db, actor, orderId);
    const fields: Record<string, string> = {};
    const periodProblem = await this.a.periodProblem(order, form.period);
    if (periodProblem) fields.period = periodProblem;
    // the content is read only for a file within the size (a larger one was not kept)
    const detected =
      file?.path && file.size > 0 && file.size <= MAX_ACT_BYTES
        ? await fileTypeFromFile(file.path)
        : undefined;
    const problem = actFileProblem(file, detected?.mime ?? null);
    if (problem) fields.file = `services:errors.file.${problem}`;
    const ends = form.endsJointWork === 'yes';
    const endsProblem = this.a.endsProblem(order, ends);
    if (endsProblem) fields.endsJointWork = endsProblem;
    if (!fields.period && !ends && (await this.a.monthHours(this.c.db, orderId, form.period)) === 0)
      fields.period = 'services:errors.noHoursInPeriod';
    if (Object.keys(fields).length) throw new ValidationError(fields);

    const mime = detected!.mime;
    const ext = ACT_FILE_TYPES[mime]!;
    const sha256 = file!.sha256;
    // the scan is written in the transaction of its act: both are stored, or neither
    return inTransaction(this.c.db, async (tx) => {
      await this.c.core.orders.lock(tx, orderId);
      const stored = `uploads/acts/${crypto.randomUUID()}.${ext}`;
      await this.c.core.files.put(tx, { path: file!.path! }, { name: stored, contentType: mime });
      const act = await this.c.acts.create(tx, 'upload', {
        order_id: orderId,
        specialist_person_id: actor.personId,
        recipient_id: order.recipient_id,
        period: form.period,
        method: 'scan',
        ends_joint_work: ends,
        file_path: stored,
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
  }

  /** The confirmation: «акт за выбранный месяц успешно сформирован и готов к отправке в Е-Собес». */
  async confirmPage(
    actor: Actor,
    actId: number,
  ): Promise<{ act: ActRow; order: ServiceOrderView; hours: number; signRequest: IssuedSignRequest }> {
    const act = await this.a.ownAct(this.c.db, actor, actId);
    const t = this.a.step(act, 'send', actor.roles, 'services:errors.actNotDraft');
    const order = await this.a.executedOrder(this.c.db, actor, act.order_id);
    const hours = await this.a.monthHours(this.c.db, act.order_id, act.period);
    const signRequest = await this.c.steps.issue(
      asSelf(actor),
      t.document!,
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

  /** «Подтвердить»: the act is sent to Е-Собес (outbox) and the month is locked, in one transaction. */
  async confirmSend(actor: Actor, actId: number, signed: SignedInput): Promise<ActRow> {
    const pre = await this.a.ownAct(this.c.db, actor, actId);
    return this.c.steps.apply(
      asSelf(actor),
      actMachine.document('send'),
      { type: 'service-act', id: actId },
      signed,
      async (tx, doc) => {
        await this.c.core.orders.lock(tx, pre.order_id);
        const act = (await this.c.acts.lock(tx, actId))!;
        this.a.step(act, 'send', actor.roles, 'services:errors.actNotDraft');
        return this.a.sendSigned(tx, act, 'send', 'specialist_signed_document_id', doc);
      },
    );
  }

  /** «Отменить» a draft (its file is removed) or withdraw an electronic act the recipient has not signed. */
  async cancel(actor: Actor, actId: number): Promise<ActRow> {
    const pre = await this.a.ownAct(this.c.db, actor, actId);
    const act = await inTransaction(this.c.db, async (tx) => {
      await this.c.core.orders.lock(tx, pre.order_id);
      const a = (await this.c.acts.lock(tx, actId))!;
      this.a.step(a, 'cancel', actor.roles, 'services:errors.actNotDraft');
      await this.c.acts.transition(tx, a, 'cancel');
      if (a.file_path) await this.c.core.files.remove(tx, a.file_path);
      await audit(tx, {
        actorId: actor.personId,
        action: 'service-act.cancel',
        objectType: 'service-act',
        objectId: actId,
      });
      return a;
    });
    return act;
  }

  /** Scans uploaded but neither confirmed nor cancelled within a day are dropped with their files. */
  async cleanupDrafts(maxAgeHours = 24): Promise<number> {
    const before = new Date(this.c.now().getTime() - maxAgeHours * 3600_000);
    const stale = await inTransaction(this.c.db, async (tx) => {
      const acts = await this.c.acts.cancelStaleDrafts(tx, before);
      for (const a of acts) if (a.file_path) await this.c.core.files.remove(tx, a.file_path);
      return acts;
    });
    return stale.length;
  }
}
