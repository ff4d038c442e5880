import type { TestContext } from '../../support/context.js';
import { personIdOf, signAs } from '../../support/http.js';
import type { Actor } from '../../../src/lib/actor.js';
import type { ServiceHelpType } from '../../../src/modules/specialist-services/rules.js';

/** The actor a dev-stand person is when logged in (recipients act for themselves). */
export async function actorOf(ctx: TestContext, key: string, roles: Actor['roles']): Promise<Actor> {
  const id = await personIdOf(ctx, key);
  return { personId: id, principalId: id, roles };
}

export async function specialistEntryId(
  ctx: TestContext,
  key: string,
  kind: ServiceHelpType,
): Promise<number> {
  const personId = await personIdOf(ctx, key);
  const row = (await ctx.db('specialists').where({ person_id: personId, kind }).first('id')) as {
    id: number;
  };
  return row.id;
}

/**
 * Through the services with real signatures: the recipient orders and signs the reimbursement
 * application, the specialist confirms. Returns the order id, «На исполнении».
 */
export async function orderInProgress(
  ctx: TestContext,
  recipientKey: string,
  specialistKey: string,
  helpType: ServiceHelpType,
): Promise<number> {
  const area = ctx.services.specialistServices;
  const recipient = await actorOf(ctx, recipientKey, ['recipient']);
  const specialist = await actorOf(ctx, specialistKey, ['specialist']);
  const sid = await specialistEntryId(ctx, specialistKey, helpType);
  const created = await area.orders.issueCreate(recipient, helpType, sid, {
    phone: '+77015550000',
    address: 'г. Астана, ул. Бейбітшілік, 12',
    comment: '',
  });
  const order = await area.orders.create(recipient, helpType, sid, {
    signRequestId: created.signRequest.id,
    signedXml: signAs(ctx, recipientKey, 'SIGN', created.signRequest.xml),
  });
  const confirm = await area.orders.issueAction(recipient, order.id, 'confirm');
  await area.orders.applyAction(recipient, order.id, 'confirm', {
    signRequestId: confirm.signRequest.id,
    signedXml: signAs(ctx, recipientKey, 'SIGN', confirm.signRequest.xml),
  });
  const accept = await area.orders.issueAction(specialist, order.id, 'accept');
  await area.orders.applyAction(specialist, order.id, 'accept', {
    signRequestId: accept.signRequest.id,
    signedXml: signAs(ctx, specialistKey, 'SIGN', accept.signRequest.xml),
  });
  return order.id;
}

/** The code the recipient received by SMS for a pending journal entry (read from the outbox). */
export async function smsCode(ctx: TestContext, codeId: number): Promise<string> {
  const row = (await ctx
    .db('outbox')
    .where({ idempotency_key: `sms:service-hours-code:${codeId}` })
    .first('payload')) as { payload: { text: string } } | undefined;
  const m = row ? /\b(\d{6})\b/.exec(row.payload.text) : null;
  if (!m) throw new Error(`no SMS code for ${codeId}`);
  return m[1]!;
}

/** Request a code for an entry and confirm it with the recipient's code. */
export async function addEntry(
  ctx: TestContext,
  specialistKey: string,
  orderId: number,
  entry: {
    day: string;
    hours: number;
    format?: 'in_person' | 'remote';
    objectsKk?: string;
    objectsRu?: string;
  },
) {
  const area = ctx.services.specialistServices;
  const specialist = await actorOf(ctx, specialistKey, ['specialist']);
  const codeId = await area.journal.requestCode(specialist, {
    order: orderId,
    day: entry.day,
    hours: entry.hours,
    ...(entry.format ? { format: entry.format } : {}),
    objectsKk: entry.objectsKk ?? '',
    objectsRu: entry.objectsRu ?? '',
  });
  return area.journal.confirmCode(specialist, codeId, await smsCode(ctx, codeId));
}
