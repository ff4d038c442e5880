import path from 'node:path';
import type { CoreServices } from '../index.js';
import { createEntitlementsModule } from '../entitlements/index.js';
import { GoodsRepository } from './goods-repository.js';
import { PhotoStore } from './photo-store.js';
import { CatalogueService } from './catalogue-service.js';
import { GoodsOrdersService } from './orders-service.js';
import { GoodsAdminService } from './admin-service.js';

/** ТСР goods: supplier cabinet and catalogue, goods orders. */
export function createGoodsModule(core: CoreServices) {
  const repo = new GoodsRepository();
  const photos = new PhotoStore(path.join(core.config.dataDir, 'uploads', 'goods'));
  return {
    catalogue: new CatalogueService(core, repo, photos),
    orders: new GoodsOrdersService(core, repo, createEntitlementsModule(core)),
    admin: new GoodsAdminService(core, repo),
    photos,
  };
}

export type GoodsModule = ReturnType<typeof createGoodsModule>;
