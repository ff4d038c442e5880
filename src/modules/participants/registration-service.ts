import crypto from 'node:crypto';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { maskIin } from '../../lib/iin.js';
import { inTransaction } from '../../db/knex.js';
import type { EntrepreneurRecord, LegalEntityRecord } from '../../integrations/ports.js';
import type { FieldValue } from '../../eds/index.js';
import type { CoreServices } from '../index.js';
import { audit } from '../audit/audit.js';
import type { IssuedSignRequest } from '../signing/signing-service.js';
import type { SignedInput } from '../signing/signed-steps.js';
import type { StepDocument } from '../orders/state-machine.js';
import { fullName } from '../people/names.js';
import { directionsForActivity } from './okved.js';
import type {
  RegistrationRepository,
  SupplierApplicationRow,
  SupplierKind,
} from './registration-repository.js';

/** the identification of a registration: a one-time challenge signed with the AUTH key */
export const IDENTIFY_PURPOSE = 'supplier-registration.identify';
/** the application itself, signed with the SIGN key */
export const APPLY_PURPOSE = 'supplier-registration.apply';
const CHALLENGE_REUSE_MARGIN_MS = 5 * 60_000;
const UNIQUE_VIOLATION = '23505';

/** Who is registering: the person who signed, the kind, and the БИН (the ИИН for an entrepreneur). */
export interface Registrant {
  personId: number;
  kind: SupplierKind;
  bin: string;
}

/** The registry answer a registration works with, in one shape for both kinds. */
export interface RegistryAnswer {
  kind: SupplierKind;
  bin: string;
  name: string;
  shortName: string;
  head: string;
  address: { region: string; locality: string; street: string; house: string };
  activityCode: string;
  otherActivityCodes: string[];
  legal?: LegalEntityRecord;
  entrepreneur?: EntrepreneurRecord;
}

/** The administrator's signed decisions. */
export const DECISION: Record<'approve' | 'refuse', StepDocument> = {
  approve: { kind: 'supplier-decision', purpose: 'supplier-registration.approve', signer: 'individual' },
  refuse: { kind: 'supplier-decision', purpose: 'supplier-registration.refuse', signer: 'individual' },
};

function masked(err: unknown): string {
  return String(err).replace(/\b\d{12}\b/g, (m) => maskIin(m));
}

/**
 * Registration of suppliers by EDS (rules item 12): a legal entity's head or employee (legal-entity
 * key, OU=BIN…) or an individual entrepreneur (personal key) identifies with a signed challenge; the
 * portal reads the state registry (ГБД ЮЛ or the entrepreneur registry), shows it, and the person
 * signs the application with those data; an administrator approves (the organisation is created and
 * the signer becomes its employee) or refuses with a reason, signed.
 */
export class RegistrationService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: RegistrationRepository,
  ) {}

  /** The identification challenge of a session: reused while unused and alive, else a new one. */
  async challenge(currentId: string | undefined): Promise<IssuedSignRequest> {
    if (currentId) {
      const row = await this.core.signing.findRequest(currentId);
      if (
        row &&
        row.purpose === IDENTIFY_PURPOSE &&
        !row.consumed_at &&
        new Date(row.expires_at).getTime() - this.core.clock.now().getTime() > CHALLENGE_REUSE_MARGIN_MS
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
    return this.core.signing.issue({
      kind: 'auth-challenge',
      purpose: IDENTIFY_PURPOSE,
      keyType: 'AUTH',
      actor: null,
      payload: { nonce: crypto.randomBytes(24).toString('base64url') },
    });
  }

  /**
   * The registry's answer for a БИН (legal entity) or an ИИН (entrepreneur). Refused with a message:
   * unknown to the registry, liquidated, not (or no longer) an entrepreneur; 503 when it does not answer.
   */
  async registryAnswer(kind: SupplierKind, bin: string): Promise<RegistryAnswer> {
    const { integrations } = this.core;
    if (kind === 'legal') {
      const r = await integrations.organisationRegistry.findByBin(bin).catch((err: unknown) => {
        throw new AppError('registry_unavailable', 503, { detail: masked(err) });
      });
      if (!r) throw new AppError('participants:errors.unknownBin', 422, { bin });
      if (r.status === 'liquidated')
        throw new AppError('participants:errors.liquidated', 422, { name: r.name });
      return {
        kind,
        bin,
        name: r.name,
        shortName: r.shortName,
        head: r.head,
        address: r.address,
        activityCode: r.activityCode,
        otherActivityCodes: r.otherActivityCodes ?? [],
        legal: r,
      };
    }
    const e = await integrations.entrepreneurRegistry.findByIin(bin).catch((err: unknown) => {
      throw new AppError('registry_unavailable', 503, { detail: masked(err) });
    });
    if (!e) throw new AppError('participants:errors.notEntrepreneur', 422);
    if (e.status !== 'active') throw new AppError('participants:errors.entrepreneurTerminated', 422);
    return {
      kind,
      bin,
      name: e.name,
      shortName: e.name,
      head: e.owner,
      address: e.address,
      activityCode: e.activityCode,
      otherActivityCodes: e.otherActivityCodes ?? [],
      entrepreneur: e,
    };
  }

  /**
   * The signed identification: the key tells who (and for a legal entity, which БИН); the registries
   * must know the person and the organisation or entrepreneur. Nothing is written when they refuse.
   */
  async identify(kind: SupplierKind, signRequestId: string, signedXml: string): Promise<Registrant> {
    const { signing, integrations, people } = this.core;
    const v = await signing.verify({
      signRequestId,
      signedXml,
      purpose: IDENTIFY_PURPOSE,
      actorId: null,
      signer: kind === 'legal' ? 'employee' : 'individual',
    });
    const bin = kind === 'legal' ? v.cert.bin : v.cert.iin;
    if (!bin) throw new AppError('EDS_NOT_EMPLOYEE', 422);
    await this.registryAnswer(kind, bin);
    const [registryPerson, phone] = await Promise.all([
      integrations.personRegistry.findByIin(v.cert.iin),
      integrations.mobileBase.phoneByIin(v.cert.iin),
    ]).catch((err: unknown) => {
      throw new AppError('registry_unavailable', 503, { detail: masked(err) });
    });
    if (!registryPerson) throw new AppError('person_not_in_registry', 403);
    return inTransaction(this.core.db, async (tx) => {
      const docId = await signing.consume(tx, v);
      const person = await people.upsertFromRegistry(tx, registryPerson, phone, this.core.clock.now());
      await audit(tx, {
        actorId: person.id,
        principalId: person.id,
        action: 'supplier-registration.identified',
        objectType: 'supplier-registration',
        objectId: person.id,
        signedDocumentId: docId,
        details: { kind, bin },
      });
      return { personId: person.id, kind, bin };
    });
  }

  /** The registration page of an identified person: the registry's data, the directions, the applications. */
  async overview(r: Registrant) {
    const [answer, applications, org] = await Promise.all([
      this.registryAnswer(r.kind, r.bin),
      this.repo.applicationsFor(this.core.db, r.bin),
      this.repo.organisationByBin(this.core.db, r.bin),
    ]);
    const latest = applications[0];
    return {
      answer,
      directions: directionsForActivity(answer.activityCode),
      latest: latest ? applicationView(latest) : null,
      registered: Boolean(org),
      canApply: !org && latest?.status !== 'submitted',
    };
  }

  /** The application document for the identified person to sign: the registry's data as they are. */
  async issueApplication(r: Registrant): Promise<{ signRequest: IssuedSignRequest; answer: RegistryAnswer }> {
    const view = await this.overview(r);
    if (view.registered) throw new AppError('participants:errors.alreadyRegistered', 409);
    if (!view.canApply) throw new AppError('participants:errors.applicationPending', 409);
    const person = await this.core.people.findById(this.core.db, r.personId);
    if (!person) throw new NotFoundError();
    const a = view.answer;
    const registry = (a.legal ?? a.entrepreneur) as unknown as FieldValue;
    const signRequest = await this.core.signing.issue({
      kind: 'supplier-application',
      purpose: APPLY_PURPOSE,
      keyType: 'SIGN',
      actor: {
        personId: person.id,
        iin: person.iin,
        ...(r.kind === 'legal' ? { organisationBin: r.bin } : {}),
      },
      principal: r.kind === 'legal' ? null : { personId: person.id, iin: person.iin },
      object: { type: 'supplier-application', id: r.bin, version: 0 },
      payload: {
        supplierKind: r.kind,
        bin: r.bin,
        name: a.name,
        applicant: fullName(person),
        directions: view.directions,
        registry,
      },
    });
    return { signRequest, answer: a };
  }

  /** The signed application: stored with the registry's data it was signed with, for the administrator. */
  async submitApplication(r: Registrant, signed: SignedInput): Promise<SupplierApplicationRow> {
    return this.core.signing.apply(
      {
        ...signed,
        purpose: APPLY_PURPOSE,
        actorId: r.personId,
        signer: r.kind === 'legal' ? 'employee' : 'individual',
      },
      async (tx, doc) => {
        const q = doc.request;
        if (q.object_type !== 'supplier-application' || q.object_id !== r.bin) throw new NotFoundError();
        const p = q.payload as {
          supplierKind?: string;
          name?: string;
          directions?: string[];
          registry?: { activityCode?: string };
        };
        if (p.supplierKind !== r.kind) throw new NotFoundError();
        if (await this.repo.organisationByBin(tx, r.bin))
          throw new AppError('participants:errors.alreadyRegistered', 409);
        try {
          const app = await this.repo.insertApplication(tx, {
            kind: r.kind,
            bin: r.bin,
            applicant_id: r.personId,
            name: p.name ?? '',
            activity_code: p.registry?.activityCode ?? '',
            available_directions: directionsForActivity(p.registry?.activityCode ?? ''),
            registry_data: JSON.stringify(p.registry ?? {}),
            signed_document_id: doc.id,
            submitted_at: this.core.clock.now(),
          });
          await audit(tx, {
            actorId: r.personId,
            principalId: r.personId,
            action: 'supplier-registration.applied',
            objectType: 'supplier-application',
            objectId: app.id,
            signedDocumentId: doc.id,
            details: { kind: r.kind, bin: r.bin },
          });
          return app;
        } catch (err) {
          if ((err as { code?: string }).code === UNIQUE_VIOLATION)
            throw new AppError('participants:errors.applicationPending', 409);
          throw err;
        }
      },
    );
  }

  /** The applications a logged-in person signed, with their status and any refusal reason. */
  async mine(actor: Actor) {
    return (await this.repo.applicationsOf(this.core.db, actor.personId)).map(applicationView);
  }

  // ------------------------------------------------------------------ administrator

  private requireAdmin(actor: Actor): void {
    if (!actor.roles.includes('admin')) throw new AppError('forbidden', 403);
  }

  async adminList(admin: Actor) {
    this.requireAdmin(admin);
    const [submitted, decided] = await Promise.all([
      this.repo.list(this.core.db, 'submitted'),
      this.repo.list(this.core.db, 'decided'),
    ]);
    const row = (a: SupplierApplicationRow & { applicant_name: string }) => ({
      ...applicationView(a),
      applicant: a.applicant_name,
    });
    return { submitted: submitted.map(row), decided: decided.map(row) };
  }

  async adminCard(admin: Actor, id: number) {
    this.requireAdmin(admin);
    const app = await this.repo.application(this.core.db, id);
    if (!app) throw new NotFoundError();
    const applicant = await this.core.people.findById(this.core.db, app.applicant_id);
    return {
      application: applicationView(app),
      applicant: applicant ? { name: fullName(applicant), iin: applicant.iin } : null,
      registry: app.registry_data,
      actions: app.status === 'submitted' ? (['approve', 'refuse'] as const) : [],
    };
  }

  async issueDecision(admin: Actor, id: number, decision: 'approve' | 'refuse', reason?: string) {
    this.requireAdmin(admin);
    const app = await this.repo.application(this.core.db, id);
    if (!app) throw new NotFoundError();
    if (app.status !== 'submitted') throw new AppError('participants:errors.applicationDecided', 409);
    const signRequest = await this.core.steps.issue(
      { personId: admin.personId, principalId: admin.personId, roles: admin.roles },
      DECISION[decision],
      { type: 'supplier-application', id, version: 0 },
      {
        decision,
        applicationId: id,
        bin: app.bin,
        name: app.name,
        directions: app.available_directions,
        ...(decision === 'refuse' ? { reason: reason ?? '' } : {}),
      },
    );
    return { signRequest, application: applicationView(app), reason: reason ?? null };
  }

  /**
   * The administrator's signed decision. Approval creates the organisation (its directions: those
   * its main activity code opens) and makes the applicant its employee and the administrator of its
   * staff (`org_admin`); refusal keeps the reason, shown to the applicant. The applicant is notified
   * either way.
   */
  async applyDecision(admin: Actor, id: number, decision: 'approve' | 'refuse', signed: SignedInput) {
    this.requireAdmin(admin);
    const self = { personId: admin.personId, principalId: admin.personId, roles: admin.roles };
    return this.core.steps.apply(
      self,
      DECISION[decision],
      { type: 'supplier-application', id },
      signed,
      async (tx, doc) => {
        const app = await this.repo.lockApplication(tx, id);
        if (!app) throw new NotFoundError();
        if (app.status !== 'submitted') throw new AppError('participants:errors.applicationDecided', 409);
        const now = this.core.clock.now();
        let organisationId: number | null = null;
        if (decision === 'approve') {
          if (await this.repo.organisationByBin(tx, app.bin))
            throw new AppError('participants:errors.alreadyRegistered', 409);
          const r = app.registry_data as {
            head?: string;
            owner?: string;
            address?: { region: string; locality: string; street: string; house: string };
            activityCode?: string;
            otherActivityCodes?: string[];
          };
          const address = r.address ?? { region: '', locality: '', street: '', house: '' };
          const directions = directionsForActivity(app.activity_code);
          organisationId = await this.repo.insertOrganisation(tx, {
            bin: app.bin,
            kind: app.kind,
            name: app.name,
            head: r.head ?? r.owner ?? '',
            address: JSON.stringify(address),
            region: address.region,
            locality: address.locality,
            activity_code: app.activity_code,
            other_activity_codes: r.otherActivityCodes ?? [],
            directions,
            available_directions: directions,
            registry_data: JSON.stringify(app.registry_data),
          });
          await this.repo.grantApplicant(tx, {
            personId: app.applicant_id,
            organisationId,
            by: admin.personId,
            at: now,
          });
        }
        const reason = decision === 'refuse' ? String(doc.request.payload.reason ?? '') : null;
        await this.repo.decide(tx, app.id, {
          status: decision === 'approve' ? 'approved' : 'refused',
          decided_by: admin.personId,
          decided_at: now,
          decision_document_id: doc.id,
          refusal_reason: reason,
          organisation_id: organisationId,
        });
        await this.core.notifier.notify(
          tx,
          app.applicant_id,
          `participants:sms.${decision}`,
          { name: app.name },
          `supplier-application:${app.id}:${decision}`,
        );
        await audit(tx, {
          actorId: admin.personId,
          organisationId,
          action: `supplier-registration.${decision}`,
          objectType: 'supplier-application',
          objectId: app.id,
          signedDocumentId: doc.id,
          details: { bin: app.bin, kind: app.kind },
        });
        return {
          ...applicationView(app),
          status: decision === 'approve' ? 'approved' : 'refused',
          organisationId,
        };
      },
    );
  }
}

/** An application as pages show it. */
export function applicationView(a: SupplierApplicationRow) {
  return {
    id: a.id,
    kind: a.kind,
    bin: a.bin,
    name: a.name,
    status: a.status,
    activityCode: a.activity_code,
    directions: a.available_directions,
    submittedAt: a.submitted_at,
    decidedAt: a.decided_at,
    refusalReason: a.refusal_reason,
    organisationId: a.organisation_id,
  };
}
