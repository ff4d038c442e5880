/**
 * Rows of the administration pages as the templates read them: camelCase view models of the
 * module's rows, so a template never names a database column.
 */
import type { AuditRow } from '../../modules/admin/audit-log-service.js';
import type { ContentRow, MediaRow } from '../../modules/admin/content-service.js';
import type { DevInbox } from '../../modules/admin/exchange-service.js';
import type { NoticeRow, NoticeState } from '../../modules/admin/site-service.js';
import type { PersonListRow, RoleGrant } from '../../modules/admin/users-service.js';
import type { OutboxRow } from '../../modules/outbox/outbox.js';
import type { PersonRow } from '../../modules/people/people-repository.js';

export function auditRowView(r: AuditRow) {
  return {
    id: r.id,
    at: r.at,
    source: r.source,
    action: r.action,
    actorName: r.actor_name,
    objectType: r.object_type,
    objectId: r.object_id,
    signedDocumentId: r.signed_document_id,
    details: r.details,
  };
}

export function personListView(p: PersonListRow) {
  return {
    id: p.id,
    fullName: `${p.surname} ${p.name} ${p.patronymic ?? ''}`,
    iin: p.iin,
    region: p.region,
    roles: p.roles,
    lastLoginAt: p.last_login_at,
  };
}

export function personView(p: PersonRow) {
  return {
    id: p.id,
    fullName: `${p.surname} ${p.name}${p.patronymic ? ` ${p.patronymic}` : ''}`,
    iin: p.iin,
    birthDate: p.birth_date,
    region: p.region,
    phone: p.phone,
    email: p.email,
    lastLoginAt: p.last_login_at,
  };
}

export function grantView(g: RoleGrant) {
  return {
    id: g.id,
    role: g.role,
    organisationName: g.organisation_name,
    grantedAt: g.granted_at,
    grantedByName: g.granted_by_name,
  };
}

export function contentListView(i: ContentRow & { media_count: number }) {
  return {
    id: i.id,
    kind: i.kind,
    title: i.title_ru,
    published: i.published,
    mediaCount: i.media_count,
    sort: i.sort,
    updatedAt: i.updated_at,
  };
}

export function mediaView(m: MediaRow) {
  return {
    id: m.id,
    kind: m.kind,
    lang: m.lang,
    mime: m.mime,
    sizeBytes: m.size_bytes,
    uploadedAt: m.uploaded_at,
  };
}

export function noticeListView(n: NoticeRow & { state: NoticeState }) {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title_ru,
    startsAt: n.starts_at,
    endsAt: n.ends_at,
    fixExpectedAt: n.fix_expected_at,
    state: n.state,
  };
}

export function outboxView(m: OutboxRow) {
  return {
    id: m.id,
    system: m.system,
    topic: m.topic,
    state: m.state,
    attempts: m.attempts,
    createdAt: m.created_at,
    deliveredAt: m.delivered_at,
    nextAttemptAt: m.next_attempt_at,
    lastError: m.last_error,
  };
}

export function devInboxView(inbox: DevInbox | null) {
  if (!inbox) return null;
  return {
    esobes: inbox.esobes.map((m) => ({
      id: m.id,
      receivedAt: m.received_at,
      topic: m.topic,
      idempotencyKey: m.idempotency_key,
      payload: m.payload,
    })),
    sms: inbox.sms.map((m) => ({ id: m.id, sentAt: m.sent_at, phone: m.phone, text: m.text })),
    email: inbox.email.map((m) => ({
      id: m.id,
      sentAt: m.sent_at,
      to: m.to,
      subject: m.subject,
      text: m.text,
    })),
  };
}
