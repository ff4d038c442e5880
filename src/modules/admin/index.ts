import type { CoreServices } from '../index.js';

/** Administration: content, registries, contact-centre requests, reports, exchange monitor. */
export function createAdminModule(_core: CoreServices) {
  return {};
}

export type AdminModule = ReturnType<typeof createAdminModule>;
