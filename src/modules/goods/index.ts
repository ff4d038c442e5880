import type { CoreServices } from '../index.js';

/** ТСР goods: supplier cabinet and catalogue, goods orders. */
export function createGoodsModule(_core: CoreServices) {
  return {};
}

export type GoodsModule = ReturnType<typeof createGoodsModule>;
