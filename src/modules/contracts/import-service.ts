import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import { inTransaction } from '../../db/knex.js';
import { ValidationError } from '../../lib/errors.js';
import { issuesToFields } from '../entitlements/schemas.js';
import type { RegistryPerson } from '../../integrations/ports.js';
import type { ContractsRepository, ProgrammeRow, ProgrammeServiceRow } from './repository.js';
import { programmeBatchSchema, type ProgrammeBatch } from './schemas.js';

/** A batch that cannot be stored as a whole: field path → message. Nothing is stored. */
export class ProgrammeImportRejected extends ValidationError {}

export interface ProgrammeImportResult {
  programmes: number;
  created: number;
  revised: number;
  unchanged: number;
}

type Programme = ProgrammeBatch['programmes'][number];

function sameService(a: ProgrammeServiceRow, b: Programme['services'][number], sort: number): boolean {
  return (
    !a.withdrawn &&
    a.code === b.code &&
    a.form === b.form &&
    a.volume === b.volume &&
    a.period_from === b.periodFrom &&
    a.period_to === b.periodTo &&
    a.sort === sort &&
    a.name.ru === b.name.ru &&
    a.name.kk === b.name.kk &&
    a.name.en === b.name.en
  );
}

/**
 * The individual programmes of special social services (ИППСУ) from Е-Собес: one batch, one
 * transaction, all or nothing. Revision rules (docs/contracts.md): a programme is known by its
 * external id and stays the same person's; an identical one changes nothing; a changed one bumps
 * the revision, and may not be older than the stored one (developedOn), withdraw a service an open
 * contract holds, or cut a service's volume below what contracts hold or have rendered.
 */
export class ProgrammeImportService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: ContractsRepository,
  ) {}

  async importBatch(input: unknown): Promise<ProgrammeImportResult> {
    const parsed = programmeBatchSchema.safeParse(input);
    if (!parsed.success) throw new ProgrammeImportRejected(issuesToFields(parsed.error));
    const batch = parsed.data;
    const { db } = this.core;
    const fields: Record<string, string> = {};

    const bins = [...new Set(batch.programmes.flatMap((p) => p.providers))];
    const orgs = await this.repo.organisationIdsByBin(db, bins);
    batch.programmes.forEach((p, i) =>
      p.providers.forEach((bin, j) => {
        const o = orgs.get(bin);
        if (!o) fields[`programmes.${i}.providers.${j}`] = 'no organisation with this BIN on the portal';
        else if (!o.directions.includes('special_social_services'))
          fields[`programmes.${i}.providers.${j}`] =
            'the organisation does not provide special social services';
      }),
    );

    // the state registries are remote systems: ask them before the transaction
    const iins = [...new Set(batch.programmes.map((p) => p.iin))];
    const known = new Map<string, number>();
    for (const iin of iins) {
      const row = await this.core.people.findByIin(db, iin);
      if (row) known.set(iin, row.id);
    }
    const fromRegistry = new Map<string, { person: RegistryPerson; phone: string | null }>();
    for (const iin of iins.filter((x) => !known.has(x))) {
      const person = await this.core.integrations.personRegistry.findByIin(iin);
      if (!person) {
        fields[`programmes.${batch.programmes.findIndex((p) => p.iin === iin)}.iin`] =
          'not found in the person registry';
        continue;
      }
      fromRegistry.set(iin, { person, phone: await this.core.integrations.mobileBase.phoneByIin(iin) });
    }
    if (Object.keys(fields).length) throw new ProgrammeImportRejected(fields);

    return inTransaction(db, async (tx) => {
      const now = this.core.clock.now();
      for (const [iin, r] of fromRegistry) {
        const person = await this.core.people.upsertFromRegistry(tx, r.person, r.phone, now);
        await this.core.people.grantRole(tx, person.id, 'recipient');
        known.set(iin, person.id);
      }
      const result: ProgrammeImportResult = {
        programmes: batch.programmes.length,
        created: 0,
        revised: 0,
        unchanged: 0,
      };
      for (const [i, p] of batch.programmes.entries()) {
        const personId = known.get(p.iin)!;
        const providerIds = p.providers.map((bin) => orgs.get(bin)!.id);
        const outcome = await this.store(tx, p, personId, providerIds, now, `programmes.${i}`, fields);
        if (outcome) result[outcome]++;
      }
      if (Object.keys(fields).length) throw new ProgrammeImportRejected(fields);
      return result;
    });
  }

  private async store(
    tx: Knex.Transaction,
    p: Programme,
    personId: number,
    providerIds: number[],
    at: Date,
    path: string,
    fields: Record<string, string>,
  ): Promise<'created' | 'revised' | 'unchanged' | null> {
    const existing = await this.repo.programmeByExternalId(tx, p.externalId);
    if (!existing) {
      const row = await this.repo.insertProgramme(tx, {
        external_id: p.externalId,
        person_id: personId,
        category: p.category,
        number: p.number,
        developed_on: p.developedOn,
        valid_until: p.validUntil,
        at,
      });
      for (const [sort, s] of p.services.entries())
        await this.repo.upsertProgrammeService(tx, row.id, serviceRow(s, sort));
      await this.repo.setProgrammeProviders(tx, row.id, providerIds);
      return 'created';
    }
    if (existing.person_id !== personId) {
      fields[`${path}.iin`] = 'the programme belongs to another person';
      return null;
    }
    if (p.developedOn < existing.developed_on) {
      fields[`${path}.developedOn`] =
        `older than the stored revision ${existing.revision} (${existing.developed_on})`;
      return null;
    }
    const services = await this.repo.programmeServices(tx, existing.id);
    const providers = (await this.repo.programmeProviders(tx, existing.id)).map((o) => o.id);
    const byExternal = new Map(services.map((s) => [s.external_id, s]));
    const unchanged =
      sameHead(existing, p) &&
      services.filter((s) => !s.withdrawn).length === p.services.length &&
      p.services.every((s, sort) => {
        const old = byExternal.get(s.externalId);
        return old !== undefined && sameService(old, s, sort);
      }) &&
      providers.length === providerIds.length &&
      providers.every((id, k) => id === providerIds[k]);
    if (unchanged) return 'unchanged';

    // what the contracts hold or have rendered limits the revision
    const usage = await this.repo.programmeUsage(tx, existing.id);
    const incoming = new Set(p.services.map((s) => s.externalId));
    for (const old of services.filter((s) => !s.withdrawn && !incoming.has(s.external_id))) {
      if ((usage.get(old.id)?.held ?? 0) > 0)
        fields[`${path}.services`] =
          `service ${old.external_id} is held by a contract and cannot be withdrawn`;
    }
    p.services.forEach((s, j) => {
      const old = byExternal.get(s.externalId);
      const held = old ? (usage.get(old.id)?.held ?? 0) : 0;
      if (old && s.volume < held)
        fields[`${path}.services.${j}.volume`] = `below the ${held} held or rendered under contracts`;
    });
    if (Object.keys(fields).some((k) => k.startsWith(`${path}.`))) return null;

    await this.repo.updateProgramme(tx, existing.id, {
      number: p.number,
      category: p.category,
      developed_on: p.developedOn,
      valid_until: p.validUntil,
      at,
    });
    for (const [sort, s] of p.services.entries())
      await this.repo.upsertProgrammeService(tx, existing.id, serviceRow(s, sort));
    await this.repo.withdrawProgrammeServices(
      tx,
      services.filter((s) => !incoming.has(s.external_id)).map((s) => s.id),
    );
    await this.repo.setProgrammeProviders(tx, existing.id, providerIds);
    return 'revised';
  }
}

function sameHead(a: ProgrammeRow, p: Programme): boolean {
  return (
    a.number === p.number &&
    a.category === p.category &&
    a.developed_on === p.developedOn &&
    a.valid_until === p.validUntil
  );
}

function serviceRow(s: Programme['services'][number], sort: number) {
  return {
    external_id: s.externalId,
    code: s.code,
    name: s.name,
    form: s.form,
    volume: s.volume,
    period_from: s.periodFrom,
    period_to: s.periodTo,
    sort,
  };
}
