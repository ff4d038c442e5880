import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import { inTransaction } from '../../db/knex.js';
import { astanaDate } from '../../lib/clock.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import type { Locale } from '../../lib/i18n.js';
import { audit } from '../audit/audit.js';
import type { Tone } from '../orders/state-machine.js';
import { fullName } from '../people/names.js';
import { ddmmyyyy, helpTypeParams } from './import-service.js';
import { principalOf } from './principal.js';
import type {
  EntitlementsRepository,
  HelpTypeRow,
  MeasureWithType,
  RecipientCategory,
} from './repository.js';
import {
  choiceBlockedOn,
  hasSupplierChoice,
  lastChoiceDay,
  measureAction,
  measureMachine,
  measureStatusKey,
  measureStatusTone,
  measureStep,
  type HelpCategory,
  type MeasureAction,
} from './rules.js';

export interface HelpMeasureView {
  id: number;
  helpType: string;
  name: string;
  unit: HelpTypeRow['unit'];
  volume: number;
  remaining: number;
  deadline: string | null;
  statusKey: ReturnType<typeof measureStatusKey>;
  tone: Tone;
  action: MeasureAction;
  /** the last day of the supplier-choice window while it is open */
  choiceUntil: string | null;
  choiceBlockedAt: Date | null;
  activationRequestedAt: Date | null;
}

export interface HelpPage {
  principal: { id: number; name: string; isSelf: boolean };
  /**
   * rules, item 7: a person with a disability sees the measures of the ИПР, an elderly person the
   * special social services recommended to them (the category of the newest programme Е-Собес sent)
   */
  category: RecipientCategory;
  ipr: {
    externalId: string;
    developedOn: string;
    validUntil: string | null;
    disabilityGroup: number | null;
  } | null;
  sections: { key: 'services' | 'tsr' | 'payments'; measures: HelpMeasureView[] }[];
}

const SECTION_OF: Record<HelpCategory, 'services' | 'tsr' | 'payments'> = {
  service: 'services',
  tsr: 'tsr',
  payment: 'payments',
};

/** «Помощь для вас», the two-month supplier-choice window and its activation (rules, items 7–10). */
export class HelpService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: EntitlementsRepository,
  ) {}

  async page(actor: Actor, lang: Locale): Promise<HelpPage> {
    const { db, clock } = this.core;
    // the rule of principalOf, in the same statement as the page's reads
    const found = await this.repo.helpPageOf(
      db,
      actor.principalId,
      actor.personId,
      actor.roles.includes('guardian'),
    );
    if (!found) throw new NotFoundError();
    const { principal, measures } = found;
    const today = astanaDate(clock.now());
    const sections: HelpPage['sections'] = [
      { key: 'services', measures: [] },
      { key: 'tsr', measures: [] },
      { key: 'payments', measures: [] },
    ];
    for (const m of measures) {
      const open =
        m.open_order_id && m.open_order_number && m.open_order_kind
          ? { id: m.open_order_id, number: m.open_order_number, kind: m.open_order_kind }
          : null;
      const facts = {
        id: m.id,
        helpType: m.help_type,
        category: m.category,
        status: m.status,
        volume: m.volume,
        usedVolume: m.used_volume,
        deadline: m.deadline,
      };
      const statusKey = measureStatusKey(facts, Boolean(open));
      const view: HelpMeasureView = {
        id: m.id,
        helpType: m.help_type,
        name: nameIn(m, lang),
        unit: m.unit,
        volume: m.volume,
        remaining: Math.max(0, m.volume - m.used_volume),
        deadline: m.deadline,
        statusKey,
        tone: measureStatusTone(statusKey),
        action: measureAction(facts, open, today),
        choiceUntil:
          m.status === 'open' && !open && m.notified_at && hasSupplierChoice(m.help_type, m.category)
            ? lastChoiceDay(new Date(m.notified_at))
            : null,
        choiceBlockedAt: m.choice_blocked_at,
        activationRequestedAt: m.activation_requested_at,
      };
      sections.find((s) => s.key === SECTION_OF[m.category])!.measures.push(view);
    }
    // the newest IPR the measures come from
    const ipr = measures.reduce<MeasureWithType | undefined>(
      (a, m) => (!a || m.developed_on > a.developed_on ? m : a),
      undefined,
    );
    const category = ipr?.ipr_category ?? 'disability';
    return {
      principal: { id: principal.id, name: fullName(principal), isSelf: principal.id === actor.personId },
      category,
      ipr: ipr
        ? {
            externalId: ipr.ipr_external_id,
            developedOn: ipr.developed_on,
            validUntil: ipr.valid_until,
            disabilityGroup: ipr.disability_group,
          }
        : null,
      // an elderly person is recommended special social services only: no ТСР or payments sections
      sections:
        category === 'elderly'
          ? sections.filter((s) => s.measures.length > 0 || s.key === 'services')
          : sections,
    };
  }

  /**
   * «Активировать выбор поставщика»: the request goes to Е-Собес through the outbox in the same
   * transaction, and the measure waits (activation_pending) until Е-Собес sends it again.
   * Pressing twice changes nothing.
   */
  async requestActivation(actor: Actor, measureId: number): Promise<'requested' | 'alreadyPending'> {
    const { db, people, clock, outbox } = this.core;
    const principal = await principalOf(db, people, actor);
    return inTransaction(db, async (tx) => {
      const m = await this.repo.lockMeasureOf(tx, measureId, principal.id);
      if (!m) throw new NotFoundError();
      if (m.status === 'activation_pending') return 'alreadyPending';
      const step = measureMachine.find(m.status, 'request_activation');
      if (!step) throw new AppError('entitlements:errors.notBlocked', 409);
      const now = clock.now();
      await this.repo.updateMeasure(tx, m.id, {
        status: step.to,
        activation_requested_at: now,
        updated_at: now,
      });
      const iprExternalId = await this.repo.iprExternalId(tx, m.ipr_id);
      const actorPerson =
        actor.personId === principal.id ? principal : await people.findById(tx, actor.personId);
      await outbox.enqueue(tx, {
        system: 'esobes',
        topic: 'supplier-choice-activation',
        idempotencyKey: `ipr-measure:${m.id}:activation:${new Date(m.choice_blocked_at ?? now).getTime()}`,
        payload: {
          measureExternalId: m.external_id,
          iprExternalId,
          iin: principal.iin,
          helpType: m.help_type,
          choiceBlockedAt: m.choice_blocked_at ? new Date(m.choice_blocked_at).toISOString() : null,
          requestedAt: now.toISOString(),
          requestedByIin: actorPerson?.iin ?? null,
          byLegalRepresentative: actor.personId !== principal.id,
        },
      });
      await audit(tx, {
        actorId: actor.personId,
        principalId: principal.id,
        action: 'ipr_measure.activation_requested',
        objectType: 'ipr_measure',
        objectId: m.id,
      });
      return 'requested';
    });
  }

  /**
   * The scheduled job: blocks supplier choice on every open measure whose two months have passed
   * (Astana dates) and that has no open order, and tells the person by SMS. Safe to run on several
   * instances at once (rows are taken with SKIP LOCKED) and to run again (blocked rows are not open).
   */
  async runWindowJob(): Promise<{ blocked: number }> {
    const { db, clock, notifier } = this.core;
    const helpTypes = await this.repo.helpTypes(db);
    const choiceTypes = [...helpTypes.values()]
      .filter((h) => hasSupplierChoice(h.code, h.category))
      .map((h) => h.code);
    let blocked = 0;
    for (;;) {
      const n = await inTransaction(db, async (tx: Knex.Transaction) => {
        const now = clock.now();
        const rows = await this.repo.lockWindowOver(tx, astanaDate(now), choiceTypes, 200);
        for (const m of rows) {
          await this.repo.updateMeasure(tx, m.id, {
            status: measureStep(m.status, 'block_choice'),
            choice_blocked_at: now,
            updated_at: now,
          });
          const h = helpTypes.get(m.help_type)!;
          await notifier.notify(
            tx,
            m.person_id,
            'entitlements:sms.choiceBlocked',
            {
              ...helpTypeParams(h),
              blockedOn: ddmmyyyy(choiceBlockedOn(new Date(m.notified_at!))),
            },
            `ipr-measure:${m.id}:blocked:${new Date(m.notified_at!).getTime()}`,
          );
          await audit(tx, {
            principalId: m.person_id,
            action: 'ipr_measure.choice_blocked',
            objectType: 'ipr_measure',
            objectId: m.id,
          });
        }
        return rows.length;
      });
      blocked += n;
      if (n < 200) break;
    }
    if (blocked > 0) this.core.logger.info({ blocked }, 'supplier choice blocked after two months');
    return { blocked };
  }
}

export function nameIn(h: Pick<MeasureWithType, 'name_ru' | 'name_kk' | 'name_en'>, lang: Locale): string {
  return lang === 'kk' ? h.name_kk : lang === 'en' ? h.name_en : h.name_ru;
}
