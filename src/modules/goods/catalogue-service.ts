import type { Knex } from 'knex';
import { fileTypeFromFile } from 'file-type';
import type { UploadedFile } from '../../lib/uploaded-file.js';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import { audit } from '../audit/audit.js';
import type { GoodsListRow, GoodsRepository, GoodsRow, LocationRow, TsrKindRow } from './goods-repository.js';
import type { PhotoStore } from './photo-store.js';
import type { StoredFile } from '../files/index.js';
import type { GoodsFormInput, LocationFormInput } from './schemas.js';
import {
  DIRECTIONS,
  PHOTOS_PER_GOODS,
  PHOTO_MAX_BYTES,
  checkPhoto,
  surchargeTiyn,
  validDeliveryOptions,
  type Direction,
} from './rules.js';
import { GoodsServiceBase } from './service-base.js';

export type { UploadedFile };

/** A ТСР kind as the catalogue pages show it: its names in every language and its guaranteed sum. */
function kindView(k: TsrKindRow) {
  return {
    code: k.code,
    names: { ru: k.name_ru, kk: k.name_kk, en: k.name_en },
    guaranteedTiyn: k.guaranteed_sum_tiyn,
  };
}

/** A catalogue line: the article with its surcharge against the kind's guaranteed sum and what is free. */
function goodsLine(g: GoodsListRow) {
  return {
    id: g.id,
    name: g.name,
    accompanyingService: g.accompanying_service,
    priceTiyn: g.price_tiyn,
    surchargeTiyn: surchargeTiyn(g.price_tiyn, g.guaranteed_sum_tiyn),
    available: g.available,
    deliveryOptions: g.delivery_options,
    active: g.active,
  };
}

/** The audit record of a change an employee of the supplier made to its goods. */
async function auditGoods(
  tx: Knex.Transaction,
  actor: Actor,
  goods: { id: number; organisation_id: number },
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await audit(tx, {
    actorId: actor.personId,
    organisationId: goods.organisation_id,
    action,
    objectType: 'goods',
    objectId: goods.id,
    details,
  });
}

/** The columns of a goods row as the catalogue form gives them. */
function goodsColumns(input: GoodsFormInput) {
  return {
    help_type: input.helpType,
    name: input.name,
    characteristics: input.characteristics,
    price_tiyn: input.price,
    accompanying_service: input.accompanyingService,
    delivery_options: [...new Set(input.deliveryOptions)],
    regions: [...new Set(input.regions)],
    active: input.active,
  };
}

/** The supplier cabinet: organisation card, catalogue of goods, photos, stock, locations. */
export class CatalogueService extends GoodsServiceBase {
  constructor(
    core: CoreServices,
    repo: GoodsRepository,
    private readonly photosStore: PhotoStore,
  ) {
    super(core, repo);
  }

  /** The actor's organisation; an employee without one (or anyone else) finds nothing. */
  private async organisationOf(actor: Actor) {
    if (!actor.organisationId) throw new NotFoundError();
    const org = await this.core.people.organisationById(this.db, actor.organisationId);
    if (!org) throw new NotFoundError();
    return org;
  }

  /** Only organisations with the ТСР sales direction keep a catalogue. */
  private async sellerOf(actor: Actor) {
    const org = await this.organisationOf(actor);
    if (!org.directions.includes('tsr_sales')) throw new AppError('goods:errors.noTsrDirection', 403);
    return org;
  }

  /** Refuses (403) an organisation without the ТСР sales direction, before a form is read. */
  async assertSeller(actor: Actor): Promise<void> {
    await this.sellerOf(actor);
  }

  /** «Карточка организации»: the state registry's record and the directions its activity code opens. */
  async card(actor: Actor) {
    const org = await this.organisationOf(actor);
    const registry = await this.core.integrations.organisationRegistry.findByBin(org.bin);
    const directions = DIRECTIONS.filter((d) => org.directions.includes(d));
    return {
      org: {
        id: org.id,
        name: org.name,
        bin: org.bin,
        address: org.address,
        head: org.head,
        activityCode: org.activity_code,
        active: org.active,
      },
      registry,
      directions: directions as Direction[],
    };
  }

  /** The catalogue per ТСР kind (every kind, with its own articles). */
  async catalogue(actor: Actor) {
    const org = await this.sellerOf(actor);
    const [goods, kinds, locations] = await Promise.all([
      this.repo.catalogue(this.db, org.id),
      this.repo.tsrKinds(this.db),
      this.repo.locations(this.db, org.id),
    ]);
    return {
      org: { name: org.name },
      kinds: kinds.map((k) => ({
        ...kindView(k),
        goods: goods.filter((g) => g.help_type === k.code).map(goodsLine),
      })),
      hasLocations: locations.length > 0,
      isEmpty: goods.length === 0,
    };
  }

  async kinds() {
    return (await this.repo.tsrKinds(this.db, { activeOnly: true })).map(kindView);
  }

  private async ownGoods(actor: Actor, goodsId: number): Promise<GoodsRow> {
    const org = await this.sellerOf(actor);
    const g = await this.repo.goods(this.db, goodsId);
    if (!g || g.organisation_id !== org.id) throw new NotFoundError();
    return g;
  }

  async goodsForEdit(actor: Actor, goodsId: number) {
    const goods = await this.ownGoods(actor, goodsId);
    const [kind, photos, stock, kinds] = await Promise.all([
      this.repo.tsrKind(this.db, goods.help_type),
      this.repo.photos(this.db, goods.id),
      this.repo.stockLines(this.db, goods.id, goods.organisation_id),
      this.repo.tsrKinds(this.db),
    ]);
    const guaranteed = kind?.guaranteed_sum_tiyn ?? 0;
    return {
      goods,
      helpType: goods.help_type,
      kindNames: kind ? kindView(kind).names : null,
      kinds: kinds.map(kindView),
      photos,
      stock: stock.map((s) => ({ ...s, available: s.quantity - s.reserved })),
      priceTiyn: goods.price_tiyn,
      guaranteedTiyn: guaranteed,
      surchargeTiyn: surchargeTiyn(goods.price_tiyn, guaranteed),
      maxPhotos: PHOTOS_PER_GOODS,
    };
  }

  private async checkGoodsInput(input: GoodsFormInput) {
    const kind = await this.repo.tsrKind(this.db, input.helpType);
    if (!kind || !kind.active) throw new ValidationError({ helpType: 'goods:errors.kindRequired' });
    if (!validDeliveryOptions(input.accompanyingService, input.deliveryOptions)) {
      throw new ValidationError({
        deliveryOptions: input.accompanyingService
          ? 'goods:errors.optionsWithService'
          : 'goods:errors.optionsWithoutService',
      });
    }
    return kind;
  }

  async createGoods(actor: Actor, input: GoodsFormInput): Promise<GoodsRow> {
    const org = await this.sellerOf(actor);
    await this.checkGoodsInput(input);
    return inTransaction(this.db, async (tx) => {
      const now = this.core.clock.now();
      const g = await this.repo.insertGoods(tx, {
        organisation_id: org.id,
        ...goodsColumns(input),
      });
      await tx('goods').where({ id: g.id }).update({ created_at: now, updated_at: now });
      await auditGoods(tx, actor, g, 'goods.created', { priceTiyn: input.price });
      return g;
    });
  }

  async updateGoods(actor: Actor, goodsId: number, input: GoodsFormInput): Promise<void> {
    const current = await this.ownGoods(actor, goodsId);
    await this.checkGoodsInput(input);
    await inTransaction(this.db, async (tx) => {
      const locked = await this.repo.goodsForUpdate(tx, current.id);
      if (!locked) throw new NotFoundError();
      await this.repo.updateGoods(tx, current.id, {
        ...goodsColumns(input),
        updated_at: this.core.clock.now(),
      });
      await auditGoods(tx, actor, current, 'goods.updated', {
        priceTiyn: { from: locked.price_tiyn, to: input.price },
        active: input.active,
      });
    });
  }

  /**
   * A photo: the type is read from the content (JPEG, PNG or WebP only), at most 5 MB, not empty.
   * The file is written only after every check passed, and removed again if the row is not stored.
   */
  async uploadPhoto(actor: Actor, goodsId: number, file: UploadedFile | undefined): Promise<void> {
    const goods = await this.ownGoods(actor, goodsId);
    if (!file) throw new ValidationError({ photo: 'goods:errors.photoRequired' });
    const size = file.size;
    // the content is read only for a file within the size (a larger one was not kept)
    const detected =
      file.path && size > 0 && size <= PHOTO_MAX_BYTES ? await fileTypeFromFile(file.path) : undefined;
    const verdict = checkPhoto(size, detected?.mime);
    if (!verdict.ok) throw new ValidationError({ photo: `goods:errors.${verdict.code}` });
    if ((await this.repo.countPhotos(this.db, goods.id)) >= PHOTOS_PER_GOODS) {
      throw new ValidationError({ photo: 'goods:errors.photoLimit' });
    }
    // the file is written in the transaction of its row: both are stored, or neither
    await inTransaction(this.db, async (tx) => {
      await this.repo.goodsForUpdate(tx, goods.id);
      if ((await this.repo.countPhotos(tx, goods.id)) >= PHOTOS_PER_GOODS) {
        throw new ValidationError({ photo: 'goods:errors.photoLimit' });
      }
      const stored = await this.photosStore.save(tx, file, verdict.mime);
      const p = await this.repo.insertPhoto(tx, {
        goods_id: goods.id,
        stored_name: stored,
        content_type: verdict.mime,
        size_bytes: size,
        created_at: this.core.clock.now(),
      });
      await auditGoods(tx, actor, goods, 'goods.photo_added', { photoId: p.id, bytes: size });
    });
  }

  async deletePhoto(actor: Actor, goodsId: number, photoId: number): Promise<void> {
    const goods = await this.ownGoods(actor, goodsId);
    await inTransaction(this.db, async (tx) => {
      const p = await this.repo.deletePhoto(tx, goods.id, photoId);
      if (!p) throw new NotFoundError();
      await this.photosStore.remove(tx, p.stored_name);
      await auditGoods(tx, actor, goods, 'goods.photo_removed', { photoId });
    });
  }

  /**
   * A photo for display: any signed-in person may see photos of goods on offer; photos of goods not
   * on offer only the supplier's own employees.
   */
  async photoFile(
    actor: Actor,
    photoId: number,
  ): Promise<{ file: StoredFile; contentType: string; size: number }> {
    const p = await this.repo.photo(this.db, photoId);
    if (!p) throw new NotFoundError();
    if (!p.offered && p.organisation_id !== actor.organisationId) throw new NotFoundError();
    const file = await this.photosStore.open(p.stored_name);
    if (!file) throw new NotFoundError();
    return { file, contentType: p.content_type, size: p.size_bytes };
  }

  /** Sets the quantities at the organisation's locations; never below what orders have reserved. */
  async setStock(actor: Actor, goodsId: number, quantities: Map<number, number>): Promise<void> {
    const goods = await this.ownGoods(actor, goodsId);
    const locations = new Map(
      (await this.repo.locations(this.db, goods.organisation_id)).map((l) => [l.id, l]),
    );
    for (const id of quantities.keys()) if (!locations.has(id)) throw new NotFoundError();
    await inTransaction(this.db, async (tx) => {
      const now = this.core.clock.now();
      const refused: Record<string, string> = {};
      for (const [locationId, qty] of quantities) {
        const ok = await this.repo.setQuantity(tx, goods.id, locationId, qty, now);
        if (!ok) refused[`qty-${locationId}`] = 'goods:errors.belowReserved';
      }
      if (Object.keys(refused).length > 0) throw new ValidationError(refused);
      await auditGoods(tx, actor, goods, 'goods.stock_set', Object.fromEntries(quantities));
    });
  }

  async locations(actor: Actor): Promise<{ org: { id: number; name: string }; locations: LocationRow[] }> {
    const org = await this.sellerOf(actor);
    return { org, locations: await this.repo.locations(this.db, org.id) };
  }

  async addLocation(actor: Actor, input: LocationFormInput): Promise<LocationRow> {
    const org = await this.sellerOf(actor);
    return inTransaction(this.db, async (tx) => {
      const l = await this.repo.insertLocation(tx, {
        organisation_id: org.id,
        kind: input.kind,
        name: input.name,
        region: input.region,
        locality: input.locality,
        address: input.address,
        phone: input.phone || null,
      });
      await audit(tx, {
        actorId: actor.personId,
        organisationId: org.id,
        action: 'goods.location_added',
        objectType: 'goods_location',
        objectId: l.id,
      });
      return l;
    });
  }

  async setLocationActive(actor: Actor, locationId: number, active: boolean): Promise<void> {
    const org = await this.sellerOf(actor);
    const n = await this.repo.setLocationActive(this.db, org.id, locationId, active);
    if (n !== 1) throw new NotFoundError();
  }
}
