import type { CoreServices } from '../index.js';
import { DocumentStore } from './document-store.js';
import { OfferRepository } from './repository.js';
import { OfferService } from './service.js';

/** The organisation's own offer: documents and the people involved, shown to recipients (rules item 13). */
export function createOfferModule(core: CoreServices) {
  const repo = new OfferRepository();
  const store = new DocumentStore(core.files, core.db);
  return { documents: new OfferService(core, repo, store), store };
}

export type OfferModule = ReturnType<typeof createOfferModule>;
