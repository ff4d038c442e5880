import type { Knex } from 'knex';

export interface AuditEntry {
  actorId?: number | null;
  principalId?: number | null;
  organisationId?: number | null;
  action: string;
  objectType?: string;
  objectId?: string | number;
  details?: Record<string, unknown>;
  signedDocumentId?: number | null;
  requestId?: string;
}

/** Appends to the audit log inside the caller's transaction (the change and its record commit together). */
export async function audit(tx: Knex | Knex.Transaction, e: AuditEntry): Promise<void> {
  await tx('audit_log').insert({
    actor_id: e.actorId ?? null,
    principal_id: e.principalId ?? null,
    organisation_id: e.organisationId ?? null,
    action: e.action,
    object_type: e.objectType ?? null,
    object_id: e.objectId === undefined ? null : String(e.objectId),
    details: JSON.stringify(e.details ?? {}),
    signed_document_id: e.signedDocumentId ?? null,
    request_id: e.requestId ?? null,
  });
}

/** The usual entry: a person's action on one object (`[type, id]`), with any further fields in `more`. */
export async function auditAction(
  tx: Knex | Knex.Transaction,
  actor: { personId: number },
  action: string,
  [objectType, objectId]: readonly [type: string, id: string | number],
  more: Omit<AuditEntry, 'actorId' | 'action' | 'objectType' | 'objectId'> = {},
): Promise<void> {
  await audit(tx, { actorId: actor.personId, action, objectType, objectId, ...more });
}
