import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import type { Actor } from '../../lib/actor.js';
import type { Notifier } from '../notifications/notifications.js';
import { audit } from '../audit/audit.js';
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
  type SupportStatus,
} from './support-rules.js';
import { supportDeadline } from './working-time.js';
import {
  detectImage,
  MAX_SCREENSHOT_BYTES,
  MAX_SCREENSHOTS,
  type FileStore,
  type UploadedFile,
} from './uploads.js';

export interface SupportRequestRow {
  id: number;
  number: string;
  person_id: number;
  principal_id: number | null;
  description: string;
  location: string;
  contact_phone: string | null;
  contact_email: string | null;
  status: SupportStatus;
  version: number;
  received_at: Date;
  register_due_at: Date;
  registered_at: Date | null;
  analyse_due_at: Date | null;
  analysed_at: Date | null;
  outcome: 'confirmed' | 'refuted' | null;
  outcome_notice_due_at: Date | null;
  outcome_notified_at: Date | null;
  escalate_due_at: Date | null;
  escalated_at: Date | null;
  fix_start_due_at: Date | null;
  fix_expected_at: Date | null;
  fixed_at: Date | null;
  fixed_notice_due_at: Date | null;
  fixed_notified_at: Date | null;
  due_at: Date | null;
  closed_at: Date | null;
}

export interface SupportEventRow {
  id: number;
  request_id: number;
  at: Date;
  actor_id: number | null;
  actor_name?: string | null;
  action: SupportAction | 'file';
  from_status: SupportStatus | null;
  to_status: SupportStatus;
  comment: string | null;
  due_at: Date | null;
  on_time: boolean | null;
  notice_key: string | null;
  notice_params: Record<string, string | number>;
  notified_at: Date | null;
}

export interface AttachmentRow {
  id: number;
  request_id: number;
  file_name: string;
  mime: string;
  size_bytes: number;
  original_name: string;
  uploaded_at: Date;
}

export interface QueueRow extends SupportRequestRow {
  person_name: string;
  overdue: boolean;
}

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
    const shots = await this.checkScreenshots(files);
    const stored: string[] = [];
    try {
      for (const s of shots) stored.push(await this.files.save('support', s.ext, s.file));
      return await inTransaction(this.db, async (tx) => {
        const now = this.clock.now();
        const cal = await this.site.calendar(tx);
        const registerDue = supportDeadline('register', now, cal);
        const person = (await tx('persons').where({ id: actor.personId }).first('phone', 'email')) as
          { phone: string | null; email: string | null } | undefined;
        if (!person) throw new NotFoundError();
        const [row] = (await tx('support_requests')
          .insert({
            number: tx.raw(
              `'SR-' || to_char(?::timestamptz at time zone 'Asia/Almaty', 'YYYY') || '-' || lpad(nextval('support_request_number_seq')::text, 5, '0')`,
              [now],
            ),
            person_id: actor.personId,
            principal_id: actor.principalId !== actor.personId ? actor.principalId : null,
            description: input.description.trim(),
            location: input.location.trim(),
            contact_phone: person.phone,
            contact_email: person.email,
            status: 'new',
            received_at: now,
            register_due_at: registerDue,
            due_at: registerDue,
            created_at: now,
          })
          .returning('*')) as SupportRequestRow[];
        const r = row!;
        for (const [i, s] of shots.entries()) {
          await tx('support_attachments').insert({
            request_id: r.id,
            file_name: stored[i],
            mime: s.mime,
            size_bytes: s.file.size,
            original_name: s.file.originalname.slice(0, 255),
            sha256: s.file.sha256,
            uploaded_at: now,
          });
        }
        const params = { number: r.number, at: formatAstana(now), due: formatAstana(registerDue) };
        await tx('support_request_events').insert({
          request_id: r.id,
          at: now,
          actor_id: actor.personId,
          action: 'file',
          from_status: null,
          to_status: 'new',
          notice_key: NOTICE_KEYS.file,
          notice_params: JSON.stringify(params),
          notified_at: now,
        });
        await this.notifier.notify(tx, r.person_id, NOTICE_KEYS.file, params, `support:${r.id}:file`);
        await audit(tx, {
          actorId: actor.personId,
          principalId: actor.principalId,
          action: 'support.filed',
          objectType: 'support_request',
          objectId: r.id,
          details: { number: r.number, screenshots: shots.length },
        });
        return r;
      });
    } catch (err) {
      for (const name of stored) await this.files.remove('support', name);
      throw err;
    }
  }

  async listOwn(actor: Actor): Promise<SupportRequestRow[]> {
    return (await this.db('support_requests')
      .where({ person_id: actor.personId })
      .orderBy('received_at', 'desc')
      .limit(200)) as SupportRequestRow[];
  }

  private async details(id: number) {
    const request = (await this.db('support_requests').where({ id }).first()) as
      SupportRequestRow | undefined;
    if (!request) throw new NotFoundError();
    const events = (await this.db('support_request_events as e')
      .leftJoin('persons as p', 'p.id', 'e.actor_id')
      .where('e.request_id', id)
      .orderBy('e.id')
      .select(
        'e.*',
        this.db.raw(`concat_ws(' ', p.surname, p.name, p.patronymic) as actor_name`),
      )) as SupportEventRow[];
    const attachments = (await this.db('support_attachments')
      .where({ request_id: id })
      .orderBy('id')) as AttachmentRow[];
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
  ): Promise<{ path: string; mime: string; name: string }> {
    const row = (await this.db('support_attachments as a')
      .join('support_requests as r', 'r.id', 'a.request_id')
      .where({ 'a.id': attachmentId, 'a.request_id': requestId })
      .first('a.*', 'r.person_id')) as (AttachmentRow & { person_id: number }) | undefined;
    if (!row || (row.person_id !== actor.personId && !isOperator(actor))) throw new NotFoundError();
    const p = this.files.pathOf('support', row.file_name);
    if (!p) throw new NotFoundError();
    return {
      path: p,
      mime: row.mime,
      name: `screenshot-${row.id}.${row.mime === 'image/png' ? 'png' : 'jpg'}`,
    };
  }

  /** The contact centre's queue: overdue first, then by the nearest deadline; closed ones last. */
  async queue(filter: { show?: 'open' | 'closed' | 'all'; number?: string } = {}): Promise<QueueRow[]> {
    const now = this.clock.now();
    const q = this.db('support_requests as r')
      .join('persons as p', 'p.id', 'r.person_id')
      .select(
        'r.*',
        this.db.raw(`concat_ws(' ', p.surname, p.name, p.patronymic) as person_name`),
        this.db.raw('(r.closed_at is null and r.due_at < ?) as overdue', [now]),
      )
      .orderByRaw('case when r.closed_at is not null then 2 when r.due_at < ? then 0 else 1 end', [now])
      .orderByRaw('r.due_at asc nulls last')
      .orderBy('r.received_at', 'desc')
      .limit(300);
    const show = filter.show ?? 'open';
    if (show === 'open') q.whereNull('r.closed_at');
    if (show === 'closed') q.whereNotNull('r.closed_at');
    if (filter.number) q.whereILike('r.number', `%${filter.number.replace(/[%_\\]/g, '')}%`);
    return (await q) as QueueRow[];
  }

  /** Open and overdue requests, for the cabinet's home page. */
  async summary(): Promise<{ open: number; overdue: number }> {
    const now = this.clock.now();
    const row = (await this.db('support_requests')
      .whereNull('closed_at')
      .first(
        this.db.raw('count(*)::int as open'),
        this.db.raw('(count(*) filter (where due_at < ?))::int as overdue', [now]),
      )) as { open: number; overdue: number } | undefined;
    return { open: row?.open ?? 0, overdue: row?.overdue ?? 0 };
  }

  async showForOperator(actor: Actor, id: number) {
    const d = await this.details(id);
    const person = (await this.db('persons')
      .where({ id: d.request.person_id })
      .first('id', 'surname', 'name', 'patronymic', 'notify_channel', 'locale')) as {
      id: number;
      surname: string;
      name: string;
      patronymic: string | null;
      notify_channel: string;
      locale: string;
    };
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
      const current = (await tx('support_requests').where({ id }).forUpdate().first()) as
        SupportRequestRow | undefined;
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
      const [row] = (await tx('support_requests')
        .where({ id, version: current.version })
        .update({
          ...changes,
          status: t.to,
          version: current.version + 1,
          due_at: nextDeadline(next),
          closed_at: t.closes ? now : null,
        })
        .returning('*')) as SupportRequestRow[];
      if (!row) throw new ConflictError('support:errors.changedMeanwhile');

      const params: Record<string, string> = { number: row.number, at: formatAstana(now) };
      if (action === 'register' && row.analyse_due_at) params.due = formatAstana(row.analyse_due_at);
      if (action === 'escalate' && row.fix_expected_at) params.fixAt = formatAstana(row.fix_expected_at);
      params.comment = comment ?? '';
      await tx('support_request_events').insert({
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
        notice_params: JSON.stringify(params),
        notified_at: now,
      });
      await this.notifier.notify(tx, row.person_id, NOTICE_KEYS[action], params, `support:${id}:${action}`);
      await audit(tx, {
        actorId: actor.personId,
        action: `support.${action}`,
        objectType: 'support_request',
        objectId: id,
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
