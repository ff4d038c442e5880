import type { CoreServices } from '../index.js';

/** УЖЯ/УИП orders, specialist cabinet, service journal, monthly acts. */
export function createSpecialistServicesModule(_core: CoreServices) {
  return {};
}

export type SpecialistServicesModule = ReturnType<typeof createSpecialistServicesModule>;
