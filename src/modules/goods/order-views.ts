/**
 * The goods order as its pages show it (view models: data and text keys, no page text): the card of
 * the recipient and of the supplier, with the steps the machine offers this side now, and the
 * supplier's list of incoming orders.
 */
import { addressLine } from '../../lib/address.js';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { fullName } from '../people/names.js';
import type { GoodsRepository, LocationRow } from './goods-repository.js';
import type { GoodsOrderAccess, LoadedOrder, Side } from './order-access.js';
import { goodsMachine, reimbursementTiyn, reservableKinds, toLocalInput } from './rules.js';
import { GoodsServiceBase } from './service-base.js';

const place = (l: LocationRow) => ({
  id: l.id,
  name: l.name,
  region: l.region,
  locality: l.locality,
  address: l.address,
  phone: l.phone,
});

export class GoodsOrderViews extends GoodsServiceBase {
  constructor(
    core: CoreServices,
    repo: GoodsRepository,
    private readonly access: GoodsOrderAccess,
  ) {
    super(core, repo);
  }

  private async card({ order, go }: LoadedOrder, actor: Actor, side: Side) {
    const [goods, kind, org, events, location, reservedLocation, photos] = await Promise.all([
      this.repo.goods(this.db, go.goods_id),
      this.repo.tsrKind(this.db, order.help_type),
      this.core.people.organisationById(this.db, go.organisation_id),
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
    return {
      order: {
        id: order.id,
        number: order.number,
        status: order.status,
        statusChangedAt: order.status_changed_at,
        createdAt: order.created_at,
        isOpen: order.is_open,
      },
      tone: goodsMachine.tone(order.status),
      kindNames: { ru: kind!.name_ru, kk: kind!.name_kk, en: kind!.name_en },
      goodsName: goods!.name,
      photoId: photos[0]?.id ?? null,
      supplier: { name: org!.name, phone: org!.phone },
      fulfilment: go.fulfilment,
      location: location ? place(location) : null,
      // the place of the reservation, when the recipient did not choose it
      reservedAt: reservedLocation && reservedLocation.id !== location?.id ? place(reservedLocation) : null,
      addressLine: addressLine(go.delivery_address),
      contactPhone: go.contact_phone,
      comment: go.comment,
      priceTiyn: go.price_tiyn,
      guaranteedTiyn: go.guaranteed_tiyn,
      surchargeTiyn: go.surcharge_tiyn,
      reimbursementTiyn: reimbursementTiyn(go.price_tiyn, go.guaranteed_tiyn),
      trackNumber: go.track_number,
      trackingUrl: go.track_number ? this.core.integrations.kazpost.trackingUrl(go.track_number) : null,
      handedOverAt: go.handed_over_at,
      events: events.map((e) => ({
        at: e.at,
        toStatus: e.to_status,
        actorName: e.actor_name,
        reason: e.reason,
        trackNumber: (e.details.trackNumber as string | undefined) ?? null,
        location: (e.details.location as string | undefined) ?? null,
        handedOverAt: (e.details.handedOverAt as string | undefined) ?? null,
        documentId:
          e.signed_document_id !== null && visible.has(e.signed_document_id) ? e.signed_document_id : null,
      })),
      actions: goodsMachine.actionsFor(order.status, this.access.rolesOf(actor, side), {
        fulfilment: go.fulfilment,
      }),
    };
  }

  async recipientOrder(actor: Actor, orderId: number) {
    return this.card(await this.access.load(actor, 'recipient', orderId), actor, 'recipient');
  }

  async supplierOrder(actor: Actor, orderId: number) {
    const loaded = await this.access.load(actor, 'supplier', orderId);
    const { order, go } = loaded;
    const v = await this.card(loaded, actor, 'supplier');
    const recipient = await this.access.person(order.recipient_id);
    const stock = await this.repo.stockLines(this.db, go.goods_id, go.organisation_id);
    const allowed = reservableKinds(go.fulfilment);
    const reserveOptions = stock
      .filter(
        (s) => s.active && allowed.includes(s.kind) && (go.location_id === null || s.id === go.location_id),
      )
      .map((s) => ({ ...place(s), available: s.quantity - s.reserved }));
    return {
      ...v,
      recipient: { name: fullName(recipient), phone: go.contact_phone ?? recipient.phone },
      reserveOptions,
      defaultHandoverAt: toLocalInput(this.core.clock.now()),
    };
  }

  async supplierOrders(
    actor: Actor,
    filter: { status?: string; fulfilment?: string; from?: string; to?: string; q?: string; page?: number },
  ) {
    if (!actor.organisationId) throw new NotFoundError();
    const org = await this.core.people.organisationById(this.db, actor.organisationId);
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
    return {
      org: { name: org.name },
      rows: rows.map((o) => ({
        id: o.id,
        number: o.number,
        status: o.status,
        createdAt: o.created_at,
        goodsName: o.goods_name,
        recipientName: o.recipient_name,
        fulfilment: o.fulfilment,
      })),
      total,
      page,
      pages: Math.max(1, Math.ceil(total / pageSize)),
    };
  }
}
