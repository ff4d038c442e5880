/**
 * The recipient's choice and the order's creation: the entitled ТСР kinds, the offers of a kind, the
 * creation window of an article, and the signed order document that creates the order.
 */
import { addressLine } from '../../lib/address.js';
import type { CoreServices } from '../index.js';
import type { EntitlementsModule } from '../entitlements/index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { Locale } from '../../lib/i18n.js';
import { astanaDate } from '../../lib/clock.js';
import { measureAction } from '../entitlements/rules.js';
import { audit } from '../audit/audit.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { IssuedSignRequest } from '../signing/signing-service.js';
import type { SignedInput } from '../signing/signed-steps.js';
import type { FieldValue } from '../../eds/index.js';
import type {
  DeliveryAddress,
  GoodsRepository,
  LocationRow,
  MeasureFacts,
  OpenOrderFacts,
} from './goods-repository.js';
import type { CreateOrderInput } from './schemas.js';
import { createWords } from './documents.js';
import { locationLine, type GoodsOrderAccess } from './order-access.js';
import { CREATE_DOCUMENT, locationKindFor, surchargeTiyn, type Fulfilment } from './rules.js';
import { GoodsServiceBase } from './service-base.js';

/** Why the recipient may not order a kind now: a text key and its values. */
export interface Blocker {
  key: string;
  params: Record<string, string | number>;
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

/** What the order document says, for the sign page to summarise. */
export interface CreateFacts {
  kindName: string;
  goodsName: string;
  supplierName: string;
  fulfilment: Fulfilment;
  location?: string;
  address?: string;
  phone?: string;
  priceTiyn: number;
  guaranteedTiyn: number;
  surchargeTiyn: number;
}

/** The measure's own rule (entitlements) as the reason an order of the kind is not possible now. */
function blockerOf(action: ReturnType<typeof measureAction>): Blocker | null {
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

/**
 * «Технические средства реабилитации» → «Выбрать» → «Заказать» → «Создать»: the recipient's way to
 * a created order, signed with the order document.
 */
export class GoodsCreationService extends GoodsServiceBase {
  constructor(
    core: CoreServices,
    repo: GoodsRepository,
    private readonly access: GoodsOrderAccess,
    private readonly entitlements: EntitlementsModule,
  ) {
    super(core, repo);
  }

  /**
   * Why the recipient may not order this kind now, or null, with any open order of the kind: the
   * entitlement module's own rule over the measure, read without locks (pages only; the creating
   * transaction runs assertCanOrder with its row lock).
   */
  private async orderState(
    recipientId: number,
    helpType: string,
  ): Promise<{ blocker: Blocker | null; open: OpenOrderFacts | null }> {
    const { measure, open } = await this.repo.orderFacts(this.db, recipientId, helpType);
    return { blocker: this.blockerFor(helpType, measure, open), open };
  }

  private blockerFor(helpType: string, m: MeasureFacts | null, open: OpenOrderFacts | null): Blocker | null {
    if (!m) return { key: 'entitlements:errors.noMeasure', params: {} };
    return blockerOf(
      measureAction(
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
      ),
    );
  }

  /** The ТСР the principal is entitled to by the IPR, with any open order of each kind. */
  async entitled(actor: Actor) {
    const [measures, open] = await Promise.all([
      this.repo.tsrMeasures(this.db, actor.principalId),
      this.repo.openOrders(this.db, actor.principalId),
    ]);
    return measures.map((m) => {
      const o = open.find((x) => x.help_type === m.help_type);
      return {
        helpType: m.help_type,
        names: { ru: m.name_ru, kk: m.name_kk, en: m.name_en },
        volume: m.volume,
        remaining: m.volume - m.used_volume,
        deadline: m.deadline,
        guaranteedTiyn: m.guaranteed_sum_tiyn,
        openOrder: o ? { id: o.id, number: o.number, status: o.status } : null,
      };
    });
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
      kind: {
        code: kind.code,
        names: { ru: kind.name_ru, kk: kind.name_kk, en: kind.name_en },
        guaranteedTiyn: kind.guaranteed_sum_tiyn,
      },
      region: kind.person_region,
      blocker,
      openOrder: open ? { id: open.id, number: open.number } : null,
      goods: goods.map((g) => ({
        id: g.id,
        name: g.name,
        characteristics: g.characteristics,
        photoId: g.photo_id,
        supplierName: g.organisation_name,
        supplierId: g.organisation_id,
        priceTiyn: g.price_tiyn,
        surchargeTiyn: surchargeTiyn(g.price_tiyn, kind.guaranteed_sum_tiyn),
        available: g.available,
        deliveryOptions: g.delivery_options,
        accompanyingService: g.accompanying_service,
      })),
    };
  }

  /** The creation window for an article: its fulfilment options and where it can be received. */
  async creationWindow(actor: Actor, helpType: string, goodsId: number) {
    const kind = await this.repo.tsrKind(this.db, helpType);
    const goods = await this.repo.goods(this.db, goodsId);
    if (!kind || !goods || goods.help_type !== helpType || !(await this.repo.isOffered(this.db, goods.id)))
      throw new NotFoundError();
    const principal = await this.access.person(actor.principalId);
    if (!goods.regions.includes(principal.region)) throw new NotFoundError();
    const org = (await this.core.people.organisationById(this.db, goods.organisation_id))!;
    const stock = await this.repo.stockLines(this.db, goods.id, org.id);
    const lines = stock
      .filter((s) => s.active && (s.quantity > 0 || s.reserved > 0))
      .map((s) => ({
        id: s.id,
        kind: s.kind,
        name: s.name,
        locality: s.locality,
        address: s.address,
        available: s.quantity - s.reserved,
      }));
    const { blocker } = await this.orderState(principal.id, helpType);
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

  /** «Создать»: checks the choice and issues the order document to sign (written in `lang`). */
  async issueCreate(
    actor: Actor,
    helpType: string,
    goodsId: number,
    input: CreateOrderInput,
    lang: Locale,
  ): Promise<{ signRequest: IssuedSignRequest; facts: CreateFacts }> {
    const w = await this.creationWindow(actor, helpType, goodsId);
    if (w.blocker) throw new AppError(w.blocker.key, 409, w.blocker.params);
    if (!w.options.includes(input.fulfilment))
      throw new ValidationError({ fulfilment: 'goods:errors.fulfilmentRequired' });
    const location = await this.chosenLocation(w.org.id, goodsId, input);
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

    const words = createWords(w.kind, input.fulfilment, lang);
    const payload: CreatePayload = {
      title: words.title,
      helpType,
      kindName: words.kindName,
      goodsId: w.goods.id,
      goodsName: w.goods.name,
      supplierBin: w.org.bin,
      supplierName: w.org.name,
      fulfilment: input.fulfilment,
      fulfilmentName: words.fulfilmentName,
      ...(location ? { locationId: location.id, location: locationLine(location) } : {}),
      ...(deliveryAddress ? { deliveryAddress } : {}),
      ...(input.phone ? { contactPhone: input.phone } : {}),
      ...(input.comment ? { comment: input.comment } : {}),
      priceTiyn: w.goods.price_tiyn,
      guaranteedTiyn: w.guaranteedTiyn,
      surchargeTiyn: w.surchargeTiyn,
    };
    const signRequest = await this.core.steps.issue(
      actor,
      CREATE_DOCUMENT,
      { type: 'goods', id: w.goods.id, version: 0 },
      payload,
    );
    const facts: CreateFacts = {
      kindName: words.kindName,
      goodsName: w.goods.name,
      supplierName: w.org.name,
      fulfilment: input.fulfilment,
      ...(location ? { location: locationLine(location) } : {}),
      ...(deliveryAddress ? { address: addressLine(deliveryAddress) } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
      priceTiyn: w.goods.price_tiyn,
      guaranteedTiyn: w.guaranteedTiyn,
      surchargeTiyn: w.surchargeTiyn,
    };
    return { signRequest, facts };
  }

  /** The stationary point or warehouse chosen for a fulfilment that has one, checked against the stock. */
  private async chosenLocation(
    organisationId: number,
    goodsId: number,
    input: CreateOrderInput,
  ): Promise<LocationRow | undefined> {
    const wantKind = locationKindFor(input.fulfilment);
    if (!wantKind) return undefined;
    const field = wantKind === 'stationary' ? 'stationaryId' : 'warehouseId';
    const location = await this.repo.location(this.db, Number(input[field]));
    if (
      !location ||
      location.organisation_id !== organisationId ||
      location.kind !== wantKind ||
      !location.active
    ) {
      throw new ValidationError({
        [field]: `goods:errors.${field === 'stationaryId' ? 'stationaryRequired' : 'warehouseRequired'}`,
      });
    }
    if ((await this.repo.available(this.db, goodsId, location.id)) < 1)
      throw new ValidationError({ [field]: 'goods:errors.locationOutOfStock' });
    return location;
  }

  /** The signed order document comes back: the order is created with it, or not at all. */
  async applyCreate(actor: Actor, goodsId: number, signed: SignedInput): Promise<OrderRow> {
    return this.core.steps.apply(
      actor,
      CREATE_DOCUMENT,
      { type: 'goods', id: goodsId },
      signed,
      async (tx, doc) => {
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
}
