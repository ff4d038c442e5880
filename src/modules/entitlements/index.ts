import type { CoreServices } from '../index.js';

/** Recipient cabinet, IPR import, «Помощь для вас», the two-month supplier window. */
export function createEntitlementsModule(_core: CoreServices) {
  return {};
}

export type EntitlementsModule = ReturnType<typeof createEntitlementsModule>;
