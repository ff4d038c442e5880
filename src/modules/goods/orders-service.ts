import { addressLine } from '../../lib/address.js';
import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { EntitlementsModule } from '../entitlements/index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { tFor, type Locale } from '../../lib/i18n.js';
import { astanaDate } from '../../lib/clock.js';
import { measureAction } from '../entitlements/rules.js';
import { formatTiyn } from '../../lib/money.js';
import { audit } from '../audit/audit.js';
import { type PersonRow } from '../people/people-repository.js';
import { fullName } from '../people/names.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { IssuedSignRequest } from '../signing/signing-service.js';
import type { FieldValue } from '../../eds/index.js';
import type {
  DeliveryAddress,
  GoodsOrderRow,
  GoodsRepository,
  LocationRow,
  MeasureFacts,
  OpenOrderFacts,
  TsrKindRow,
} from './goods-repository.js';
import type { CreateOrderInput } from './schemas.js';
import {
  actionFits,
  actionsFor,
  documentKindFor,
  goodsMachine,
  isGoodsStatus,
  isHandover,
  locationKindFor,
  parseHandoverTime,
  reimbursementTiyn,
  reservableKinds,
  statusTone,
  surchargeTiyn,
  toLocalInput,
  type Fulfilment,
  type GoodsAction,
  type GoodsStatus,
} from './rules.js';

export type RecipientAction = Extract<GoodsAction, 'confirm' | 'delete' | 'cancel'>;
export type SupplierAction = Exclude<GoodsAction, RecipientAction>;
export const RECIPIENT_ACTIONS: readonly RecipientAction[] = ['confirm', 'delete', 'cancel'];

/** What a step carries besides the transition itself (validated before the document is issued). */
export interface StepInput {
  reason?: string;
  locationId?: number;
  trackNumber?: string;
  handedOverAt?: string;
}

interface CreatePayload {
  title: string;
  helpType: string;
  kindName: string;
  goodsId: number;
  goodsName: string;
  supplierBin: string;
  supplierName: string;
  fulfilment: Fulfilment;
  fulfilmentName: string;
  locationId?: number;
  location?: string;
  deliveryAddress?: DeliveryAddress;
  contactPhone?: string;
  comment?: string;
  priceTiyn: number;
  guaranteedTiyn: number;
  surchargeTiyn: number;
  [key: string]: FieldValue;
}

interface StepPayload {
  orderNumber: string;
  action: GoodsAction;
  from: string;
  to: string;
  reason?: string;
  locationId?: number;
  trackNumber?: string;
  handedOverAt?: string;
  [key: string]: FieldValue;
}

export interface SignStep {
  signRequest: IssuedSignRequest;
  summary: { label: string; value: string }[];
}

const PURPOSE_CREATE = 'goods.create';
const purposeOf = (a: GoodsAction) => `goods.${a}`;

function kindName(kind: Pick<TsrKindRow, 'name_ru' | 'name_kk' | 'name_en'>, lang: Locale): string {
  return lang === 'kk' ? kind.name_kk : lang === 'en' ? kind.name_en : kind.name_ru;
}

function locationLine(l: LocationRow): string {
  return `${l.name}: ${[l.region, l.locality, l.address].filter(Boolean).join(', ')}`;
}

/**
 * Goods orders from choice to hand-over: the recipient's creation window and steps, the supplier's
 * processing, stock reservations, the measure's volume and Е-Собес. Every step is a signed document.
 */
export class GoodsOrdersService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: GoodsRepository,
    private readonly entitlements: EntitlementsModule,
  ) {}

  private get db(): Knex {
    return this.core.db;
  }

  private async person(id: number): Promise<PersonRow> {
    const p = await this.core.people.findById(this.db, id);
    if (!p) throw new NotFoundError();
    return p;
  }

  /**
   * Why the recipient may not order this kind now, or null: the entitlement module's own rule over
   * the measure and any open order, read without locks (pages only; the creating transaction runs
   * assertCanOrder with its row lock).
   */
  private async orderBlocker(
    recipientId: number,
    helpType: string,
  ): Promise<{ key: string; params: Record<string, string | number> } | null> {
    return (await this.orderState(recipientId, helpType)).blocker;
  }

  private async orderState(
    recipientId: number,
    helpType: string,
  ): Promise<{
    blocker: { key: string; params: Record<string, string | number> } | null;
    open: OpenOrderFacts | null;
  }> {
    const { measure, open } = await this.repo.orderFacts(this.db, recipientId, helpType);
    return { blocker: this.blockerOf(helpType, measure, open), open };
  }

  private blockerOf(
    helpType: string,
    m: MeasureFacts | null,
    open: OpenOrderFacts | null,
  ): { key: string; params: Record<string, string | number> } | null {
    if (!m) return { key: 'entitlements:errors.noMeasure', params: {} };
    const action = measureAction(
      {
        id: m.id,
        helpType,
        category: 'tsr',
        status: m.status,
        volume: m.volume,
        usedVolume: m.used_volume,
        deadline: m.deadline,
      },
      open ? { id: open.id, number: open.number, kind: open.kind } : null,
      astanaDate(this.core.clock.now()),
    );
    switch (action.kind) {
      case 'choose':
        return null;
      case 'openOrder':
        return { key: 'errors:one_open_order_per_help_type', params: {} };
      case 'activate':
        return { key: 'entitlements:errors.choiceBlocked', params: {} };
      case 'activationPending':
        return { key: 'entitlements:errors.activationPending', params: {} };
      default:
        return {
          key:
            action.reasonKey === 'fulfilled'
              ? 'entitlements:errors.volumeExhausted'
              : action.reasonKey === 'deadlinePassed'
                ? 'entitlements:errors.deadlinePassed'
                : 'entitlements:errors.noMeasure',
          params: {},
        };
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Recipient: «Технические средства реабилитации» → «Выбрать» → «Заказать»

  /** The ТСР the principal is entitled to by the IPR, with any open order of each kind. */
  async entitled(actor: Actor) {
    const [measures, open] = await Promise.all([
      this.repo.tsrMeasures(this.db, actor.principalId),
      this.repo.openOrders(this.db, actor.principalId),
    ]);
    return measures.map((m) => ({
      ...m,
      remaining: m.volume - m.used_volume,
      openOrder: open.find((o) => o.help_type === m.help_type) ?? null,
    }));
  }

  /** Goods of a ТСР kind from suppliers serving the principal's region, with price, surcharge and availability. */
  async offers(actor: Actor, helpType: string) {
    const kind = await this.repo.kindForPerson(this.db, helpType, actor.principalId);
    if (!kind) throw new NotFoundError();
    const [goods, { blocker, open }] = await Promise.all([
      this.repo.offers(this.db, helpType, kind.person_region),
      this.orderState(actor.principalId, helpType),
    ]);
    return {
      kind,
      region: kind.person_region,
      blocker,
      openOrder: open ? { id: open.id, number: open.number } : null,
      goods: goods.map((g) => ({
        ...g,
        guaranteed_tiyn: kind.guaranteed_sum_tiyn ?? 0,
        surcharge_tiyn: surchargeTiyn(g.price_tiyn, kind.guaranteed_sum_tiyn),
      })),
    };
  }

  /** The creation window for an article: its fulfilment options and where it can be received. */
  async creationWindow(actor: Actor, helpType: string, goodsId: number) {
    const kind = await this.repo.tsrKind(this.db, helpType);
    const goods = await this.repo.goods(this.db, goodsId);
    if (!kind || !goods || goods.help_type !== helpType || !(await this.repo.isOffered(this.db, goods.id)))
      throw new NotFoundError();
    const principal = await this.person(actor.principalId);
    if (!goods.regions.includes(principal.region)) throw new NotFoundError();
    const org = (await this.repo.organisation(this.db, goods.organisation_id))!;
    const stock = await this.repo.stockLines(this.db, goods.id, org.id);
    const lines = stock
      .filter((s) => s.active && (s.quantity > 0 || s.reserved > 0))
      .map((s) => ({ ...s, available: s.quantity - s.reserved }));
    const blocker = await this.orderBlocker(principal.id, helpType);
    return {
      kind,
      goods,
      org,
      guaranteedTiyn: kind.guaranteed_sum_tiyn ?? 0,
      surchargeTiyn: surchargeTiyn(goods.price_tiyn, kind.guaranteed_sum_tiyn),
      options: goods.delivery_options,
      stationaryPoints: lines.filter((l) => l.kind === 'stationary' && l.available > 0),
      warehouses: lines.filter((l) => l.kind === 'warehouse' && l.available > 0),
      blocker,
      defaults: {
        region: principal.region,
        locality: principal.address?.locality ?? principal.locality,
        street: principal.address?.street ?? '',
        house: principal.address?.house ?? '',
        flat: principal.address?.flat ?? '',
        phone: principal.phone ?? '',
      },
    };
  }

  /** «Создать»: checks the choice and issues the order document to sign. */
  async prepareCreate(
    actor: Actor,
    helpType: string,
    goodsId: number,
    input: CreateOrderInput,
    lang: Locale,
  ): Promise<SignStep> {
    const w = await this.creationWindow(actor, helpType, goodsId);
    const t = tFor(lang);
    if (w.blocker) throw new AppError(w.blocker.key, 409, w.blocker.params);
    if (!w.options.includes(input.fulfilment))
      throw new ValidationError({ fulfilment: 'goods:errors.fulfilmentRequired' });

    let location: LocationRow | undefined;
    const wantKind = locationKindFor(input.fulfilment);
    if (wantKind) {
      const field = wantKind === 'stationary' ? 'stationaryId' : 'warehouseId';
      const id = Number(wantKind === 'stationary' ? input.stationaryId : input.warehouseId);
      location = await this.repo.location(this.db, id);
      if (
        !location ||
        location.organisation_id !== w.org.id ||
        location.kind !== wantKind ||
        !location.active
      ) {
        throw new ValidationError({
          [field]: `goods:errors.${field === 'stationaryId' ? 'stationaryRequired' : 'warehouseRequired'}`,
        });
      }
      if ((await this.repo.available(this.db, goodsId, location.id)) < 1)
        throw new ValidationError({ [field]: 'goods:errors.locationOutOfStock' });
    }
    let deliveryAddress: DeliveryAddress | undefined;
    if (input.fulfilment === 'courier' || input.fulfilment === 'home') {
      const region = input.region ?? '';
      if (!w.goods.regions.includes(region))
        throw new ValidationError({ region: 'goods:errors.regionNotServed' });
      deliveryAddress = {
        region,
        locality: input.locality,
        street: input.street,
        house: input.house,
        ...(input.flat ? { flat: input.flat } : {}),
      };
    }

    const actorPerson = await this.person(actor.personId);
    const principal =
      actor.principalId === actor.personId ? actorPerson : await this.person(actor.principalId);
    const kn = kindName(w.kind, lang);
    const payload: CreatePayload = {
      title: t('goods:doc.createTitle', { kind: kn }),
      helpType,
      kindName: kn,
      goodsId: w.goods.id,
      goodsName: w.goods.name,
      supplierBin: w.org.bin,
      supplierName: w.org.name,
      fulfilment: input.fulfilment,
      fulfilmentName: t(`goods:fulfilment.${input.fulfilment}`),
      ...(location ? { locationId: location.id, location: locationLine(location) } : {}),
      ...(deliveryAddress ? { deliveryAddress } : {}),
      ...(input.phone ? { contactPhone: input.phone } : {}),
      ...(input.comment ? { comment: input.comment } : {}),
      priceTiyn: w.goods.price_tiyn,
      guaranteedTiyn: w.guaranteedTiyn,
      surchargeTiyn: w.surchargeTiyn,
    };
    const signRequest = await this.core.signing.issue({
      kind: 'order',
      purpose: PURPOSE_CREATE,
      keyType: 'SIGN',
      actor: { personId: actorPerson.id, iin: actorPerson.iin },
      principal: { personId: principal.id, iin: principal.iin },
      object: { type: 'goods', id: w.goods.id, version: 0 },
      payload,
    });
    const money = (v: number) => formatTiyn(v, lang);
    const summary = [
      { label: t('goods:field.kind'), value: kn },
      { label: t('goods:field.goods'), value: w.goods.name },
      { label: t('goods:field.supplier'), value: w.org.name },
      { label: t('goods:field.fulfilment'), value: payload.fulfilmentName },
      ...(location ? [{ label: t('goods:field.location'), value: locationLine(location) }] : []),
      ...(deliveryAddress ? [{ label: t('goods:field.address'), value: addressLine(deliveryAddress) }] : []),
      ...(input.phone ? [{ label: t('goods:field.phone'), value: input.phone }] : []),
      { label: t('goods:field.price'), value: money(w.goods.price_tiyn) },
      { label: t('goods:field.guaranteed'), value: money(w.guaranteedTiyn) },
      { label: t('goods:field.surcharge'), value: money(w.surchargeTiyn) },
    ];
    return { signRequest, summary };
  }

  /** The signed order document comes back: the order is created with it, or not at all. */
  async applyCreate(actor: Actor, signed: { signRequestId: string; signedXml: string }): Promise<OrderRow> {
    return this.core.signing.apply(
      { ...signed, purpose: PURPOSE_CREATE, actorId: actor.personId, signer: 'individual' },
      async (tx, doc) => {
        if (doc.request.principal_id !== actor.principalId || doc.request.object_type !== 'goods')
          throw new NotFoundError();
        const p = doc.request.payload as unknown as CreatePayload;
        const measure = await this.entitlements.assertCanOrder(tx, actor.principalId, p.helpType);
        const goods = await this.repo.goodsForUpdate(tx, p.goodsId);
        if (!goods || goods.help_type !== p.helpType || !(await this.repo.isOffered(tx, goods.id))) {
          throw new AppError('goods:errors.goodsUnavailable', 409);
        }
        const kind = await this.repo.tsrKind(tx, p.helpType);
        if (goods.price_tiyn !== p.priceTiyn || (kind?.guaranteed_sum_tiyn ?? 0) !== p.guaranteedTiyn) {
          throw new AppError('goods:errors.priceChanged', 409);
        }
        const now = this.core.clock.now();
        const order = await this.core.orders.create(tx, {
          kind: 'goods',
          helpType: p.helpType,
          recipientId: actor.principalId,
          createdBy: actor.personId,
          measureId: measure.id,
          organisationId: goods.organisation_id,
          status: 'created',
          details: { goodsId: goods.id, goodsName: goods.name, fulfilment: p.fulfilment },
          signedDocumentId: doc.id,
          action: 'create',
          at: now,
        });
        await this.repo.insertGoodsOrder(tx, {
          order_id: order.id,
          goods_id: goods.id,
          organisation_id: goods.organisation_id,
          fulfilment: p.fulfilment,
          location_id: p.locationId ?? null,
          delivery_address: p.deliveryAddress ?? null,
          contact_phone: p.contactPhone ?? null,
          comment: p.comment ?? null,
          price_tiyn: p.priceTiyn,
          guaranteed_tiyn: p.guaranteedTiyn,
          surcharge_tiyn: surchargeTiyn(p.priceTiyn, p.guaranteedTiyn),
          created_document_id: doc.id,
        });
        await audit(tx, {
          actorId: actor.personId,
          principalId: actor.principalId,
          organisationId: goods.organisation_id,
          action: 'goods_order.created',
          objectType: 'order',
          objectId: order.id,
          signedDocumentId: doc.id,
        });
        await this.core.notifier.notify(
          tx,
          actor.principalId,
          'goods:sms.created',
          { number: order.number },
          `goods-order:${order.id}:created`,
        );
        return order;
      },
    );
  }

  // ------------------------------------------------------------------------------------------------
  // The order card (recipient and supplier)

  private async loadOrder(orderId: number): Promise<{ order: OrderRow; go: GoodsOrderRow }> {
    if (!Number.isSafeInteger(orderId) || orderId <= 0) throw new NotFoundError();
    const order = await this.core.orders.findById(this.db, orderId);
    if (!order || order.kind !== 'goods') throw new NotFoundError();
    const go = await this.repo.goodsOrder(this.db, orderId);
    if (!go) throw new NotFoundError();
    return { order, go };
  }

  /** Another person's or organisation's order does not exist for this actor. */
  private authorise(order: OrderRow, go: GoodsOrderRow, actor: Actor, side: 'recipient' | 'supplier'): void {
    if (side === 'recipient' && order.recipient_id !== actor.principalId) throw new NotFoundError();
    if (side === 'supplier' && (!actor.organisationId || go.organisation_id !== actor.organisationId))
      throw new NotFoundError();
  }

  private async view(order: OrderRow, go: GoodsOrderRow, actor: Actor, side: 'recipient' | 'supplier') {
    const [goods, kind, org, events, location, reservedLocation, photos] = await Promise.all([
      this.repo.goods(this.db, go.goods_id),
      this.repo.tsrKind(this.db, order.help_type),
      this.repo.organisation(this.db, go.organisation_id),
      this.core.orders.events(this.db, order.id),
      go.location_id ? this.repo.location(this.db, go.location_id) : Promise.resolve(undefined),
      go.reserved_location_id
        ? this.repo.location(this.db, go.reserved_location_id)
        : Promise.resolve(undefined),
      this.repo.photos(this.db, go.goods_id),
    ]);
    const docIds = events.map((e) => e.signed_document_id).filter((x): x is number => x !== null);
    const docs = await this.repo.signedDocuments(this.db, docIds);
    const visible = new Set(
      docs
        .filter(
          (d) =>
            actor.roles.includes('admin') ||
            d.signer_id === actor.personId ||
            d.principal_id === actor.personId ||
            d.principal_id === actor.principalId,
        )
        .map((d) => d.id),
    );
    const status = order.status as GoodsStatus;
    const roles =
      side === 'recipient' ? actor.roles.filter((r) => r === 'recipient' || r === 'guardian') : ['employee'];
    const actions = isGoodsStatus(status) ? actionsFor(status, go.fulfilment, roles) : [];
    return {
      order,
      go,
      goods: goods!,
      kind: kind!,
      org: org!,
      photoId: photos[0]?.id ?? null,
      location: location ?? null,
      reservedLocation: reservedLocation ?? null,
      addressLine: addressLine(go.delivery_address),
      reimbursementTiyn: reimbursementTiyn(go.price_tiyn, go.guaranteed_tiyn),
      trackingUrl: go.track_number ? this.core.integrations.kazpost.trackingUrl(go.track_number) : null,
      events: events.map((e) => ({
        ...e,
        documentVisible: e.signed_document_id !== null && visible.has(e.signed_document_id),
      })),
      actions,
      tone: isGoodsStatus(status) ? statusTone(status) : 'open',
    };
  }

  async recipientOrder(actor: Actor, orderId: number) {
    const { order, go } = await this.loadOrder(orderId);
    this.authorise(order, go, actor, 'recipient');
    return this.view(order, go, actor, 'recipient');
  }

  async supplierOrder(actor: Actor, orderId: number) {
    const { order, go } = await this.loadOrder(orderId);
    this.authorise(order, go, actor, 'supplier');
    const v = await this.view(order, go, actor, 'supplier');
    const recipient = await this.person(order.recipient_id);
    const stock = await this.repo.stockLines(this.db, go.goods_id, go.organisation_id);
    const allowed = reservableKinds(go.fulfilment);
    const reserveOptions = stock
      .filter(
        (s) => s.active && allowed.includes(s.kind) && (go.location_id === null || s.id === go.location_id),
      )
      .map((s) => ({ ...s, available: s.quantity - s.reserved }));
    const lastEventAt = v.events.at(-1)?.at ?? order.status_changed_at;
    return {
      ...v,
      recipient: {
        name: fullName(recipient),
        phone: go.contact_phone ?? recipient.phone,
        address: recipient.address,
      },
      reserveOptions,
      defaultHandoverAt: toLocalInput(this.core.clock.now()),
      lastEventAt,
    };
  }

  async supplierOrders(
    actor: Actor,
    filter: { status?: string; fulfilment?: string; from?: string; to?: string; q?: string; page?: number },
  ) {
    if (!actor.organisationId) throw new NotFoundError();
    const org = await this.repo.organisation(this.db, actor.organisationId);
    if (!org) throw new NotFoundError();
    if (!org.directions.includes('tsr_sales')) throw new AppError('goods:errors.noTsrDirection', 403);
    const pageSize = 20;
    const page = filter.page ?? 1;
    const { rows, total } = await this.repo.supplierOrders(this.db, org.id, {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.fulfilment ? { fulfilment: filter.fulfilment } : {}),
      ...(filter.from ? { from: filter.from } : {}),
      ...(filter.to ? { to: filter.to } : {}),
      ...(filter.q ? { q: filter.q } : {}),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return { org, rows, total, page, pages: Math.max(1, Math.ceil(total / pageSize)) };
  }

  // ------------------------------------------------------------------------------------------------
  // Steps: prepare (validate, issue the document) → apply (verify, change, evidence, in one transaction)

  /**
   * Checks a step against the order as it is now and issues the document to sign. Field problems come
   * back as a ValidationError, an impossible step as a 409.
   */
  async prepareStep(
    actor: Actor,
    side: 'recipient' | 'supplier',
    orderId: number,
    action: GoodsAction,
    input: StepInput,
    lang: Locale,
  ): Promise<SignStep> {
    const { order, go } = await this.loadOrder(orderId);
    this.authorise(order, go, actor, side);
    const t = tFor(lang);
    const transition = this.transitionFor(order, go, action, side, actor);
    const payload: StepPayload = {
      orderNumber: order.number,
      action,
      from: order.status,
      to: transition.to,
      goodsName: (order.details as { goodsName?: string }).goodsName ?? '',
      statement: t(`goods:doc.statement.${action}`, { number: order.number }),
    };
    const summary: { label: string; value: string }[] = [
      { label: t('goods:field.number'), value: order.number },
      { label: t('goods:field.goods'), value: payload.goodsName as string },
      { label: t('goods:field.status'), value: t(`goods:status.${order.status}`) },
      { label: t('goods:field.newStatus'), value: t(`goods:status.${transition.to}`) },
    ];

    if (action === 'confirm') {
      payload.amountTiyn = reimbursementTiyn(go.price_tiyn, go.guaranteed_tiyn);
      payload.priceTiyn = go.price_tiyn;
      payload.surchargeTiyn = go.surcharge_tiyn;
      summary.push({
        label: t('goods:field.reimbursement'),
        value: formatTiyn(payload.amountTiyn as number, lang),
      });
      summary.push({ label: t('goods:field.surcharge'), value: formatTiyn(go.surcharge_tiyn, lang) });
    }
    if (action === 'delete' || action === 'cancel' || action === 'decline') {
      const reason = (input.reason ?? '').trim();
      if (action === 'decline' && reason.length < 3)
        throw new ValidationError({ reason: 'goods:errors.reasonRequired' });
      payload.reason = reason || t('goods:doc.noReason');
      summary.push({ label: t('goods:field.reason'), value: payload.reason });
    }
    if (action === 'reserve') {
      const loc = input.locationId ? await this.repo.location(this.db, input.locationId) : undefined;
      if (!loc || !this.canReserveAt(go, loc))
        throw new ValidationError({ locationId: 'goods:errors.reserveLocationRequired' });
      if ((await this.repo.available(this.db, go.goods_id, loc.id)) < 1)
        throw new ValidationError({ locationId: 'goods:errors.locationOutOfStock' });
      payload.locationId = loc.id;
      payload.location = locationLine(loc);
      summary.push({ label: t('goods:field.reservedAt'), value: locationLine(loc) });
    }
    if (action === 'hand_to_courier') {
      const track = (input.trackNumber ?? '').replace(/\s+/g, '').toUpperCase();
      if (!this.core.integrations.kazpost.isValidTrackNumber(track))
        throw new ValidationError({ trackNumber: 'goods:errors.trackInvalid' });
      payload.trackNumber = track;
      summary.push({ label: t('goods:field.track'), value: track });
    }
    if (isHandover(action)) {
      const events = await this.core.orders.events(this.db, order.id);
      const notBefore = events.at(-1)?.at ?? order.status_changed_at;
      const parsed = parseHandoverTime(input.handedOverAt ?? '', {
        notBefore: new Date(notBefore),
        now: this.core.clock.now(),
      });
      if (!parsed.ok) throw new ValidationError({ handedOverAt: `goods:errors.${parsed.code}` });
      payload.handedOverAt = parsed.at.toISOString();
      summary.push({
        label: t('goods:field.handedOverAt'),
        value: toLocalInput(parsed.at).replace('T', ' '),
      });
      if (go.surcharge_tiyn > 0)
        summary.push({
          label: t('goods:field.surchargeCollected'),
          value: formatTiyn(go.surcharge_tiyn, lang),
        });
    }

    const actorPerson = await this.person(actor.personId);
    const principal =
      side === 'recipient' && actor.principalId !== actor.personId
        ? await this.person(actor.principalId)
        : null;
    const org = side === 'supplier' ? await this.repo.organisation(this.db, go.organisation_id) : undefined;
    const kind = documentKindFor(action);
    const fields =
      kind === 'reimbursement-application'
        ? { ...payload, amountTiyn: payload.amountTiyn as number }
        : kind === 'refusal'
          ? { ...payload, reason: payload.reason ?? '' }
          : kind === 'confirmation'
            ? { ...payload, statement: payload.statement as string }
            : { ...payload, from: payload.from, to: payload.to };
    const signRequest = await this.core.signing.issue({
      kind,
      purpose: purposeOf(action),
      keyType: 'SIGN',
      actor: { personId: actorPerson.id, iin: actorPerson.iin, ...(org ? { organisationBin: org.bin } : {}) },
      principal: principal ? { personId: principal.id, iin: principal.iin } : null,
      object: { type: 'goods-order', id: order.id, version: order.version },
      payload: fields,
    });
    return { signRequest, summary };
  }

  private canReserveAt(go: GoodsOrderRow, loc: LocationRow): boolean {
    if (loc.organisation_id !== go.organisation_id || !loc.active) return false;
    if (!reservableKinds(go.fulfilment).includes(loc.kind)) return false;
    return go.location_id === null || go.location_id === loc.id;
  }

  private transitionFor(
    order: OrderRow,
    go: GoodsOrderRow,
    action: GoodsAction,
    side: 'recipient' | 'supplier',
    actor: Actor,
  ) {
    const isRecipientAction = (RECIPIENT_ACTIONS as readonly string[]).includes(action);
    if (isRecipientAction !== (side === 'recipient')) throw new NotFoundError();
    if (!isGoodsStatus(order.status) || !actionFits(action, go.fulfilment)) {
      throw new AppError('order_action_not_allowed', 409, { action, status: order.status });
    }
    const roles = side === 'supplier' ? (['employee'] as const) : actor.roles;
    return goodsMachine.require(order.status, action, roles);
  }

  /** The signed step comes back: verified, then the change, its evidence and its consequences commit together. */
  async applyStep(
    actor: Actor,
    side: 'recipient' | 'supplier',
    orderId: number,
    action: GoodsAction,
    signed: { signRequestId: string; signedXml: string },
  ): Promise<OrderRow> {
    return this.core.signing.apply(
      {
        ...signed,
        purpose: purposeOf(action),
        actorId: actor.personId,
        signer: side === 'supplier' ? 'employee' : 'individual',
      },
      async (tx, doc) => {
        if (doc.request.object_type !== 'goods-order' || doc.request.object_id !== String(orderId))
          throw new NotFoundError();
        const order = await this.core.orders.lock(tx, orderId);
        const go = await this.repo.goodsOrderForUpdate(tx, orderId);
        if (order.kind !== 'goods' || !go) throw new NotFoundError();
        this.authorise(order, go, actor, side);
        const transition = this.transitionFor(order, go, action, side, actor);
        const p = doc.request.payload as unknown as StepPayload;
        const now = this.core.clock.now();
        const details: Record<string, unknown> = {};
        const patch: Partial<GoodsOrderRow> = {};

        if (action === 'confirm') patch.reimbursement_document_id = doc.id;
        if (action === 'reserve') {
          const loc = p.locationId ? await this.repo.location(tx, p.locationId) : undefined;
          if (!loc || !this.canReserveAt(go, loc))
            throw new AppError('goods:errors.reserveLocationRequired', 409);
          if (!(await this.repo.reserveOne(tx, go.goods_id, loc.id, now)))
            throw new AppError('goods:errors.outOfStock', 409);
          patch.reservation = 'reserved';
          patch.reserved_location_id = loc.id;
          details.locationId = loc.id;
          details.location = locationLine(loc);
        }
        if (action === 'hand_to_courier') {
          if (!p.trackNumber || !this.core.integrations.kazpost.isValidTrackNumber(p.trackNumber)) {
            throw new AppError('goods:errors.trackInvalid', 409);
          }
          patch.track_number = p.trackNumber;
          details.trackNumber = p.trackNumber;
        }
        if (transition.closes && !isHandover(action) && go.reservation === 'reserved') {
          await this.repo.releaseOne(tx, go.goods_id, go.reserved_location_id!, now);
          patch.reservation = 'released';
        }
        let handedOverAt: Date | null = null;
        if (isHandover(action)) {
          if (go.reservation !== 'reserved' || !go.reserved_location_id)
            throw new AppError('order_action_not_allowed', 409, { action, status: order.status });
          handedOverAt = p.handedOverAt ? new Date(p.handedOverAt) : now;
          await this.repo.consumeOne(tx, go.goods_id, go.reserved_location_id, now);
          if (order.measure_id) await this.entitlements.consumeVolume(tx, order.measure_id, 1);
          patch.reservation = 'consumed';
          patch.handed_over_at = handedOverAt;
          details.handedOverAt = handedOverAt.toISOString();
          if (go.surcharge_tiyn > 0) details.surchargeTiyn = go.surcharge_tiyn;
        }
        if (Object.keys(patch).length > 0) await this.repo.updateGoodsOrder(tx, order.id, patch);

        const reason =
          p.reason && (action === 'decline' || action === 'cancel' || action === 'delete') ? p.reason : null;
        const updated = await this.core.orders.transition(tx, order, goodsMachine, action, {
          actorId: actor.personId,
          principalId: order.recipient_id,
          reason,
          signedDocumentId: doc.id,
          details,
          ...(p.trackNumber ? { mergeDetails: { trackNumber: p.trackNumber } } : {}),
          at: now,
          ...(doc.request.object_version !== null ? { expectedVersion: doc.request.object_version } : {}),
        });

        if (handedOverAt) await this.enqueueFulfilment(tx, updated, go, doc.id, handedOverAt);
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
              location: (details.location as string | undefined) ?? '',
            },
            `goods-order:${order.id}:${updated.version}`,
          );
        }
        return updated;
      },
    );
  }

  /** Е-Собес learns of the hand-over with the recipient's signed reimbursement application. */
  private async enqueueFulfilment(
    tx: Knex.Transaction,
    order: OrderRow,
    go: GoodsOrderRow,
    handoverDocId: number,
    at: Date,
  ) {
    // one connection: the queries of a transaction run one after another
    const recipient = await this.core.people.findById(tx, order.recipient_id);
    const org = await this.repo.organisation(tx, go.organisation_id);
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
