import { supportMachine, type SupportStatus } from '../../modules/admin/support-rules.js';
import type {
  AttachmentRow,
  QueueRow,
  SupportEventRow,
  SupportRequestRow,
} from '../../modules/admin/support-service.js';
import type { RequesterCard } from '../../modules/admin/support-repository.js';
import type { Tone } from '../../modules/orders/state-machine.js';

/** A contact-centre request as its pages show it; the tone of its status comes from the machine. */
export interface SupportRequestView {
  id: number;
  number: string;
  status: SupportStatus;
  tone: Tone;
  version: number;
  receivedAt: Date;
  dueAt: Date | null;
  closedAt: Date | null;
  fixExpectedAt: Date | null;
  description: string;
  location: string;
  contactPhone: string | null;
  contactEmail: string | null;
  channel: string;
  contactName: string | null;
  contact: string | null;
  callerIin: string | null;
  chatConversationId: number | null;
}

export function supportRequestView(r: SupportRequestRow): SupportRequestView {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    tone: supportMachine.tone(r.status),
    version: r.version,
    receivedAt: r.received_at,
    dueAt: r.due_at,
    closedAt: r.closed_at,
    fixExpectedAt: r.fix_expected_at,
    description: r.description,
    location: r.location,
    contactPhone: r.contact_phone,
    contactEmail: r.contact_email,
    channel: r.channel,
    contactName: r.contact_name,
    contact: r.contact,
    callerIin: r.caller_iin,
    chatConversationId: r.chat_conversation_id,
  };
}

export function queueRowView(r: QueueRow): SupportRequestView & { personName: string; overdue: boolean } {
  return { ...supportRequestView(r), personName: r.person_name, overdue: r.overdue };
}

export function supportEventView(e: SupportEventRow) {
  return {
    at: e.at,
    action: e.action,
    toStatus: e.to_status,
    actorName: e.actor_name ?? null,
    comment: e.comment,
    onTime: e.on_time,
    noticeKey: e.notice_key,
    noticeParams: e.notice_params,
    notifiedAt: e.notified_at,
  };
}

/** A screenshot: its link and its size in whole kilobytes (rounded up). */
export function attachmentView(a: AttachmentRow) {
  return { id: a.id, sizeKb: Math.ceil(a.size_bytes / 1024) };
}

export function requesterView(p: RequesterCard | null) {
  if (!p) return null;
  return {
    id: p.id,
    fullName: `${p.surname} ${p.name} ${p.patronymic ?? ''}`,
    notifyChannel: p.notify_channel,
  };
}
