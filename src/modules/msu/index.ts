import type { CoreServices } from '../index.js';

/** МСУ beds: catalogue, enrolment, fair queue, institution cabinet, open data. */
export function createMsuModule(_core: CoreServices) {
  return {};
}

export type MsuModule = ReturnType<typeof createMsuModule>;
