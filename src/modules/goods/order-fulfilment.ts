/**
 * What the steps of a goods order do besides changing its status, one handler per effect named in
 * the machine's rows: keep the signed reimbursement application, reserve an item, release it, hand
 * the parcel to KazPost, hand the item over (stock leaves, the measure's volume is used, Е-Собес
 * learns of it). Each handler checks the step's input before the document is issued, and applies the
 * change inside the step's transaction.
 */
import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { EntitlementsModule } from '../entitlements/index.js';
import { AppError, ValidationError } from '../../lib/errors.js';
import type { FieldValue } from '../../eds/index.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { GoodsOrderRow, GoodsRepository, LocationRow } from './goods-repository.js';
import { locationLine, type LoadedOrder } from './order-access.js';
import {
  parseHandoverTime,
  reimbursementTiyn,
  reservableKinds,
  type GoodsAction,
  type GoodsEffect,
} from './rules.js';

/** What a step carries besides the transition itself (validated before the document is issued). */
export interface StepInput {
  reason?: string;
  locationId?: number;
  trackNumber?: string;
  handedOverAt?: string;
}

/** What a step's document says besides its number and statuses, for the sign page to summarise. */
export interface StepFacts {
  reimbursementTiyn?: number;
  surchargeTiyn?: number;
  reason?: string;
  location?: string;
  trackNumber?: string;
  handedOverAt?: Date;
  surchargeCollectedTiyn?: number;
}

/** The document's fields an effect adds, and the facts the sign page shows. */
export interface Checked {
  fields: Record<string, FieldValue>;
  facts: StepFacts;
}

/** The signed document's fields as the transaction reads them back. */
export interface StepPayload {
  locationId?: number;
  trackNumber?: string;
  handedOverAt?: string;
}

/** The change a step makes, gathered by its effect inside the transaction. */
export interface StepChange {
  tx: Knex.Transaction;
  docId: number;
  payload: StepPayload;
  now: Date;
  /** columns of goods_orders */
  patch: Partial<GoodsOrderRow>;
  /** what the order's event records */
  details: Record<string, unknown>;
}

interface EffectHandler {
  check?(o: LoadedOrder, action: GoodsAction, input: StepInput): Promise<Checked>;
  /** the change; what it returns runs after the status changed (with the changed order) */
  apply(
    o: LoadedOrder,
    action: GoodsAction,
    c: StepChange,
  ): Promise<((updated: OrderRow) => Promise<void>) | void>;
}

const none: Checked = { fields: {}, facts: {} };

export class GoodsFulfilment {
  private readonly handlers: Record<GoodsEffect, EffectHandler>;

  constructor(
    private readonly core: CoreServices,
    private readonly repo: GoodsRepository,
    private readonly entitlements: EntitlementsModule,
  ) {
    this.handlers = {
      keepApplication: {
        check: async ({ go }) => {
          const amount = reimbursementTiyn(go.price_tiyn, go.guaranteed_tiyn);
          return {
            fields: { amountTiyn: amount, priceTiyn: go.price_tiyn, surchargeTiyn: go.surcharge_tiyn },
            facts: { reimbursementTiyn: amount, surchargeTiyn: go.surcharge_tiyn },
          };
        },
        apply: async (_o, _a, c) => {
          c.patch.reimbursement_document_id = c.docId;
        },
      },
      reserve: {
        check: async ({ go }, _a, input) => {
          const loc = input.locationId ? await this.repo.location(this.core.db, input.locationId) : undefined;
          if (!loc || !canReserveAt(go, loc))
            throw new ValidationError({ locationId: 'goods:errors.reserveLocationRequired' });
          if ((await this.repo.available(this.core.db, go.goods_id, loc.id)) < 1)
            throw new ValidationError({ locationId: 'goods:errors.locationOutOfStock' });
          return {
            fields: { locationId: loc.id, location: locationLine(loc) },
            facts: { location: locationLine(loc) },
          };
        },
        apply: async ({ go }, _a, c) => {
          const loc = c.payload.locationId ? await this.repo.location(c.tx, c.payload.locationId) : undefined;
          if (!loc || !canReserveAt(go, loc)) throw new AppError('goods:errors.reserveLocationRequired', 409);
          if (!(await this.repo.reserveOne(c.tx, go.goods_id, loc.id, c.now)))
            throw new AppError('goods:errors.outOfStock', 409);
          c.patch.reservation = 'reserved';
          c.patch.reserved_location_id = loc.id;
          c.details.locationId = loc.id;
          c.details.location = locationLine(loc);
        },
      },
      release: {
        apply: async ({ go }, _a, c) => {
          if (go.reservation !== 'reserved') return;
          await this.repo.releaseOne(c.tx, go.goods_id, go.reserved_location_id!, c.now);
          c.patch.reservation = 'released';
        },
      },
      ship: {
        check: async (_o, _a, input) => {
          const track = (input.trackNumber ?? '').replace(/\s+/g, '').toUpperCase();
          if (!this.core.integrations.kazpost.isValidTrackNumber(track))
            throw new ValidationError({ trackNumber: 'goods:errors.trackInvalid' });
          return { fields: { trackNumber: track }, facts: { trackNumber: track } };
        },
        apply: async (_o, _a, c) => {
          const track = c.payload.trackNumber;
          if (!track || !this.core.integrations.kazpost.isValidTrackNumber(track))
            throw new AppError('goods:errors.trackInvalid', 409);
          c.patch.track_number = track;
          c.details.trackNumber = track;
        },
      },
      handOver: {
        check: async ({ order, go }, _a, input) => {
          const events = await this.core.orders.events(this.core.db, order.id);
          const notBefore = events.at(-1)?.at ?? order.status_changed_at;
          const parsed = parseHandoverTime(input.handedOverAt ?? '', {
            notBefore: new Date(notBefore),
            now: this.core.clock.now(),
          });
          if (!parsed.ok) throw new ValidationError({ handedOverAt: `goods:errors.${parsed.code}` });
          return {
            fields: { handedOverAt: parsed.at.toISOString() },
            facts: {
              handedOverAt: parsed.at,
              ...(go.surcharge_tiyn > 0 ? { surchargeCollectedTiyn: go.surcharge_tiyn } : {}),
            },
          };
        },
        apply: async ({ order, go }, action, c) => {
          if (go.reservation !== 'reserved' || !go.reserved_location_id)
            throw new AppError('order_action_not_allowed', 409, { action, status: order.status });
          const at = c.payload.handedOverAt ? new Date(c.payload.handedOverAt) : c.now;
          await this.repo.consumeOne(c.tx, go.goods_id, go.reserved_location_id, c.now);
          if (order.measure_id) await this.entitlements.consumeVolume(c.tx, order.measure_id, 1);
          c.patch.reservation = 'consumed';
          c.patch.handed_over_at = at;
          c.details.handedOverAt = at.toISOString();
          if (go.surcharge_tiyn > 0) c.details.surchargeTiyn = go.surcharge_tiyn;
          return (updated) => this.tellEsobes(c.tx, updated, go, c.docId, at);
        },
      },
    };
  }

  /** The effect's check of the step's input (nothing to check for most effects). */
  check(effect: GoodsEffect | undefined, o: LoadedOrder, action: GoodsAction, input: StepInput) {
    const check = effect ? this.handlers[effect].check : undefined;
    return check ? check(o, action, input) : Promise.resolve(none);
  }

  /** The effect's change inside the step's transaction; returns what runs after the status changed. */
  async apply(effect: GoodsEffect | undefined, o: LoadedOrder, action: GoodsAction, c: StepChange) {
    return effect ? ((await this.handlers[effect].apply(o, action, c)) ?? undefined) : undefined;
  }

  /** Е-Собес learns of the hand-over with the recipient's signed reimbursement application. */
  private async tellEsobes(
    tx: Knex.Transaction,
    order: OrderRow,
    go: GoodsOrderRow,
    handoverDocId: number,
    at: Date,
  ) {
    // one connection: the queries of a transaction run one after another
    const recipient = await this.core.people.findById(tx, order.recipient_id);
    const org = await this.core.people.organisationById(tx, go.organisation_id);
    const goods = await this.repo.goods(tx, go.goods_id);
    const measureExternalId = order.measure_id
      ? await this.repo.measureExternalId(tx, order.measure_id)
      : undefined;
    const docs = await this.repo.signedDocuments(tx, [go.reimbursement_document_id ?? 0, handoverDocId]);
    const ref = (id: number | null) => {
      const d = docs.find((x) => x.id === id);
      return d
        ? { signedDocumentId: d.id, sha256: d.signed_xml_sha256, xmlRef: `/documents/${d.id}/xml` }
        : null;
    };
    await this.core.outbox.enqueue(tx, {
      system: 'esobes',
      topic: 'goods.fulfilled',
      idempotencyKey: `goods-order:${order.id}:fulfilled`,
      payload: {
        orderNumber: order.number,
        measureExternalId: measureExternalId ?? null,
        recipientIin: recipient?.iin ?? null,
        helpType: order.help_type,
        supplierBin: org?.bin ?? null,
        goodsName: goods?.name ?? null,
        fulfilment: go.fulfilment,
        status: order.status,
        handedOverAt: at.toISOString(),
        priceTiyn: go.price_tiyn,
        guaranteedTiyn: go.guaranteed_tiyn,
        surchargeTiyn: go.surcharge_tiyn,
        reimbursementTiyn: reimbursementTiyn(go.price_tiyn, go.guaranteed_tiyn),
        quantity: 1,
        reimbursementApplication: ref(go.reimbursement_document_id),
        handoverDocument: ref(handoverDocId),
      },
    });
  }
}

/** Whether the supplier may reserve the order's item at this location. */
export function canReserveAt(go: GoodsOrderRow, loc: LocationRow): boolean {
  if (loc.organisation_id !== go.organisation_id || !loc.active) return false;
  if (!reservableKinds(go.fulfilment).includes(loc.kind)) return false;
  return go.location_id === null || go.location_id === loc.id;
}
