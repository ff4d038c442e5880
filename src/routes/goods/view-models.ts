/**
 * The goods pages' view models: what the services return, in the reader's language where a page
 * needs ready text (the sign page's summary, the creation window's choices).
 */
import type { Request } from 'express';
import { formatTiyn } from '../../lib/money.js';
import type { SignPage, SummaryRow } from '../../web/sign-step.js';
import type { IssuedSignRequest } from '../../modules/signing/signing-service.js';
import type { CreateFacts, GoodsCreationService } from '../../modules/goods/order-creation.js';
import type { StepSummary } from '../../modules/goods/order-steps.js';
import { kindName } from '../../modules/goods/documents.js';
import { toLocalInput, type GoodsAction } from '../../modules/goods/rules.js';

/** The reader: the request's language and its texts. */
type Reader = Pick<Request, 't' | 'lang'>;

/** The goods sign page of a step: its heading and lead, what the document says, and the way back. */
export function goodsSignPage(
  r: Reader,
  step: GoodsAction | 'create',
  signRequest: IssuedSignRequest,
  rows: SummaryRow[],
  action: string,
  backHref: string,
): SignPage {
  return {
    signRequest,
    action,
    title: r.t(`goods:sign.${step}.title`),
    lead: r.t(`goods:sign.${step}.lead`),
    rows,
    hint: r.t('goods:sign.keyHint'),
    buttonLabel: r.t('goods:sign.button'),
    cancelHref: backHref,
  };
}

/** The order document's summary on its sign page. */
export function createRows(r: Reader, f: CreateFacts): SummaryRow[] {
  const money = (v: number) => formatTiyn(v, r.lang);
  return [
    { key: r.t('goods:field.kind'), value: f.kindName },
    { key: r.t('goods:field.goods'), value: f.goodsName },
    { key: r.t('goods:field.supplier'), value: f.supplierName },
    { key: r.t('goods:field.fulfilment'), value: r.t(`goods:fulfilment.${f.fulfilment}`) },
    ...(f.location ? [{ key: r.t('goods:field.location'), value: f.location }] : []),
    ...(f.address ? [{ key: r.t('goods:field.address'), value: f.address }] : []),
    ...(f.phone ? [{ key: r.t('goods:field.phone'), value: f.phone }] : []),
    { key: r.t('goods:field.price'), value: money(f.priceTiyn) },
    { key: r.t('goods:field.guaranteed'), value: money(f.guaranteedTiyn) },
    { key: r.t('goods:field.surcharge'), value: money(f.surchargeTiyn) },
  ];
}

/** A step document's summary on its sign page. */
export function stepRows(r: Reader, s: StepSummary): SummaryRow[] {
  const money = (v: number) => formatTiyn(v, r.lang);
  const rows: SummaryRow[] = [
    { key: r.t('goods:field.number'), value: s.number },
    { key: r.t('goods:field.goods'), value: s.goodsName },
    { key: r.t('goods:field.status'), value: r.t(`goods:status.${s.from}`) },
    { key: r.t('goods:field.newStatus'), value: r.t(`goods:status.${s.to}`) },
  ];
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined) rows.push({ key: r.t(key), value });
  };
  const amount = (v: number | undefined) => (v === undefined ? undefined : money(v));
  add('goods:field.reimbursement', amount(s.reimbursementTiyn));
  add('goods:field.surcharge', amount(s.surchargeTiyn));
  add('goods:field.reason', s.reason);
  add('goods:field.reservedAt', s.location);
  add('goods:field.track', s.trackNumber);
  add('goods:field.handedOverAt', s.handedOverAt && toLocalInput(s.handedOverAt).replace('T', ' '));
  add('goods:field.surchargeCollected', amount(s.surchargeCollectedTiyn));
  return rows;
}

type CreationWindow = Awaited<ReturnType<GoodsCreationService['creationWindow']>>;

/** Which part of the window each method's radio reveals. */
const CONTROLS = {
  stationary: 'method-stationary',
  pickup: 'method-pickup',
  courier: 'method-address',
  home: 'method-address',
} as const;

/**
 * The creation window: the article, the methods with the chosen one (the typed one, else the only
 * one), and the choices of each method's part; `values` are the form's values over the registry's.
 */
export function creationWindowView(r: Reader, w: CreationWindow, values: Record<string, unknown>) {
  const { options } = w;
  const typed = typeof values.fulfilment === 'string' ? values.fulfilment : '';
  const chosen = (options as string[]).includes(typed) ? typed : options.length === 1 ? options[0]! : '';
  const places = (list: CreationWindow['warehouses'], selected: unknown) => [
    { value: '', text: r.t('goods:create.choosePlace') },
    ...list.map((l) => ({
      value: String(l.id),
      text: r.t('goods:create.placeOption', {
        name: l.name,
        address: `${l.locality}, ${l.address}`,
        count: l.available,
      }),
      selected: selected === String(l.id),
    })),
  ];
  const addressMethods = options.filter((o) => o === 'courier' || o === 'home');
  const money = (v: number) => formatTiyn(v, r.lang);
  return {
    kindCode: w.kind.code,
    kindName: kindName(w.kind, r.lang),
    goodsId: w.goods.id,
    summary: [
      { key: r.t('goods:field.goods'), value: w.goods.name },
      { key: r.t('goods:field.supplier'), value: w.org.name },
      { key: r.t('goods:field.price'), value: money(w.goods.price_tiyn) },
      { key: r.t('goods:field.guaranteed'), value: money(w.guaranteedTiyn) },
      { key: r.t('goods:field.surcharge'), value: money(w.surchargeTiyn) },
    ],
    surchargeTiyn: w.surchargeTiyn,
    blocker: w.blocker,
    methodLegend: w.goods.accompanying_service ? 'goods:create.withService' : 'goods:create.withoutService',
    chosen,
    methods: options.map((o) => ({
      value: o,
      text: r.t(`goods:fulfilment.${o}`),
      hint: { text: r.t(`goods:create.hint.${o}`) },
      checked: chosen === o,
      attributes: { 'aria-controls': CONTROLS[o] },
    })),
    stationary: options.includes('stationary')
      ? { items: w.stationaryPoints.length ? places(w.stationaryPoints, values.stationaryId) : [] }
      : null,
    pickup: options.includes('pickup')
      ? { items: w.warehouses.length ? places(w.warehouses, values.warehouseId) : [] }
      : null,
    address: addressMethods.length
      ? {
          methods: addressMethods.join(' '),
          shown: (addressMethods as string[]).includes(chosen),
          home: addressMethods.includes('home'),
          regions: [
            { value: '', text: r.t('goods:create.chooseRegion') },
            ...w.goods.regions.map((g) => ({ value: g, text: g, selected: values.region === g })),
          ],
        }
      : null,
    values,
  };
}
