import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import { inTransaction } from '../../db/knex.js';
import { ValidationError } from '../../lib/errors.js';
import { audit } from '../audit/audit.js';
import type { RegistryPerson } from '../../integrations/ports.js';
import type { EntitlementsRepository, HelpTypeRow, MeasureRow, RecipientCategory } from './repository.js';
import { importBatchSchema, issuesToFields, type ImportBatch } from './schemas.js';
import {
  hasSupplierChoice,
  lastChoiceDay,
  measureChanged,
  measureStep,
  statusAfterVolumeChange,
} from './rules.js';

/** Raised for a batch that cannot be stored as a whole: field path → message. Nothing is stored. */
export class ImportRejected extends ValidationError {}

export interface ImportResult {
  iprs: number;
  personsCreated: number;
  measures: { received: number; created: number; updated: number; unchanged: number; reopened: number };
}

/** The SMS parameters that name a help type in each language (each locale picks its own). */
export function helpTypeParams(
  h: Pick<HelpTypeRow, 'name_ru' | 'name_kk' | 'name_en'>,
): Record<string, string> {
  return { helpType_ru: h.name_ru, helpType_kk: h.name_kk, helpType_en: h.name_en };
}

/** 2026-11-25 → 25.11.2026 (the dates SMS texts carry). */
export function ddmmyyyy(iso: string): string {
  return iso.split('-').reverse().join('.');
}

/**
 * IPR measures from АИС «Е-Собес» (rules, item 9): one batch, one transaction. Each IPR carries its
 * category (rules, item 7): an elderly person's holds the special social services recommended to
 * them (help types marked `ssu`) and no disability group. Idempotent by the
 * measure's external id: an unchanged measure changes nothing, a changed one is updated with its
 * revision bumped, and one re-sent while its activation is pending re-opens the two-month window.
 * A new measure (and a re-opened one) tells the person to log in and choose a supplier.
 */
export class IprImportService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: EntitlementsRepository,
  ) {}

  async importBatch(input: unknown): Promise<ImportResult> {
    const parsed = importBatchSchema.safeParse(input);
    if (!parsed.success) throw new ImportRejected(issuesToFields(parsed.error));
    const batch = parsed.data;
    const { db } = this.core;

    const helpTypes = await this.repo.helpTypes(db);
    const fields: Record<string, string> = {};
    batch.iprs.forEach((ipr, i) =>
      ipr.measures.forEach((m, j) => {
        const h = helpTypes.get(m.helpType);
        if (!h || !h.active) fields[`iprs.${i}.measures.${j}.helpType`] = `unknown help type ${m.helpType}`;
        else if (ipr.category === 'elderly' && !h.ssu)
          fields[`iprs.${i}.measures.${j}.helpType`] =
            `${m.helpType} is not a special social service: an elderly person is recommended special social services only`;
      }),
    );

    // the state registries are remote systems: ask them before the transaction
    const iins = [...new Set(batch.iprs.map((r) => r.iin))];
    const known = await this.repo.personIdsByIin(db, iins);
    const fromRegistry = new Map<string, { person: RegistryPerson; phone: string | null }>();
    for (const iin of iins.filter((x) => !known.has(x))) {
      const person = await this.core.integrations.personRegistry.findByIin(iin);
      if (!person) {
        const i = batch.iprs.findIndex((r) => r.iin === iin);
        fields[`iprs.${i}.iin`] = 'not found in the person registry';
        continue;
      }
      fromRegistry.set(iin, { person, phone: await this.core.integrations.mobileBase.phoneByIin(iin) });
    }
    if (Object.keys(fields).length > 0) throw new ImportRejected(fields);

    return inTransaction(db, (tx) => this.store(tx, batch, helpTypes, known, fromRegistry));
  }

  private async store(
    tx: Knex.Transaction,
    batch: ImportBatch,
    helpTypes: Map<string, HelpTypeRow>,
    known: Map<string, number>,
    fromRegistry: Map<string, { person: RegistryPerson; phone: string | null }>,
  ): Promise<ImportResult> {
    const now = this.core.clock.now();
    const result: ImportResult = {
      iprs: batch.iprs.length,
      personsCreated: 0,
      measures: { received: 0, created: 0, updated: 0, unchanged: 0, reopened: 0 },
    };
    const fields: Record<string, string> = {};
    const personIds = new Map(known);
    for (const [iin, r] of fromRegistry) {
      const person = await this.core.people.upsertFromRegistry(tx, r.person, r.phone, now);
      await this.core.people.grantRole(tx, person.id, 'recipient');
      personIds.set(iin, person.id);
      result.personsCreated++;
    }

    for (const [i, ipr] of batch.iprs.entries()) {
      const personId = personIds.get(ipr.iin)!;
      const iprRow = await this.repo.upsertIpr(tx, {
        externalId: ipr.externalId,
        personId,
        developedOn: ipr.developedOn,
        validUntil: ipr.validUntil ?? null,
        category: ipr.category,
        disabilityGroup: ipr.disabilityGroup ?? null,
        at: now,
      });
      if (iprRow.person_id !== personId) {
        fields[`iprs.${i}.externalId`] = 'this IPR belongs to another person';
        continue;
      }
      for (const [j, m] of ipr.measures.entries()) {
        result.measures.received++;
        const path = `iprs.${i}.measures.${j}`;
        const helpType = helpTypes.get(m.helpType)!;
        const incoming = {
          iprId: iprRow.id,
          helpType: m.helpType,
          volume: m.volume,
          deadline: m.deadline ?? null,
        };
        let existing = await this.repo.lockMeasureByExternalId(tx, m.externalId);
        if (!existing) {
          const created = await this.repo.insertMeasure(tx, {
            ...incoming,
            externalId: m.externalId,
            personId,
            at: now,
          });
          if (created) {
            result.measures.created++;
            await this.notice(tx, created, helpType, ipr.category);
            continue;
          }
          existing = await this.repo.lockMeasureByExternalId(tx, m.externalId);
          if (!existing) throw new Error(`measure ${m.externalId} vanished during import`);
        }
        if (existing.person_id !== personId) {
          fields[`${path}.externalId`] = 'this measure belongs to another person';
          continue;
        }
        const changed = measureChanged(existing, incoming);
        const reopen = existing.status === 'activation_pending';
        if (!changed && !reopen) {
          result.measures.unchanged++;
          continue;
        }
        if (changed && m.volume < existing.used_volume) {
          fields[`${path}.volume`] =
            `must not be less than the volume already used (${existing.used_volume})`;
          continue;
        }
        const patch: Record<string, unknown> = { updated_at: now };
        if (changed) {
          Object.assign(patch, {
            ipr_id: incoming.iprId,
            help_type: incoming.helpType,
            volume: incoming.volume,
            deadline: incoming.deadline,
            revision: existing.revision + 1,
            status: statusAfterVolumeChange(existing.status, incoming.volume, existing.used_volume),
          });
          result.measures.updated++;
        }
        if (reopen) {
          Object.assign(patch, {
            status: measureStep(existing.status, 'reopen'),
            notified_at: now,
            choice_blocked_at: null,
          });
          result.measures.reopened++;
        }
        const row = await this.repo.updateMeasure(tx, existing.id, patch);
        await audit(tx, {
          action: reopen ? 'ipr_measure.reopened' : 'ipr_measure.updated',
          principalId: personId,
          objectType: 'ipr_measure',
          objectId: existing.id,
          details: {
            externalId: m.externalId,
            revision: row.revision,
            from: existing.status,
            to: row.status,
          },
        });
        if (reopen) await this.notice(tx, row, helpType, ipr.category);
      }
    }
    if (Object.keys(fields).length > 0) throw new ImportRejected(fields); // rolls the whole batch back
    await audit(tx, {
      action: 'ipr.imported',
      objectType: 'ipr_batch',
      details: { iprs: result.iprs, personsCreated: result.personsCreated, ...result.measures },
    });
    return result;
  }

  /** «Authorise and choose a supplier» (or, where nothing is chosen, that the help is assigned). */
  private async notice(
    tx: Knex.Transaction,
    m: MeasureRow,
    h: HelpTypeRow,
    category: RecipientCategory,
  ): Promise<void> {
    const notifiedAt = m.notified_at ? new Date(m.notified_at) : this.core.clock.now();
    const choice = hasSupplierChoice(h.code, h.category);
    // an elderly person is told of recommended special social services, never of an ИПР
    const key =
      category === 'elderly'
        ? choice
          ? 'entitlements:sms.ssuChooseSupplier'
          : 'entitlements:sms.ssuRecommended'
        : choice
          ? 'entitlements:sms.chooseSupplier'
          : 'entitlements:sms.assigned';
    await this.core.notifier.notify(
      tx,
      m.person_id,
      key,
      { ...helpTypeParams(h), until: ddmmyyyy(lastChoiceDay(notifiedAt)) },
      `ipr-measure:${m.id}:notice:${notifiedAt.getTime()}`,
    );
  }
}
