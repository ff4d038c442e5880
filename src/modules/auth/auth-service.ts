import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { astanaDate, type Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { maskIin } from '../../lib/iin.js';
import type { Integrations } from '../../integrations/index.js';
import { EdsError } from '../../eds/index.js';
import { audit } from '../audit/audit.js';
import { type PeopleRepository, type PersonRow, type WardRow } from '../people/people-repository.js';
import { fullName } from '../people/names.js';
import type { IssuedSignRequest, SigningService } from '../signing/signing-service.js';
import type { Role, SessionAuth } from '../../lib/actor.js';
import type { GuardianshipCheck, GuardianshipService } from './guardianships.js';

/** a challenge is given out again only while it has at least this long to live */
const CHALLENGE_REUSE_MARGIN_MS = 5 * 60_000;

export interface LoginResult {
  auth: SessionAuth;
  person: PersonRow;
  firstLogin: boolean;
  wards: PersonRow[];
  signedDocumentId: number;
}

/** Login with the AUTH key: a one-time challenge, full verification, the account from the registries. */
export class AuthService {
  constructor(
    private readonly db: Knex,
    private readonly signing: SigningService,
    private readonly people: PeopleRepository,
    private readonly integrations: Integrations,
    private readonly clock: Clock,
    private readonly guardianships: GuardianshipService,
  ) {}

  /**
   * The login challenge of a session: the one it was given while that is unused and has more than
   * a few minutes left (a page reload writes nothing), otherwise a new one. Unused challenges are
   * deleted after their TTL (SigningService.deleteExpired).
   */
  async challengeFor(currentId: string | undefined): Promise<IssuedSignRequest> {
    if (currentId) {
      const row = await this.signing.findRequest(currentId);
      const now = this.clock.now().getTime();
      if (
        row &&
        row.purpose === 'login' &&
        !row.consumed_at &&
        new Date(row.expires_at).getTime() - now > CHALLENGE_REUSE_MARGIN_MS
      ) {
        return {
          id: row.id,
          xml: row.xml,
          keyType: row.key_type,
          signer: 'any',
          expiresAt: new Date(row.expires_at),
        };
      }
    }
    return this.issueChallenge();
  }

  /**
   * Why a challenge posted from a session that was not given it is refused: a challenge already
   * used says so (the replay of eds.md), any other is another session's.
   */
  async foreignChallengeCode(id: string): Promise<'EDS_CHALLENGE_USED' | 'login_challenge_not_yours'> {
    const row = await this.signing.findRequest(id);
    return row?.purpose === 'login' && row.consumed_at ? 'EDS_CHALLENGE_USED' : 'login_challenge_not_yours';
  }

  issueChallenge(): Promise<IssuedSignRequest> {
    return this.signing.issue({
      kind: 'auth-challenge',
      purpose: 'login',
      keyType: 'AUTH',
      actor: null,
      payload: { nonce: crypto.randomBytes(24).toString('base64url') },
    });
  }

  async login(signRequestId: string, signedXml: string): Promise<LoginResult> {
    const v = await this.signing
      .verify({ signRequestId, signedXml, purpose: 'login', actorId: null, signer: 'individual' })
      .catch(async (err: unknown) => {
        // an employee logs in with a legal-entity AUTH key: verify again for that profile
        if (err instanceof EdsError && err.code === 'EDS_LEGAL_ENTITY') {
          return this.signing.verify({
            signRequestId,
            signedXml,
            purpose: 'login',
            actorId: null,
            signer: 'employee',
          });
        }
        throw err;
      });
    const cert = v.cert;
    const now = this.clock.now();

    // state registries first (outside the transaction: they are remote systems); when they do not
    // answer, the person is told so, nothing is written and the challenge stays unused for a retry
    const { registryPerson, phone } = await Promise.all([
      this.integrations.personRegistry.findByIin(cert.iin),
      this.integrations.mobileBase.phoneByIin(cert.iin),
    ]).then(
      ([registryPerson, phone]) => ({ registryPerson, phone }),
      (err: unknown) => {
        // the gateway's answer names the path, which holds the IIN: the log gets it masked
        throw new AppError('registry_unavailable', 503, {
          detail: String(err).replace(/\b\d{12}\b/g, (m) => maskIin(m)),
        });
      },
    );
    if (!registryPerson) throw new AppError('person_not_in_registry', 403);
    // a person logging in for themselves may be a guardian: the guardianship registry says whose
    // (null when it does not answer: the cache stays as it was, and acting for a ward asks again)
    const guardianships = cert.subjectKind === 'legal' ? null : await this.guardianships.ask(cert.iin);

    return this.db.transaction(async (tx) => {
      const docId = await this.signing.consume(tx, v);
      const existing = await this.people.findByIin(tx, cert.iin);
      const person = await this.people.upsertFromRegistry(tx, registryPerson, phone, now);
      const firstLogin = !existing?.account_created_at;
      if (firstLogin) await tx('persons').where({ id: person.id }).update({ account_created_at: now });
      await tx('persons').where({ id: person.id }).update({ last_login_at: now });
      if (guardianships) await this.guardianships.store(tx, person.id, guardianships);

      const grants = await this.people.roles(tx, person.id);
      let roles: Role[];
      let organisationId: number | undefined;
      let directions: string[] | undefined;
      if (cert.subjectKind === 'legal') {
        const org = cert.bin ? await this.people.organisationByBin(tx, cert.bin) : undefined;
        const employee = org && grants.find((g) => g.role === 'employee' && g.organisation_id === org.id);
        if (!org || !employee) throw new EdsError('EDS_NOT_EMPLOYEE');
        // the same refusals as the per-request check of an employee (docs/participants.md)
        if (org.status === 'excluded')
          throw new AppError('staff:refused.organisation_excluded', 403, { reason: org.status_reason ?? '' });
        if (employee.status !== 'active') throw new AppError('staff:refused.grant_suspended', 403);
        roles = ['employee'];
        organisationId = org.id;
        directions = org.directions;
      } else {
        const active = grants.filter((g) => g.status === 'active');
        roles = [...new Set(active.filter((g) => g.role !== 'employee').map((g) => g.role))];
        if (roles.length === 0) {
          await this.people.grantRole(tx, person.id, 'recipient');
          roles = ['recipient'];
        }
        // an individual entrepreneur acts for their own organisation (bin = their IIN) with the
        // personal key: the supplier cabinet besides whatever else they are
        const own = await this.people.organisationByBin(tx, cert.iin);
        if (
          own?.kind === 'entrepreneur' &&
          own.status !== 'excluded' &&
          active.some((g) => g.role === 'employee' && g.organisation_id === own.id)
        ) {
          roles = [...roles, 'employee'];
          organisationId = own.id;
          directions = own.directions;
        }
      }
      const wards = roles.includes('guardian') ? await this.people.wards(tx, person.id, astanaDate(now)) : [];
      await audit(tx, {
        actorId: person.id,
        principalId: person.id,
        organisationId: organisationId ?? null,
        action: firstLogin ? 'account.created' : 'login',
        objectType: 'person',
        objectId: person.id,
        signedDocumentId: docId,
      });
      const auth: SessionAuth = {
        personId: person.id,
        name: fullName(person),
        roles,
        ...(organisationId ? { organisationId } : {}),
        ...(directions ? { directions } : {}),
        principalId: person.id,
        principalName: fullName(person),
        loginAt: now.toISOString(),
      };
      return {
        auth,
        person: { ...person, account_created_at: person.account_created_at ?? now },
        firstLogin,
        wards,
        signedDocumentId: docId,
      };
    });
  }

  /**
   * A guardian switches to a ward (or back to self); anything else is refused. The guardianship is
   * checked as on every request made for the ward (the registry asked when the cache is old).
   */
  async actFor(auth: SessionAuth, principalId: number): Promise<SessionAuth> {
    if (principalId === auth.personId) {
      const self = await this.people.findById(this.db, auth.personId);
      return { ...auth, principalId: auth.personId, principalName: self ? fullName(self) : auth.name };
    }
    if (!auth.roles.includes('guardian')) throw new AppError('not_found', 404);
    const check = await this.guardianships.check(auth.personId, principalId);
    if (check === 'unavailable') throw new AppError('auth:guardianship_registry_unavailable', 503);
    if (check !== 'in_force') throw new AppError('not_found', 404);
    const ward = await this.people.findById(this.db, principalId);
    if (!ward) throw new AppError('not_found', 404);
    await audit(this.db, {
      actorId: auth.personId,
      principalId,
      action: 'act_for',
      objectType: 'person',
      objectId: principalId,
    });
    return { ...auth, principalId, principalName: fullName(ward) };
  }

  /**
   * Whether the session may still act for its principal: always for oneself; for a ward only while
   * the guardianship registry holds the guardianship in force (checked on every request made for the
   * ward, the registry's answer trusted for GUARDIANSHIP_CHECK_TTL_SECONDS). `unavailable`: the
   * registry did not answer when it had to be asked.
   */
  async stillActsFor(auth: SessionAuth): Promise<GuardianshipCheck> {
    if (auth.principalId === auth.personId) return 'in_force';
    if (!auth.roles.includes('guardian')) return 'ended';
    return this.guardianships.check(auth.personId, auth.principalId);
  }

  /**
   * Whether the person's newest programme from Е-Собес is an elderly person's (recommended special
   * social services, rules item 7) rather than an ИПР: the welcome letter speaks accordingly.
   */
  async isElderly(personId: number): Promise<boolean> {
    const row = (await this.db('iprs')
      .where({ person_id: personId })
      .orderBy('developed_on', 'desc')
      .first('category')) as { category: string } | undefined;
    return row?.category === 'elderly';
  }

  async markWelcomed(personId: number): Promise<void> {
    await this.db('persons')
      .where({ id: personId })
      .whereNull('welcomed_at')
      .update({ welcomed_at: this.clock.now() });
  }

  /** The wards whose guardianship the registry's last answer held in force. */
  async wards(personId: number): Promise<WardRow[]> {
    return this.people.wards(this.db, personId, astanaDate(this.clock.now()));
  }

  /**
   * Ends every session of this person (the rows are deleted, so no instance accepts them again: the
   * deletion is announced to every instance's session cache, and this instance's forgets them at once
   * through `onSessionsEnded`).
   */
  async logoutEverywhere(personId: number): Promise<number> {
    const rows = (await this.db('sessions')
      .whereRaw(`(sess -> 'auth' ->> 'personId')::bigint = ?`, [personId])
      .delete()
      .returning('sid')) as { sid: string }[];
    const sids = rows.map((r) => r.sid);
    for (const listener of this.sessionsEnded) listener(sids);
    return sids.length;
  }

  private readonly sessionsEnded = new Set<(sids: string[]) => void>();

  /** Calls `listener` with the ids of the sessions `logoutEverywhere` ended; returns the unsubscription. */
  onSessionsEnded(listener: (sids: string[]) => void): () => void {
    this.sessionsEnded.add(listener);
    return () => this.sessionsEnded.delete(listener);
  }
}
