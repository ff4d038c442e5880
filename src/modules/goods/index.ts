import type { CoreServices } from '../index.js';
import { createEntitlementsModule } from '../entitlements/index.js';
import { GoodsRepository } from './goods-repository.js';
import { PhotoStore } from './photo-store.js';
import { CatalogueService } from './catalogue-service.js';
import { GoodsAdminService } from './admin-service.js';
import { GoodsOrderAccess } from './order-access.js';
import { GoodsCreationService } from './order-creation.js';
import { GoodsFulfilment } from './order-fulfilment.js';
import { GoodsStepsService } from './order-steps.js';
import { GoodsOrderViews } from './order-views.js';
import { GoodsWithdrawal } from './withdrawal.js';

/** ТСР goods: supplier cabinet and catalogue; goods orders (creation, signed steps, cards). */
export function createGoodsModule(core: CoreServices) {
  const repo = new GoodsRepository();
  const photos = new PhotoStore(core.files);
  const entitlements = createEntitlementsModule(core);
  const access = new GoodsOrderAccess(core, repo);
  return {
    catalogue: new CatalogueService(core, repo, photos),
    creation: new GoodsCreationService(core, repo, access, entitlements),
    steps: new GoodsStepsService(core, repo, access, new GoodsFulfilment(core, repo, entitlements)),
    views: new GoodsOrderViews(core, repo, access),
    admin: new GoodsAdminService(core, repo),
    withdrawal: new GoodsWithdrawal(core, repo),
    photos,
  };
}

export type GoodsModule = ReturnType<typeof createGoodsModule>;
