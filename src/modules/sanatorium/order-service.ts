/**
 * Sanatorium orders, both sides: the recipient's search and «Создать» (the signed order document holds
 * the places), the signed steps of sanatoriumMachine (recipient and sanatorium employee), the cards,
 * the incoming list and the voucher. Every step: issue (check, then the document to sign) → apply
 * (verify, then the change, its evidence and its consequences in one transaction).
 */
import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { EntitlementsModule } from '../entitlements/index.js';
import type { Actor, Role } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { tFor, type Locale } from '../../lib/i18n.js';
import { astanaDate } from '../../lib/clock.js';
import { formatTiyn } from '../../lib/money.js';
import { publicBaseUrl } from '../../config.js';
import { verificationUrl } from '../../lib/pdf-verification.js';
import { measureAction } from '../entitlements/rules.js';
import { audit } from '../audit/audit.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { IssuedSignRequest } from '../signing/signing-service.js';
import type { SignedInput } from '../signing/signed-steps.js';
import type { FieldValue } from '../../eds/index.js';
import type { PeriodRow, SanatoriumOrderRow, SanatoriumRepository, SanatoriumRow } from './repository.js';
import type { CreateInput, SearchQuery, StepInput } from './schemas.js';
import {
  CREATE_DOCUMENT,
  companionRule,
  daysStayed,
  endsOn,
  profileMatches,
  reimbursementTiyn,
  sanatoriumMachine,
  stayPriceTiyn,
  surchargeTiyn,
  type SanatoriumAction,
  type SanatoriumContext,
  type SanatoriumStatus,
} from './rules.js';
import { renderVoucherPdf } from './voucher-pdf.js';

export type Side = 'recipient' | 'sanatorium';

/** Why the recipient may not order now: a text key. */
export interface Blocker {
  key: string;
}

interface Loaded {
  order: OrderRow & { status: SanatoriumStatus };
  so: SanatoriumOrderRow;
  period: PeriodRow;
  sanatorium: SanatoriumRow;
}

const OBJECT = 'sanatorium-order';

function fullName(p: { surname: string; name: string; patronymic?: string | null }): string {
  return [p.surname, p.name, p.patronymic].filter(Boolean).join(' ');
}

export class SanatoriumOrderService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: SanatoriumRepository,
    private readonly entitlements: EntitlementsModule,
  ) {}

  private get db(): Knex {
    return this.core.db;
  }

  private today(): string {
    return astanaDate(this.core.clock.now());
  }

  /** The measure's own rule (entitlements) as the reason an order is not possible now. */
  private async blocker(personId: number) {
    const m = await this.repo.measure(this.db, personId);
    const open = await this.core.orders.openOrder(this.db, personId, 'SANATORIUM');
    if (!m) return { measure: null, open, blocker: { key: 'entitlements:errors.noMeasure' } };
    const a = measureAction(
      {
        id: m.id,
        helpType: 'SANATORIUM',
        category: 'service',
        status: m.status as never,
        volume: m.volume,
        usedVolume: m.used_volume,
        deadline: m.deadline,
      },
      open ? { id: open.id, number: open.number, kind: open.kind } : null,
      this.today(),
    );
    const key =
      a.kind === 'choose'
        ? null
        : a.kind === 'openOrder'
          ? 'errors:one_open_order_per_help_type'
          : a.kind === 'activate'
            ? 'entitlements:errors.choiceBlocked'
            : a.kind === 'activationPending'
              ? 'entitlements:errors.activationPending'
              : a.reasonKey === 'fulfilled'
                ? 'entitlements:errors.volumeExhausted'
                : a.reasonKey === 'deadlinePassed'
                  ? 'entitlements:errors.deadlinePassed'
                  : 'entitlements:errors.noMeasure';
    return { measure: m, open, blocker: key ? { key } : null };
  }

  /** «Выбрать поставщика»: periods of sanatoriums matching the measure's profile, with free places. */
  async search(actor: Actor, q: SearchQuery) {
    const { measure, open, blocker } = await this.blocker(actor.principalId);
    const guaranteed = await this.repo.guaranteedTiyn(this.db);
    const rows = await this.repo.search(this.db, {
      from: this.today(),
      ...(q.region ? { region: q.region } : {}),
      ...(q.profile ? { profile: q.profile } : {}),
      ...(q.month ? { month: q.month } : {}),
      accessibility: q.accessibility,
    });
    const periods = rows
      .filter((r) => profileMatches(r.profiles, measure?.profile ?? null))
      .map((r) => ({
        ...periodView(r, guaranteed),
        sanatorium: {
          id: r.organisation_id,
          name: r.name,
          region: r.region,
          locality: r.locality,
          address: r.address,
          profiles: r.profiles,
          accessibility: accessibilityOf(r),
        },
      }));
    return {
      measure: measure
        ? {
            profile: measure.profile,
            companionAllowed: measure.companion_allowed,
            remaining: measure.volume - measure.used_volume,
          }
        : null,
      openOrder: open ? { id: open.id, number: open.number } : null,
      blocker,
      periods,
    };
  }

  /** The period's creation window: the sanatorium, the dates, the money and the companion choice. */
  async window(actor: Actor, periodId: number) {
    const period = await this.repo.period(this.db, periodId);
    if (!period || !period.active) throw new NotFoundError();
    const sanatorium = await this.repo.sanatorium(this.db, period.organisation_id);
    if (!sanatorium?.published) throw new NotFoundError();
    const { measure, blocker } = await this.blocker(actor.principalId);
    const guaranteed = await this.repo.guaranteedTiyn(this.db);
    const started = period.starts_on <= this.today();
    return {
      period: periodView(period, guaranteed),
      sanatorium: { ...sanatorium, accessibility: accessibilityOf(sanatorium) },
      companionAllowed: measure?.companion_allowed ?? false,
      blocker: blocker ?? (started ? { key: 'sanatorium:errors.periodStarted' } : null),
      guaranteedTiyn: guaranteed,
    };
  }

  /** «Создать»: checks the choice and issues the order document to sign (written in `lang`). */
  async issueCreate(
    actor: Actor,
    periodId: number,
    input: CreateInput,
    lang: Locale,
  ): Promise<{ signRequest: IssuedSignRequest; rows: Record<string, string> }> {
    const w = await this.window(actor, periodId);
    if (w.blocker) throw new AppError(w.blocker.key, 409);
    const why = companionRule(input.companion, w.companionAllowed, w.period.companionFree);
    if (why) throw new ValidationError({ companion: why });
    if (w.period.free < 1) throw new AppError('sanatorium:errors.periodFull', 409);
    const t = tFor(lang);
    const price = stayPriceTiyn(w.period.priceTiyn, w.period.companionPriceTiyn, input.companion);
    const surcharge = surchargeTiyn(price, w.guaranteedTiyn);
    const payload: Record<string, FieldValue> = {
      title: t('sanatorium:doc.createTitle'),
      periodId: w.period.id,
      sanatoriumBin: '',
      sanatoriumName: w.sanatorium.name,
      startsOn: w.period.startsOn,
      endsOn: w.period.endsOn,
      days: w.period.days,
      withCompanion: input.companion,
      priceTiyn: price,
      guaranteedTiyn: w.guaranteedTiyn,
      surchargeTiyn: surcharge,
    };
    const org = await this.core.people.organisationById(this.db, w.sanatorium.organisation_id);
    payload.sanatoriumBin = org?.bin ?? '';
    const signRequest = await this.core.steps.issue(
      actor,
      CREATE_DOCUMENT,
      { type: 'sanatorium-period', id: w.period.id, version: 0 },
      payload,
    );
    return {
      signRequest,
      rows: {
        sanatorium: w.sanatorium.name,
        period: `${w.period.startsOn} — ${w.period.endsOn}`,
        companion: t(input.companion ? 'sanatorium:common.yes' : 'sanatorium:common.no'),
        price: formatTiyn(price, lang),
        guaranteed: formatTiyn(w.guaranteedTiyn, lang),
        surcharge: formatTiyn(surcharge, lang),
      },
    };
  }

  /**
   * The signed order document comes back: the places are held and the order created with it, or
   * nothing happens (the period is full: «no places left»).
   */
  async applyCreate(actor: Actor, periodId: number, signed: SignedInput): Promise<OrderRow> {
    return this.core.steps.apply(
      actor,
      CREATE_DOCUMENT,
      { type: 'sanatorium-period', id: periodId },
      signed,
      async (tx, doc) => {
        const p = doc.request.payload as {
          periodId: number;
          withCompanion: boolean;
          priceTiyn: number;
          guaranteedTiyn: number;
        };
        const measure = await this.entitlements.assertCanOrder(tx, actor.principalId, 'SANATORIUM');
        const period = await this.repo.period(tx, Number(p.periodId));
        if (!period || period.starts_on <= this.today())
          throw new AppError('sanatorium:errors.periodStarted', 409);
        const sanatorium = await this.repo.sanatorium(tx, period.organisation_id);
        if (!sanatorium?.published) throw new AppError('sanatorium:errors.periodFull', 409);
        const withCompanion = Boolean(p.withCompanion);
        const allowed = await this.repo.companionAllowed(tx, measure.id);
        if (withCompanion && !allowed) throw new AppError('sanatorium:errors.companionNotAllowed', 409);
        const price = stayPriceTiyn(
          Number(period.price_tiyn),
          Number(period.companion_price_tiyn),
          withCompanion,
        );
        const guaranteed = await this.repo.guaranteedTiyn(tx);
        if (price !== Number(p.priceTiyn) || guaranteed !== Number(p.guaranteedTiyn))
          throw new AppError('sanatorium:errors.priceChanged', 409);
        const short = await this.repo.hold(tx, period.id, withCompanion);
        if (short === 'full') throw new AppError('sanatorium:errors.periodFull', 409);
        if (short === 'companion') throw new AppError('sanatorium:errors.noCompanionPlaces', 409);
        const now = this.core.clock.now();
        const order = await this.core.orders.create(tx, {
          kind: 'sanatorium',
          helpType: 'SANATORIUM',
          recipientId: actor.principalId,
          createdBy: actor.personId,
          measureId: measure.id,
          organisationId: period.organisation_id,
          status: 'created',
          details: { periodId: period.id, sanatoriumName: sanatorium.name, startsOn: period.starts_on },
          signedDocumentId: doc.id,
          action: 'create',
          at: now,
        });
        await this.repo.insertOrder(tx, {
          order_id: order.id,
          period_id: period.id,
          organisation_id: period.organisation_id,
          with_companion: withCompanion,
          price_tiyn: price,
          guaranteed_tiyn: guaranteed,
          surcharge_tiyn: surchargeTiyn(price, guaranteed),
          holds_places: true,
          created_document_id: doc.id,
        });
        await audit(tx, {
          actorId: actor.personId,
          principalId: actor.principalId,
          organisationId: period.organisation_id,
          action: 'sanatorium_order.created',
          objectType: 'order',
          objectId: order.id,
          signedDocumentId: doc.id,
        });
        await this.core.notifier.notify(
          tx,
          actor.principalId,
          'sanatorium:sms.created',
          { number: order.number },
          `sanatorium-order:${order.id}:created`,
        );
        return order;
      },
    );
  }

  // -------------------------------------------------------------------------------------------------
  // Loading and who may see an order

  private async loadWith(db: Knex | Knex.Transaction, orderId: number, lock: boolean): Promise<Loaded> {
    if (!Number.isSafeInteger(orderId) || orderId <= 0) throw new NotFoundError();
    const order = lock
      ? await this.core.orders.lock(db as Knex.Transaction, orderId)
      : await this.core.orders.findById(db, orderId);
    if (!order || order.kind !== 'sanatorium') throw new NotFoundError();
    const so = await this.repo.order(db, orderId, lock);
    if (!so) throw new NotFoundError();
    const period = (await this.repo.period(db, so.period_id))!;
    const sanatorium = (await this.repo.sanatorium(db, so.organisation_id))!;
    return { order: order as Loaded['order'], so, period, sanatorium };
  }

  private authorise(l: Loaded, actor: Actor, side: Side): void {
    if (side === 'recipient' && l.order.recipient_id !== actor.principalId) throw new NotFoundError();
    if (side === 'sanatorium' && (!actor.organisationId || l.so.organisation_id !== actor.organisationId))
      throw new NotFoundError();
  }

  private rolesOf(actor: Actor, side: Side): readonly Role[] {
    return side === 'sanatorium'
      ? (['employee'] as const)
      : actor.roles.filter((r) => r === 'recipient' || r === 'guardian');
  }

  private ctxOf(l: Loaded): SanatoriumContext {
    return {
      today: this.today(),
      startsOn: l.period.starts_on,
      endsOn: endsOn(l.period.starts_on, l.period.days),
    };
  }

  private transitionFor(l: Loaded, action: SanatoriumAction, side: Side, actor: Actor) {
    const mine =
      side === 'recipient'
        ? ['confirm', 'delete', 'cancel', 'refuse']
        : ['accept', 'decline', 'arrive', 'no_show', 'depart_early', 'complete'];
    if (!mine.includes(action)) throw new NotFoundError();
    return sanatoriumMachine.require(l.order.status, action, this.rolesOf(actor, side), this.ctxOf(l));
  }

  // -------------------------------------------------------------------------------------------------
  // Steps

  /** Checks a step against the order as it is now and issues the document to sign. */
  async issueStep(
    actor: Actor,
    side: Side,
    orderId: number,
    action: SanatoriumAction,
    input: StepInput,
    lang: Locale,
  ): Promise<{ signRequest: IssuedSignRequest; number: string; from: string; to: string }> {
    const l = await this.loadWith(this.db, orderId, false);
    this.authorise(l, actor, side);
    const t = this.transitionFor(l, action, side, actor);
    const tr = tFor(lang);
    const fields: Record<string, FieldValue> = {
      orderNumber: l.order.number,
      action,
      from: l.order.status,
      to: t.to,
      sanatoriumName: l.sanatorium.name,
      startsOn: l.period.starts_on,
      days: l.period.days,
      statement: tr(`sanatorium:doc.statement.${action}`, { number: l.order.number }),
    };
    if (t.reasonRequired) {
      const reason = (input.reason ?? '').trim();
      if (reason.length < 3) throw new ValidationError({ reason: 'sanatorium:errors.reasonRequired' });
      fields.reason = reason;
    } else if (t.document?.kind === 'refusal') {
      fields.reason = (input.reason ?? '').trim() || tr('sanatorium:doc.noReason');
    }
    if (action === 'confirm') {
      fields.amountTiyn = reimbursementTiyn(l.so.price_tiyn, l.so.guaranteed_tiyn);
      fields.surchargeTiyn = l.so.surcharge_tiyn;
    }
    const signRequest = await this.core.steps.issue(
      actor,
      sanatoriumMachine.document(action),
      { type: OBJECT, id: l.order.id, version: l.order.version },
      fields,
    );
    return { signRequest, number: l.order.number, from: l.order.status, to: t.to };
  }

  /** The signed step comes back: verified, then the change and its consequences commit together. */
  async applyStep(
    actor: Actor,
    side: Side,
    orderId: number,
    action: SanatoriumAction,
    signed: SignedInput,
  ): Promise<OrderRow> {
    return this.core.steps.apply(
      actor,
      sanatoriumMachine.document(action),
      { type: OBJECT, id: orderId },
      signed,
      async (tx, doc) => {
        const l = await this.loadWith(tx, orderId, true);
        this.authorise(l, actor, side);
        const t = this.transitionFor(l, action, side, actor);
        const p = doc.request.payload as { reason?: string };
        const now = this.core.clock.now();
        const patch: Partial<SanatoriumOrderRow> = {};
        const details: Record<string, unknown> = {};
        let endStay = false;
        switch (t.effect) {
          case 'keepApplication':
            patch.reimbursement_document_id = doc.id;
            break;
          case 'voucher':
            patch.voucher_number = `П-${l.order.number}`;
            patch.voucher_document_id = doc.id;
            details.voucherNumber = patch.voucher_number;
            break;
          case 'release':
            if (l.so.holds_places) {
              await this.repo.release(tx, l.so.period_id, l.so.with_companion);
              patch.holds_places = false;
              details.placesReleased = true;
            }
            break;
          case 'arrive':
            patch.arrived_at = now;
            break;
          case 'endStay': {
            const days =
              action === 'complete'
                ? l.period.days
                : daysStayed(l.period.starts_on, this.today(), l.period.days);
            patch.departed_at = now;
            patch.days_used = days;
            details.daysUsed = days;
            if (l.order.measure_id) {
              const remaining = await this.repo.remainingVolume(tx, l.order.measure_id);
              const amount = Math.min(days, remaining);
              if (amount > 0) await this.entitlements.consumeVolume(tx, l.order.measure_id, amount);
            }
            endStay = true;
            break;
          }
          default:
            break;
        }
        await this.repo.updateOrder(tx, l.order.id, patch);
        const reason = t.document?.kind === 'refusal' && p.reason ? p.reason : null;
        const updated = await this.core.orders.transition(tx, l.order, sanatoriumMachine, action, {
          actorId: actor.personId,
          principalId: l.order.recipient_id,
          reason,
          signedDocumentId: doc.id,
          details,
          at: now,
          ...(doc.request.object_version !== null ? { expectedVersion: doc.request.object_version } : {}),
        });
        if (endStay) await this.tellEsobes(tx, updated, { ...l.so, ...patch }, l, doc.id);
        await audit(tx, {
          actorId: actor.personId,
          principalId: l.order.recipient_id,
          organisationId: l.so.organisation_id,
          action: `sanatorium_order.${action}`,
          objectType: 'order',
          objectId: l.order.id,
          signedDocumentId: doc.id,
          details: { from: l.order.status, to: t.to },
        });
        await this.core.notifier.notify(
          tx,
          l.order.recipient_id,
          `sanatorium:sms.${t.to}`,
          { number: l.order.number, reason: reason ?? '', sanatorium: l.sanatorium.name },
          `sanatorium-order:${l.order.id}:${updated.version}`,
        );
        return updated;
      },
    );
  }

  /** A completed stay or an early departure goes to Е-Собес with its signed documents' references. */
  private async tellEsobes(
    tx: Knex.Transaction,
    order: OrderRow,
    so: SanatoriumOrderRow,
    l: Loaded,
    endDocId: number,
  ): Promise<void> {
    const recipient = await this.core.people.findById(tx, order.recipient_id);
    const org = await this.core.people.organisationById(tx, so.organisation_id);
    const measureExternalId = order.measure_id
      ? await this.repo.measureExternalId(tx, order.measure_id)
      : undefined;
    const ids = [
      so.created_document_id,
      so.reimbursement_document_id,
      so.voucher_document_id,
      endDocId,
    ].filter((x): x is number => typeof x === 'number');
    const docs = await this.repo.signedDocuments(tx, ids);
    const ref = (id: number | null) => {
      const d = docs.find((x) => Number(x.id) === Number(id));
      return d
        ? {
            signedDocumentId: Number(d.id),
            sha256: d.signed_xml_sha256,
            verificationCode: d.verification_code,
            xmlRef: `/documents/${d.id}/xml`,
          }
        : null;
    };
    await this.core.outbox.enqueue(tx, {
      system: 'esobes',
      topic: 'sanatorium.stay_ended',
      idempotencyKey: `sanatorium-order:${order.id}:stay-ended`,
      payload: {
        orderNumber: order.number,
        measureExternalId: measureExternalId ?? null,
        recipientIin: recipient?.iin ?? null,
        helpType: order.help_type,
        sanatoriumBin: org?.bin ?? null,
        sanatoriumName: l.sanatorium.name,
        status: order.status,
        voucherNumber: so.voucher_number,
        startsOn: l.period.starts_on,
        days: l.period.days,
        daysUsed: so.days_used,
        withCompanion: so.with_companion,
        priceTiyn: so.price_tiyn,
        guaranteedTiyn: so.guaranteed_tiyn,
        surchargeTiyn: so.surcharge_tiyn,
        reimbursementTiyn: reimbursementTiyn(so.price_tiyn, so.guaranteed_tiyn),
        orderDocument: ref(so.created_document_id),
        reimbursementApplication: ref(so.reimbursement_document_id),
        voucherDocument: ref(so.voucher_document_id),
        endDocument: ref(endDocId),
      },
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Cards and lists

  /** An order's card for one side: summary, actions, the whole history. */
  async card(actor: Actor, side: Side, orderId: number) {
    const l = await this.loadWith(this.db, orderId, false);
    this.authorise(l, actor, side);
    const recipient = await this.core.people.findById(this.db, l.order.recipient_id);
    const events = await this.core.orders.events(this.db, l.order.id);
    const actions = sanatoriumMachine
      .actionsFor(l.order.status, this.rolesOf(actor, side), this.ctxOf(l))
      .filter((a) =>
        side === 'recipient'
          ? ['confirm', 'delete', 'cancel', 'refuse'].includes(a)
          : !['confirm', 'delete', 'cancel', 'refuse'].includes(a),
      );
    const reasons = events
      .filter((e) => e.reason)
      .map((e) => ({ at: e.at, status: e.to_status, reason: e.reason! }));
    return {
      order: {
        id: l.order.id,
        number: l.order.number,
        status: l.order.status,
        isOpen: l.order.is_open,
        tone: sanatoriumMachine.tone(l.order.status),
        createdAt: l.order.created_at,
      },
      recipientName: recipient ? fullName(recipient) : '',
      sanatorium: {
        id: l.sanatorium.organisation_id,
        name: l.sanatorium.name,
        address: [l.sanatorium.region, l.sanatorium.locality, l.sanatorium.address].join(', '),
      },
      period: {
        startsOn: l.period.starts_on,
        endsOn: endsOn(l.period.starts_on, l.period.days),
        days: l.period.days,
      },
      withCompanion: l.so.with_companion,
      priceTiyn: l.so.price_tiyn,
      guaranteedTiyn: l.so.guaranteed_tiyn,
      surchargeTiyn: l.so.surcharge_tiyn,
      voucherNumber: l.so.voucher_number,
      hasVoucher: l.so.voucher_document_id !== null,
      daysUsed: l.so.days_used,
      actions,
      reasonActions: actions.filter((a) => sanatoriumMachine.find(l.order.status, a)?.reasonRequired),
      reasons,
      events: events.map((e) => ({
        at: e.at,
        toStatus: e.to_status,
        actorName: e.actor_name,
        reason: e.reason,
        documentId: e.signed_document_id,
      })),
    };
  }

  /** The sanatorium's incoming orders. */
  async incoming(actor: Actor) {
    if (!actor.organisationId) throw new NotFoundError();
    const rows = await this.repo.ordersOf(this.db, actor.organisationId);
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      status: r.status,
      tone: sanatoriumMachine.tone(r.status),
      recipientName: r.recipient_name,
      startsOn: r.starts_on,
      endsOn: endsOn(r.starts_on, r.days),
      withCompanion: r.with_companion,
    }));
  }

  /** The voucher PDF of a confirmed order, for the recipient and the sanatorium. */
  async voucher(
    actor: Actor,
    side: Side,
    orderId: number,
    lang: Locale,
  ): Promise<{ pdf: Buffer; number: string }> {
    const l = await this.loadWith(this.db, orderId, false);
    this.authorise(l, actor, side);
    if (!l.so.voucher_document_id || !l.so.voucher_number) throw new NotFoundError();
    const recipient = (await this.core.people.findById(this.db, l.order.recipient_id))!;
    const [doc] = await this.repo.signedDocuments(this.db, [l.so.voucher_document_id]);
    const money = (v: number) => formatTiyn(v, lang);
    const pdf = await renderVoucherPdf({
      voucherNumber: l.so.voucher_number,
      orderNumber: l.order.number,
      recipientName: fullName(recipient),
      recipientIin: recipient.iin,
      sanatoriumName: l.sanatorium.name,
      sanatoriumAddress: [l.sanatorium.region, l.sanatorium.locality, l.sanatorium.address].join(', '),
      startsOn: l.period.starts_on,
      endsOn: endsOn(l.period.starts_on, l.period.days),
      days: l.period.days,
      withCompanion: l.so.with_companion,
      price: money(l.so.price_tiyn),
      guaranteed: money(l.so.guaranteed_tiyn),
      surcharge: money(l.so.surcharge_tiyn),
      verification: {
        code: doc!.verification_code,
        url: verificationUrl(publicBaseUrl(this.core.config), doc!.verification_code),
      },
    });
    return { pdf, number: l.so.voucher_number };
  }
}

/** A period as pages show it: dates, free places, money. */
export function periodView(p: PeriodRow, guaranteedTiyn: number) {
  const price = Number(p.price_tiyn);
  return {
    id: Number(p.id),
    startsOn: p.starts_on,
    endsOn: endsOn(p.starts_on, p.days),
    month: p.starts_on.slice(0, 7),
    days: p.days,
    places: p.places,
    companionPlaces: p.companion_places,
    free: p.places - p.booked,
    companionFree: p.companion_places - p.companion_booked,
    priceTiyn: price,
    companionPriceTiyn: Number(p.companion_price_tiyn),
    surchargeTiyn: surchargeTiyn(price, guaranteedTiyn),
  };
}

export function accessibilityOf(
  s: Pick<SanatoriumRow, 'wheelchair' | 'lift' | 'adapted_rooms' | 'sign_language'>,
) {
  return (['wheelchair', 'lift', 'adapted_rooms', 'sign_language'] as const).filter((k) => s[k]);
}
