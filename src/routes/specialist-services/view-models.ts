/**
 * View models of specialist services: what the templates read, in camelCase, never database rows.
 * Rows are renamed field by field (snake_case → camelCase); an order's detail is flattened into it
 * with the tone its status is shown with.
 */
import { serviceMachine, actMachine, applicationMachine } from '../../modules/specialist-services/rules.js';
import type { ServiceOrderView } from '../../modules/specialist-services/repository.js';

type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
export type Camelized<T> = { [K in keyof T as K extends string ? Camel<K> : K]: T[K] };

const camelKey = (k: string) => k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** A row as a view model: the same values under camelCase names. */
export function camel<T extends object>(row: T): Camelized<T> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [camelKey(k), v])) as Camelized<T>;
}

/** An order with its detail: number, parties, contacts, the confirmation day and the joint-work flag. */
export function orderVm(o: ServiceOrderView) {
  const { detail, ...order } = o;
  return {
    ...camel(order),
    phone: detail.phone,
    email: detail.email,
    address: detail.address,
    comment: detail.comment,
    confirmedOn: detail.confirmed_on,
    jointWorkEnded: detail.joint_work_ended,
    tone: serviceMachine.tone(o.status),
  };
}
export type OrderVm = ReturnType<typeof orderVm>;

/** An act (its tone from the act machine). */
export function actVm<T extends { status: string }>(a: T) {
  return { ...camel(a), tone: actMachine.tone(a.status) };
}

/** A registry application (its tone from the application machine). */
export function applicationVm<T extends { status: string }>(a: T) {
  return { ...camel(a), tone: applicationMachine.tone(a.status) };
}

/** A list of rows as view models. */
export function camelAll<T extends object>(rows: readonly T[]): Camelized<T>[] {
  return rows.map(camel);
}

/** Replaces the `order` of a view (a page's or a list item's) by its view model. */
export function withOrder<V extends { order: ServiceOrderView }>(
  view: V,
): Omit<V, 'order'> & { order: OrderVm } {
  return { ...view, order: orderVm(view.order) };
}
