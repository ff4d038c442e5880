import type { CoreServices } from '../index.js';
import { ORDER_LIST_KINDS } from './kinds.js';
import type { OrderListKind } from './registry.js';
import { OrderListService } from './service.js';

export { FilterError, type OrderListPage, type OrderListRow } from './service.js';
export type { OrderListKind, OrderSection } from './registry.js';

/** The recipient's lists of orders of every registered kind («Заказанные услуги», «Заказы товаров»). */
export function createOrderListModule(
  core: CoreServices,
  kinds: readonly OrderListKind[] = ORDER_LIST_KINDS,
) {
  return { lists: new OrderListService(core, kinds) };
}

export type OrderListModule = ReturnType<typeof createOrderListModule>;
