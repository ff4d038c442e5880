import type { Knex } from 'knex';
import { astanaDate, type Clock } from '../../lib/clock.js';
import { maskIin } from '../../lib/iin.js';
import type { Logger } from '../../logger.js';
import type { Integrations, RegistryGuardianship, RegistryPerson } from '../../integrations/ports.js';
import type { PeopleRepository, GuardianshipRow } from '../people/people-repository.js';

/** What a re-check says about acting for a ward. */
export type GuardianshipCheck = 'in_force' | 'ended' | 'unavailable';

/** The registry's answer about one guardian, with the registry data of wards the portal does not know yet. */
export interface RegistryAnswer {
  inForce: RegistryGuardianship[];
  newWards: Map<string, { person: RegistryPerson; phone: string | null }>;
}

/** Whether a guardianship of the registry is in force on `today` (YYYY-MM-DD). */
export function guardianshipInForce(
  g: Pick<RegistryGuardianship, 'validFrom' | 'validUntil' | 'endedOn'>,
  today: string,
): boolean {
  return (
    g.validFrom <= today && (!g.validUntil || today <= g.validUntil) && (!g.endedOn || today < g.endedOn)
  );
}

/** Whether a cached guardianship is in force on `today` by the dates the registry gave. */
function cachedInForce(row: GuardianshipRow, today: string): boolean {
  return (!row.valid_from || row.valid_from <= today) && (!row.valid_until || today <= row.valid_until);
}

/**
 * Guardianships come from the guardianship registry (органы опеки и попечительства); the portal never
 * makes one. The `guardianships` table is a cache of the registry's answer about each guardian: the
 * guardianships in force, each with `checked_at`. The answer is read at login (AuthService.login) and
 * again on a request made for a ward once it is older than GUARDIANSHIP_CHECK_TTL_SECONDS (the cache
 * is in the database, so every instance shares it). The `guardian` role follows the answer: granted
 * while the registry holds a guardianship in force, taken away when it holds none.
 */
export class GuardianshipService {
  constructor(
    private readonly db: Knex,
    private readonly people: PeopleRepository,
    private readonly integrations: Integrations,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Asks the registry (outside any transaction: a remote system) about this person as a guardian,
   * and the person registry about each ward in force the portal does not know yet. Null when a
   * registry does not answer: the caller keeps the cache as it is.
   */
  async ask(guardianIin: string): Promise<RegistryAnswer | null> {
    try {
      const today = astanaDate(this.clock.now());
      const inForce = (await this.integrations.guardianshipRegistry.wardsOf(guardianIin)).filter((g) =>
        guardianshipInForce(g, today),
      );
      const newWards: RegistryAnswer['newWards'] = new Map();
      for (const g of inForce) {
        if (newWards.has(g.wardIin) || (await this.people.findByIin(this.db, g.wardIin))) continue;
        const person = await this.integrations.personRegistry.findByIin(g.wardIin);
        if (!person) continue; // a ward the person registry does not know cannot be acted for
        newWards.set(g.wardIin, { person, phone: await this.integrations.mobileBase.phoneByIin(g.wardIin) });
      }
      return { inForce, newWards };
    } catch (err) {
      this.logger.warn(
        { err: String(err).replace(/\b\d{12}\b/g, (m) => maskIin(m)), guardian: maskIin(guardianIin) },
        'guardianship registry unavailable',
      );
      return null;
    }
  }

  /**
   * Writes the registry's answer: wards new to the portal become persons (recipients), the cache
   * holds exactly the guardianships in force, and the guardian role follows them.
   */
  async store(tx: Knex.Transaction, guardianId: number, answer: RegistryAnswer): Promise<void> {
    const now = this.clock.now();
    for (const { person, phone } of answer.newWards.values()) {
      const row = await this.people.upsertFromRegistry(tx, person, phone, now);
      await this.people.grantRole(tx, row.id, 'recipient');
    }
    const rows = [];
    for (const g of answer.inForce) {
      const ward = await this.people.findByIin(tx, g.wardIin);
      if (!ward || ward.id === guardianId) continue;
      rows.push({
        wardId: ward.id,
        kind: g.kind,
        decisionNumber: g.decision.number,
        decisionDate: g.decision.date,
        authority: g.decision.authority,
        validFrom: g.validFrom,
        validUntil: g.validUntil ?? null,
      });
    }
    await this.people.replaceGuardianships(tx, guardianId, rows, now);
    if (rows.length > 0) await this.people.grantRole(tx, guardianId, 'guardian');
    else await this.people.revokeRole(tx, guardianId, 'guardian');
  }

  /**
   * May this guardian act for this ward now? The cached answer while it is younger than the TTL;
   * a cached end date already passed needs no question; otherwise the registry is asked again and
   * the cache rewritten. `unavailable`: the registry did not answer and the cache is too old to trust.
   */
  async check(guardianId: number, wardId: number): Promise<GuardianshipCheck> {
    const now = this.clock.now();
    const today = astanaDate(now);
    const cached = await this.people.guardianship(this.db, guardianId, wardId);
    if (cached && !cachedInForce(cached, today)) return 'ended';
    if (cached?.checked_at && now.getTime() - new Date(cached.checked_at).getTime() < this.ttlMs)
      return 'in_force';
    const guardian = await this.people.findById(this.db, guardianId);
    if (!guardian) return 'ended';
    const answer = await this.ask(guardian.iin);
    if (!answer) return 'unavailable';
    await this.db.transaction((tx) => this.store(tx, guardianId, answer));
    return (await this.people.isGuardianOf(this.db, guardianId, wardId, today)) ? 'in_force' : 'ended';
  }
}
