import type { Knex } from 'knex';
import type { QueueRow, SupportChannel, SupportRepository, SupportRequestRow } from './support-repository.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import type { Actor } from '../../lib/actor.js';
import type { Notifier } from '../notifications/notifications.js';
import { audit, auditAction } from '../audit/audit.js';
import { formatAstana } from './datetime.js';
import type { SiteService } from './site-service.js';
import {
  deadlineOf,
  deadlineTable,
  nextDeadline,
  NOTICE_KEYS,
  stepChanges,
  supportMachine,
  type SupportAction,
} from './support-rules.js';
import { supportDeadline } from './working-time.js';
import {
  detectImage,
  MAX_SCREENSHOT_BYTES,
  MAX_SCREENSHOTS,
  type FileStore,
  type UploadedFile,
} from './uploads.js';
import type { StoredFile } from '../files/index.js';

export type { AttachmentRow, QueueRow, SupportEventRow, SupportRequestRow } from './support-repository.js';

const OPERATOR_ROLES = ['operator', 'admin'] as const;

function isOperator(actor: Actor): boolean {
  return actor.roles.some((r) => (OPERATOR_ROLES as readonly string[]).includes(r));
}

/**
 * Contact-centre requests about technical failures (rules 15–16): a participant files one with
 * screenshots; the contact centre registers, analyses (confirms or refutes), escalates to the
 * administrator, who fixes; every step has its deadline in working time and notifies the participant.
 */
export class SupportService {
  constructor(
    private readonly db: Knex,
    private readonly repo: SupportRepository,
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly site: SiteService,
    private readonly files: FileStore,
  ) {}

  /** Checks the screenshots by their content: PNG or JPEG, at most 5 MB each, at most five. */
  async checkScreenshots(
    files: UploadedFile[],
  ): Promise<{ file: UploadedFile; mime: string; ext: string }[]> {
    const real = files.filter((f) => f.size > 0);
    if (real.length > MAX_SCREENSHOTS)
      throw new AppError('support:errors.tooManyScreenshots', 400, { count: MAX_SCREENSHOTS });
    const out: { file: UploadedFile; mime: string; ext: string }[] = [];
    for (const f of real) {
      if (f.size > MAX_SCREENSHOT_BYTES)
        throw new AppError('support:errors.screenshotTooLarge', 400, { name: f.originalname });
      const type = await detectImage(f);
      if (!type) throw new AppError('support:errors.screenshotType', 400, { name: f.originalname });
      out.push({ file: f, ...type });
    }
    return out;
  }

  async file(
    actor: Actor,
    input: { description: string; location: string },
    files: UploadedFile[],
  ): Promise<SupportRequestRow> {
    return this.create(
      { actor, description: input.description, location: input.location, channel: 'portal' },
      files,
    );
  }

  /**
   * A request from somebody who cannot or does not log in (the public form), from the chat, or one an
   * operator records from a phone call or a messenger (rule 16: every channel): the contact given
   * stands for the person; the deadlines of rule 15 are the same, counted from when it was received.
   */
  async fileFromChannel(
    input: {
      channel: Exclude<SupportChannel, 'portal'>;
      description: string;
      location?: string;
      contactName?: string | null;
      contact?: string | null;
      callerIin?: string | null;
      personId?: number | null;
      recordedBy?: Actor | null;
      chatConversationId?: number | null;
      receivedAt?: Date;
    },
    files: UploadedFile[] = [],
    tx?: Knex.Transaction,
  ): Promise<SupportRequestRow> {
    return this.create(
      {
        actor: input.recordedBy ?? null,
        personId: input.personId ?? null,
        description: input.description,
        location: input.location ?? '',
        channel: input.channel,
        contactName: input.contactName?.trim() || null,
        contact: input.contact?.trim() || null,
        callerIin: input.callerIin?.trim() || null,
        chatConversationId: input.chatConversationId ?? null,
        ...(input.receivedAt ? { receivedAt: input.receivedAt } : {}),
      },
      files,
      tx,
    );
  }

  private async create(
    input: {
      actor: Actor | null;
      personId?: number | null;
      description: string;
      location: string;
      channel: SupportChannel;
      contactName?: string | null;
      contact?: string | null;
      callerIin?: string | null;
      chatConversationId?: number | null;
      receivedAt?: Date;
    },
    files: UploadedFile[],
    outer?: Knex.Transaction,
  ): Promise<SupportRequestRow> {
    const shots = await this.checkScreenshots(files);
    const { actor } = input;
    // the person the request is about: the participant filing it on the portal, else one named
    const personId = input.channel === 'portal' ? (actor?.personId ?? null) : (input.personId ?? null);
    const work = async (tx: Knex.Transaction) => {
      const now = this.clock.now();
      const receivedAt =
        input.receivedAt && input.receivedAt.getTime() < now.getTime() ? input.receivedAt : now;
      const cal = await this.site.calendar(tx);
      const registerDue = supportDeadline('register', receivedAt, cal);
      const person = personId ? await this.repo.contactsOf(tx, personId) : null;
      if (personId && !person) throw new NotFoundError();
      if (!personId && !input.contact) throw new AppError('support:intake.contactRequired', 400);
      const r = await this.repo.insert(tx, {
        person_id: personId,
        principal_id:
          actor && input.channel === 'portal' && actor.principalId !== actor.personId
            ? actor.principalId
            : null,
        description: input.description.trim(),
        location: input.location.trim(),
        contact_phone: person?.phone ?? null,
        contact_email: person?.email ?? null,
        channel: input.channel,
        contact_name: input.contactName ?? null,
        contact: input.contact ?? null,
        caller_iin: input.callerIin ?? null,
        recorded_by: input.channel === 'portal' ? null : (actor?.personId ?? null),
        chat_conversation_id: input.chatConversationId ?? null,
        status: supportMachine.initial[0]!,
        received_at: receivedAt,
        register_due_at: registerDue,
        due_at: registerDue,
        created_at: now,
      });
      for (const s of shots) {
        await this.repo.insertAttachment(tx, {
          request_id: r.id,
          // written in the transaction of its row: both are stored, or neither
          file_name: await this.files.save(tx, s.ext, s.mime, s.file),
          mime: s.mime,
          size_bytes: s.file.size,
          original_name: s.file.originalname.slice(0, 255),
          sha256: s.file.sha256,
          uploaded_at: now,
        });
      }
      const params = { number: r.number, at: formatAstana(receivedAt), due: formatAstana(registerDue) };
      await this.repo.insertEvent(tx, {
        request_id: r.id,
        at: now,
        actor_id: actor?.personId ?? null,
        action: 'file',
        from_status: null,
        to_status: r.status,
        notice_key: NOTICE_KEYS.file,
        notice_params: params,
        notified_at: r.person_id ? now : null,
      });
      if (r.person_id)
        await this.notifier.notify(tx, r.person_id, NOTICE_KEYS.file, params, `support:${r.id}:file`);
      await audit(tx, {
        actorId: actor?.personId ?? null,
        ...(actor && input.channel === 'portal' ? { principalId: actor.principalId } : {}),
        action: 'support.filed',
        objectType: 'support_request',
        objectId: r.id,
        details: { number: r.number, screenshots: shots.length, channel: input.channel },
      });
      return r;
    };
    return outer ? work(outer) : inTransaction(this.db, work);
  }

  async listOwn(actor: Actor): Promise<SupportRequestRow[]> {
    return this.repo.ofPerson(this.db, actor.personId, 200);
  }

  private async details(id: number) {
    const request = await this.repo.find(this.db, id);
    if (!request) throw new NotFoundError();
    const events = await this.repo.events(this.db, id);
    const attachments = await this.repo.attachments(this.db, id);
    return { request, events, attachments };
  }

  /** The participant's own request (another person's answers 404). */
  async showOwn(actor: Actor, id: number) {
    const d = await this.details(id);
    if (d.request.person_id !== actor.personId) throw new NotFoundError();
    return { ...d, notices: d.events.filter((e) => e.notice_key) };
  }

  /** A screenshot, to its participant or to the contact centre. */
  async attachment(
    actor: Actor,
    requestId: number,
    attachmentId: number,
  ): Promise<{ file: StoredFile; mime: string; name: string }> {
    const row = await this.repo.attachment(this.db, requestId, attachmentId);
    if (!row || (row.person_id !== actor.personId && !isOperator(actor))) throw new NotFoundError();
    const file = await this.files.open(row.file_name);
    if (!file) throw new NotFoundError();
    return {
      file,
      mime: row.mime,
      name: `screenshot-${row.id}.${row.mime === 'image/png' ? 'png' : 'jpg'}`,
    };
  }

  /** The contact centre's queue: overdue first, then by the nearest deadline; closed ones last. */
  async queue(filter: { show?: 'open' | 'closed' | 'all'; number?: string } = {}): Promise<QueueRow[]> {
    return this.repo.queue(
      this.db,
      this.clock.now(),
      { show: filter.show ?? 'open', ...(filter.number ? { number: filter.number } : {}) },
      300,
    );
  }

  /** Open and overdue requests, for the cabinet's home page. */
  async summary(): Promise<{ open: number; overdue: number }> {
    return this.repo.openCounts(this.db, this.clock.now());
  }

  async showForOperator(actor: Actor, id: number) {
    const d = await this.details(id);
    const person = d.request.person_id ? await this.repo.requester(this.db, d.request.person_id) : null;
    const now = this.clock.now();
    return {
      ...d,
      person,
      actions: supportMachine.actionsFor(d.request.status, actor.roles),
      deadlines: deadlineTable(d.request, now),
      overdue: Boolean(
        d.request.due_at && !d.request.closed_at && new Date(d.request.due_at).getTime() < now.getTime(),
      ),
    };
  }

  /**
   * One step of the contact centre or the administrator. The row is locked; the version the operator
   * saw must still be current (two operators cannot both register the same request); the notice goes
   * out through the outbox in the same transaction.
   */
  async act(
    actor: Actor,
    id: number,
    action: SupportAction,
    input: { version: number; comment?: string; fixExpectedAt?: Date | null },
  ): Promise<SupportRequestRow> {
    return inTransaction(this.db, async (tx) => {
      const current = await this.repo.lock(tx, id);
      if (!current) throw new NotFoundError();
      if (current.version !== input.version) throw new ConflictError('support:errors.changedMeanwhile');
      const t = supportMachine.require(current.status, action, actor.roles);
      const comment = input.comment?.trim() || null;
      if (t.reasonRequired && !comment) throw new AppError('support:errors.commentRequired', 400);
      const now = this.clock.now();
      if (action === 'escalate') {
        if (!input.fixExpectedAt) throw new AppError('support:errors.fixExpectedRequired', 400);
        if (input.fixExpectedAt.getTime() <= now.getTime())
          throw new AppError('support:errors.fixExpectedPast', 400);
      }
      const cal = await this.site.calendar(tx);
      const due = deadlineOf(action, current);
      const changes = stepChanges(action, now, actor.personId, cal, {
        from: current.status,
        fixExpectedAt: input.fixExpectedAt ?? null,
      });
      const next = { ...current, ...changes, status: t.to } as SupportRequestRow;
      const row = await this.repo.update(tx, id, current.version, {
        ...changes,
        status: t.to,
        due_at: nextDeadline(next),
        closed_at: t.closes ? now : null,
      });
      if (!row) throw new ConflictError('support:errors.changedMeanwhile');

      const params: Record<string, string> = { number: row.number, at: formatAstana(now) };
      if (action === 'register' && row.analyse_due_at) params.due = formatAstana(row.analyse_due_at);
      if (action === 'escalate' && row.fix_expected_at) params.fixAt = formatAstana(row.fix_expected_at);
      params.comment = comment ?? '';
      await this.repo.insertEvent(tx, {
        request_id: id,
        at: now,
        actor_id: actor.personId,
        action,
        from_status: current.status,
        to_status: t.to,
        comment,
        due_at: due,
        on_time: due ? now.getTime() <= new Date(due).getTime() : null,
        notice_key: NOTICE_KEYS[action],
        notice_params: params,
        notified_at: now,
      });
      // a request without a person is answered through the contact it gave (the operator's call)
      if (row.person_id)
        await this.notifier.notify(tx, row.person_id, NOTICE_KEYS[action], params, `support:${id}:${action}`);
      await auditAction(tx, actor, `support.${action}`, ['support_request', id], {
        details: {
          from: current.status,
          to: t.to,
          onTime: due ? now.getTime() <= new Date(due).getTime() : null,
        },
      });
      return row;
    });
  }
}
