/**
 * The signed steps of a goods order, the recipient's and the supplier's alike: a step is a row of
 * goodsMachine; its document says how it is signed, its guard whether it fits the order, its effect
 * what else it does (run by GoodsFulfilment). Issue (check, then the document to sign) → apply
 * (verify, then the change, its evidence and its consequences in one transaction).
 */
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import type { Locale } from '../../lib/i18n.js';
import { audit } from '../audit/audit.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { IssuedSignRequest } from '../signing/signing-service.js';
import type { SignedInput } from '../signing/signed-steps.js';
import type { FieldValue } from '../../eds/index.js';
import type { GoodsRepository } from './goods-repository.js';
import { stepWords } from './documents.js';
import type { GoodsOrderAccess, LoadedOrder, Side } from './order-access.js';
import type { GoodsFulfilment, StepChange, StepFacts, StepInput, StepPayload } from './order-fulfilment.js';
import { goodsMachine, type GoodsAction, type GoodsStatus } from './rules.js';
import { GoodsServiceBase } from './service-base.js';

export type { StepInput } from './order-fulfilment.js';

export type RecipientAction = Extract<GoodsAction, 'confirm' | 'delete' | 'cancel'>;
export type SupplierAction = Exclude<GoodsAction, RecipientAction>;
export const RECIPIENT_ACTIONS: readonly RecipientAction[] = ['confirm', 'delete', 'cancel'];

/** What the step's document says, for the sign page to summarise. */
export interface StepSummary extends StepFacts {
  number: string;
  goodsName: string;
  from: GoodsStatus;
  to: GoodsStatus;
}

export class GoodsStepsService extends GoodsServiceBase {
  constructor(
    core: CoreServices,
    repo: GoodsRepository,
    private readonly access: GoodsOrderAccess,
    private readonly fulfilment: GoodsFulfilment,
  ) {
    super(core, repo);
  }

  /** The machine's row for this step on this order by this side, or the error why not. */
  private transitionFor({ order, go }: LoadedOrder, action: GoodsAction, side: Side, actor: Actor) {
    const isRecipientAction = (RECIPIENT_ACTIONS as readonly string[]).includes(action);
    if (isRecipientAction !== (side === 'recipient')) throw new NotFoundError();
    return goodsMachine.require(order.status, action, this.access.rolesOf(actor, side), {
      fulfilment: go.fulfilment,
    });
  }

  /**
   * Checks a step against the order as it is now and issues the document to sign (written in `lang`).
   * Field problems come back as a ValidationError, an impossible step as a 409.
   */
  async issueStep(
    actor: Actor,
    side: Side,
    orderId: number,
    action: GoodsAction,
    input: StepInput,
    lang: Locale,
  ): Promise<{ signRequest: IssuedSignRequest; summary: StepSummary }> {
    const loaded = await this.access.load(actor, side, orderId);
    const { order } = loaded;
    const transition = this.transitionFor(loaded, action, side, actor);
    const words = stepWords(action, order.number, lang);
    const goodsName = (order.details as { goodsName?: string }).goodsName ?? '';
    const fields: Record<string, FieldValue> = {
      orderNumber: order.number,
      action,
      from: order.status,
      to: transition.to,
      goodsName,
      statement: words.statement,
    };
    const facts: StepFacts = {};
    if (transition.document?.kind === 'refusal') {
      const reason = (input.reason ?? '').trim();
      if (transition.reasonRequired && reason.length < 3)
        throw new ValidationError({ reason: 'goods:errors.reasonRequired' });
      fields.reason = facts.reason = reason || words.noReason;
    }
    const checked = await this.fulfilment.check(transition.effect, loaded, action, input);
    Object.assign(fields, checked.fields);
    Object.assign(facts, checked.facts);
    const signRequest = await this.core.steps.issue(
      actor,
      goodsMachine.document(action),
      { type: 'goods-order', id: order.id, version: order.version },
      fields,
    );
    return {
      signRequest,
      summary: { number: order.number, goodsName, from: order.status, to: transition.to, ...facts },
    };
  }

  /** The signed step comes back: verified, then the change, its evidence and its consequences commit together. */
  async applyStep(
    actor: Actor,
    side: Side,
    orderId: number,
    action: GoodsAction,
    signed: SignedInput,
  ): Promise<OrderRow> {
    const step = goodsMachine.document(action);
    return this.core.steps.apply(
      actor,
      step,
      { type: 'goods-order', id: orderId },
      signed,
      async (tx, doc) => {
        const loaded = await this.access.lock(tx, actor, side, orderId);
        const { order, go } = loaded;
        const transition = this.transitionFor(loaded, action, side, actor);
        const p = doc.request.payload as unknown as StepPayload & { reason?: string };
        const change: StepChange = {
          tx,
          docId: doc.id,
          payload: p,
          now: this.core.clock.now(),
          patch: {},
          details: {},
        };
        const afterwards = await this.fulfilment.apply(transition.effect, loaded, action, change);
        if (Object.keys(change.patch).length > 0)
          await this.repo.updateGoodsOrder(tx, order.id, change.patch);

        const reason = p.reason && transition.document?.kind === 'refusal' ? p.reason : null;
        const updated = await this.core.orders.transition(tx, order, goodsMachine, action, {
          actorId: actor.personId,
          principalId: order.recipient_id,
          reason,
          signedDocumentId: doc.id,
          details: change.details,
          ...(p.trackNumber ? { mergeDetails: { trackNumber: p.trackNumber } } : {}),
          at: change.now,
          ...(doc.request.object_version !== null ? { expectedVersion: doc.request.object_version } : {}),
        });
        if (afterwards) await afterwards(updated);
        await audit(tx, {
          actorId: actor.personId,
          principalId: order.recipient_id,
          organisationId: go.organisation_id,
          action: `goods_order.${action}`,
          objectType: 'order',
          objectId: order.id,
          signedDocumentId: doc.id,
          details: { from: order.status, to: transition.to },
        });
        if (side === 'supplier') {
          await this.core.notifier.notify(
            tx,
            order.recipient_id,
            `goods:sms.${transition.to}`,
            {
              number: order.number,
              reason: reason ?? '',
              track: p.trackNumber ?? '',
              location: (change.details.location as string | undefined) ?? '',
            },
            `goods-order:${order.id}:${updated.version}`,
          );
        }
        return updated;
      },
    );
  }
}
