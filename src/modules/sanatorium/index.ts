import type { CoreServices } from '../index.js';
import { createEntitlementsModule } from '../entitlements/index.js';
import { SanatoriumRepository } from './repository.js';
import { SanatoriumOfferService } from './offer-service.js';
import { SanatoriumOrderService } from './order-service.js';
import { SanatoriumReportsService } from './reports-service.js';
import { SanatoriumPhotoService } from './photo-service.js';

/** Sanatorium-resort treatment: the sanatorium's offer, orders of both sides, registry and reports. */
export function createSanatoriumModule(core: CoreServices) {
  const repo = new SanatoriumRepository();
  return {
    offer: new SanatoriumOfferService(core, repo),
    orders: new SanatoriumOrderService(core, repo, createEntitlementsModule(core)),
    reports: new SanatoriumReportsService(core, repo),
    photos: new SanatoriumPhotoService(core, repo),
  };
}

export type SanatoriumModule = ReturnType<typeof createSanatoriumModule>;
