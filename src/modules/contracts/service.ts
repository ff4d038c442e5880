import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { inTransaction } from '../../db/knex.js';
import { astanaDate } from '../../lib/clock.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { tFor } from '../../lib/i18n.js';
import { audit } from '../audit/audit.js';
import type { SignedInput } from '../signing/signed-steps.js';
import type { IssuedSignRequest } from '../signing/signing-service.js';
import {
  ACT_STATUSES_OF_CONTRACT,
  RENDERING_STATUSES,
  actMachine,
  checkValidity,
  checkVolumes,
  contractMachine,
  contractNumber,
  lapsed,
  type ActAction,
  type ContractAction,
  type ContractCtx,
  type ContractStatus,
} from './rules.js';
import type {
  ActRow,
  ContractRow,
  ContractServiceView,
  ContractView,
  ContractsRepository,
  ProgrammeRow,
  ProgrammeServiceRow,
} from './repository.js';
import type { ReasonInput, RecordInput, TermsInput } from './schemas.js';
import { publicBaseUrl } from '../../config.js';
import { verificationUrl } from '../../lib/pdf-verification.js';
import { renderContractPdf } from './contract-pdf.js';

const CONTRACT_OBJECT = 'ssu-contract';
const ACT_OBJECT = 'ssu-act';
const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';
const ru = tFor('ru');

function withTone(c: ContractView) {
  return { ...c, tone: contractMachine.tone(c.status) };
}

function pgCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

/** The reason steps of the contract and the act, by the side that takes them. */
export type RecipientReasonAction = 'terminate_recipient' | 'dispute_act';
export type ProviderReasonAction = 'decline' | 'terminate_provider';

/** What both signatures cover: the contract's parties, validity and services (the same in both documents). */
export interface ContractTerms {
  number: string;
  provider: string;
  providerBin: string;
  recipient: string;
  recipientIin: string;
  programme: string;
  validFrom: string;
  validTo: string;
  services: { programmeServiceId: number; code: string; name: string; form: string; volume: number }[];
}

/**
 * Special social services by contract (seed 002): the programme (ИППСУ), the request to a provider,
 * the provider's terms and signature, the person's signature, the services rendered and the act.
 * The person's side always works on `actor.principalId` (a legal representative acts for the ward);
 * the provider's side on `actor.organisationId`. Another's contract answers 404.
 */
export class ContractsService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: ContractsRepository,
  ) {}

  private get db() {
    return this.core.db;
  }

  private today(): string {
    return astanaDate(this.core.clock.now());
  }

  ctxOf(c: Pick<ContractRow, 'valid_to'>): ContractCtx {
    return { lapsed: lapsed(c.valid_to, this.today()) };
  }

  // the person's side ------------------------------------------------------------------------------

  /** «ИППСУ»: the programme in force, its services with the counts rendered under contracts, the providers. */
  async programme(actor: Actor) {
    const programme = await this.repo.currentProgramme(this.db, actor.principalId);
    if (!programme) return { programme: null, services: [], providers: [], contracts: [] };
    const [services, usage, providers, contracts] = await Promise.all([
      this.repo.programmeServices(this.db, programme.id),
      this.repo.programmeUsage(this.db, programme.id),
      this.repo.programmeProviders(this.db, programme.id),
      this.repo.forPerson(this.db, actor.principalId),
    ]);
    return {
      programme,
      lapsed: programme.valid_until < this.today(),
      services: services
        .filter((s) => !s.withdrawn)
        .map((s) => ({ ...s, rendered: usage.get(s.id)?.rendered ?? 0 })),
      providers,
      contracts: contracts.filter((c) => c.programme_id === programme.id && c.is_open).map(withTone),
    };
  }

  /** Providers of special social services by a part of the name (the search under the recommended ones). */
  async findProviders(query: string | undefined) {
    return this.repo.providers(this.db, query ?? null);
  }

  /** «Заключение договора с поставщиком …»: the provider the person is about to send the request to. */
  async requestTarget(actor: Actor, organisationId: number) {
    const provider = await this.repo.provider(this.db, organisationId);
    if (!provider) throw new NotFoundError();
    const programme = await this.requireProgramme(this.db, actor);
    return { provider, programme };
  }

  private async requireProgramme(db: Knex | Knex.Transaction, actor: Actor): Promise<ProgrammeRow> {
    const programme = await this.repo.currentProgramme(db, actor.principalId);
    if (!programme) throw new AppError('contracts:errors.noProgramme', 409);
    if (programme.valid_until < this.today()) throw new AppError('contracts:errors.programmeLapsed', 409);
    return programme;
  }

  /** «Да»: the request goes to the provider with the programme's services still free, «На заключении». */
  async request(actor: Actor, organisationId: number): Promise<ContractRow> {
    const provider = await this.repo.provider(this.db, organisationId);
    if (!provider) throw new NotFoundError();
    const now = this.core.clock.now();
    try {
      return await inTransaction(this.db, async (tx) => {
        const programme = await this.requireProgramme(tx, actor);
        const contract = await this.repo.insertContract(tx, {
          programme_id: programme.id,
          person_id: actor.principalId,
          organisation_id: provider.id,
          requested_by: actor.personId,
          at: now,
        });
        const usage = await this.repo.programmeUsage(tx, programme.id);
        const free = (await this.repo.programmeServices(tx, programme.id))
          .filter((s) => !s.withdrawn)
          .map((s) => ({ programmeServiceId: s.id, volume: s.volume - (usage.get(s.id)?.held ?? 0) }))
          .filter((s) => s.volume > 0);
        await this.repo.replaceServices(tx, contract.id, free);
        await this.repo.addEvent(tx, {
          contract_id: contract.id,
          at: now,
          actor_id: actor.personId,
          principal_id: actor.principalId,
          action: 'request',
          from_status: null,
          to_status: 'requested',
          reason: null,
          signed_document_id: null,
        });
        await audit(tx, {
          actorId: actor.personId,
          action: 'contracts.request',
          principalId: actor.principalId,
          organisationId: provider.id,
          objectType: 'ssu_contract',
          objectId: contract.id,
        });
        return contract;
      });
    } catch (err) {
      if (pgCode(err) === UNIQUE_VIOLATION) throw new ConflictError('contracts:errors.alreadyOpen');
      throw err;
    }
  }

  /** «Договоры»: the person's contracts, newest request first. */
  async listForPerson(actor: Actor) {
    return (await this.repo.forPerson(this.db, actor.principalId)).map(withTone);
  }

  private async ownContract(actor: Actor, id: number, db: Knex | Knex.Transaction = this.db) {
    const c = await this.repo.view(db, id);
    if (!c || c.person_id !== actor.principalId) throw new NotFoundError();
    return c;
  }

  private async providerContract(actor: Actor, id: number, db: Knex | Knex.Transaction = this.db) {
    await this.assertProvider(actor);
    const c = await this.repo.view(db, id);
    if (!c || c.organisation_id !== actor.organisationId) throw new NotFoundError();
    return c;
  }

  /** Refuses (403) anyone but an employee of an organisation with the special social services direction. */
  async assertProvider(actor: Actor): Promise<void> {
    if (!actor.organisationId || !actor.roles.includes('employee')) throw new AppError('forbidden', 403);
    const org = await this.core.people.organisationById(this.db, actor.organisationId);
    if (!org || !org.directions.includes('special_social_services'))
      throw new AppError('contracts:errors.noDirection', 403);
  }

  /** The card of a contract as either side sees it. */
  private async card(c: ContractView, roles: Actor['roles']) {
    const [services, records, acts, events] = await Promise.all([
      this.repo.services(this.db, c.id),
      this.repo.records(this.db, c.id),
      this.repo.acts(this.db, c.id),
      this.repo.events(this.db, c.id),
    ]);
    const ctx = this.ctxOf(c);
    const formedAct = acts.find((a) => a.status === 'formed') ?? null;
    // each signature is checked by anyone on /verify/{code} (the codes printed on the PDF too)
    const codeOf = async (id: number | null) =>
      id ? ((await this.core.signing.document(id))?.verification_code ?? null) : null;
    const [providerCode, recipientCode] = await Promise.all([
      codeOf(c.provider_document_id),
      codeOf(c.recipient_document_id),
    ]);
    return {
      contract: c,
      verification: { provider: providerCode, recipient: recipientCode },
      services,
      records,
      acts,
      events,
      formedAct,
      unbilled: records.filter(
        (r) => r.act_id === null && !formedAct?.items.some((i) => i.recordIds.includes(r.id)),
      ),
      actions: contractMachine.actionsFor(c.status, roles, ctx),
      actActions: formedAct ? actMachine.actionsFor(formedAct.status, roles) : [],
      tone: contractMachine.tone(c.status),
      canRecord: RENDERING_STATUSES.includes(c.status) && !ctx.lapsed,
      canFormAct: ACT_STATUSES_OF_CONTRACT.includes(c.status) && !formedAct,
    };
  }

  async personCard(actor: Actor, id: number) {
    const c = await this.ownContract(actor, id);
    return this.card(c, actor.roles);
  }

  async providerCard(actor: Actor, id: number) {
    const c = await this.providerContract(actor, id);
    const card = await this.card(c, actor.roles);
    const programme = (await this.repo.programmeById(this.db, c.programme_id))!;
    const usage = await this.repo.programmeUsage(this.db, c.programme_id);
    const mine = new Map(card.services.map((s) => [s.programme_service_id, s.volume]));
    const programmeServices = (await this.repo.programmeServices(this.db, c.programme_id))
      .filter((s) => !s.withdrawn)
      .map((s) => {
        const u = usage.get(s.id);
        const heldElsewhere = (u?.held ?? 0) - (u?.heldBy.get(c.id) ?? 0);
        return { ...s, available: s.volume - heldElsewhere, chosen: mine.get(s.id) ?? 0 };
      });
    return { ...card, programme, programmeServices };
  }

  // the contract's terms and the two signatures ----------------------------------------------------

  private async terms(
    db: Knex | Knex.Transaction,
    c: ContractView,
    input: TermsInput,
  ): Promise<ContractTerms> {
    const programme = (await this.repo.programmeById(db, c.programme_id))!;
    const services = new Map(
      (await this.repo.programmeServices(db, c.programme_id))
        .filter((s) => !s.withdrawn)
        .map((s) => [s.id, s]),
    );
    const usage = await this.repo.programmeUsage(db, c.programme_id);
    const limits = new Map(
      [...services.values()].map((s) => {
        const u = usage.get(s.id);
        return [s.id, { volume: s.volume, heldElsewhere: (u?.held ?? 0) - (u?.heldBy.get(c.id) ?? 0) }];
      }),
    );
    const errors = {
      ...checkVolumes(input.services, limits),
      ...checkValidity(
        input.validFrom,
        input.validTo,
        { developedOn: programme.developed_on, validUntil: programme.valid_until },
        this.today(),
      ),
    };
    if (Object.keys(errors).length) throw new ValidationError(errors);
    return {
      number: c.number ?? contractNumber(c.id, Number(input.validFrom.slice(0, 4))),
      provider: c.organisation_name,
      providerBin: c.organisation_bin,
      recipient: c.person_name,
      recipientIin: c.person_iin,
      programme: programme.number,
      validFrom: input.validFrom,
      validTo: input.validTo,
      services: input.services.map((x) => {
        const s = services.get(x.programmeServiceId) as ProgrammeServiceRow;
        return {
          programmeServiceId: s.id,
          code: s.code,
          name: s.name.ru,
          form: ru(`contracts:form.${s.form}`),
          volume: x.volume,
        };
      }),
    };
  }

  private static payload(terms: ContractTerms, statement: string) {
    return {
      title: ru('contracts:doc.title', { number: terms.number }),
      statement,
      ...terms,
    };
  }

  /** The provider's «Подписать»: the terms it set, as the document its legal-entity key signs. */
  async issueProviderSign(
    actor: Actor,
    id: number,
    input: TermsInput,
  ): Promise<{ signRequest: IssuedSignRequest; contract: ContractView; terms: ContractTerms }> {
    const c = await this.providerContract(actor, id);
    contractMachine.require(c.status, 'provider_sign', actor.roles, this.ctxOf(c));
    const terms = await this.terms(this.db, c, input);
    const signRequest = await this.core.steps.issue(
      actor,
      contractMachine.document('provider_sign'),
      { type: CONTRACT_OBJECT, id: c.id, version: c.version },
      ContractsService.payload(terms, ru('contracts:doc.providerStatement', { ...terms })),
    );
    return { signRequest, contract: c, terms };
  }

  /** The provider's signature: the terms of the signed document become the contract's, «На подписании». */
  async applyProviderSign(actor: Actor, id: number, signed: SignedInput): Promise<void> {
    await this.providerContract(actor, id);
    const doc = contractMachine.document('provider_sign');
    await this.core.steps.apply(actor, doc, { type: CONTRACT_OBJECT, id }, signed, async (tx, sd) => {
      const locked = await this.repo.lock(tx, id);
      if (!locked || locked.organisation_id !== actor.organisationId) throw new NotFoundError();
      if (sd.request.object_version !== locked.version) throw new ConflictError('contracts:errors.changed');
      contractMachine.require(locked.status, 'provider_sign', actor.roles, this.ctxOf(locked));
      const view = (await this.repo.view(tx, id))!;
      const p = sd.request.payload as unknown as ContractTerms;
      // the terms are checked again under the lock: another contract may have taken volume meanwhile
      const terms = await this.terms(tx, view, {
        validFrom: p.validFrom,
        validTo: p.validTo,
        services: p.services.map((s) => ({
          programmeServiceId: s.programmeServiceId,
          volume: Number(s.volume),
        })),
      });
      await this.repo.replaceServices(tx, id, terms.services);
      await this.move(tx, locked, 'provider_sign', actor, sd.id, null, {
        number: terms.number,
        valid_from: terms.validFrom,
        valid_to: terms.validTo,
        provider_document_id: sd.id,
      });
    });
  }

  /** The person's «Подписать договор» → «Подписать договор?» → «Да»: the same terms, with the provider's signature named. */
  async issueRecipientSign(actor: Actor, id: number) {
    const c = await this.ownContract(actor, id);
    contractMachine.require(c.status, 'recipient_sign', actor.roles, this.ctxOf(c));
    const terms = await this.signedTerms(c);
    const providerDoc = await this.core.signing.document(c.provider_document_id!);
    const signRequest = await this.core.steps.issue(
      actor,
      contractMachine.document('recipient_sign'),
      { type: CONTRACT_OBJECT, id: c.id, version: c.version },
      {
        ...ContractsService.payload(terms, ru('contracts:doc.recipientStatement', { ...terms })),
        providerSignedDocument: providerDoc?.id ?? null,
        providerSignedXmlSha256: providerDoc?.signed_xml_sha256 ?? null,
      },
    );
    return { signRequest, contract: c, terms };
  }

  async applyRecipientSign(actor: Actor, id: number, signed: SignedInput): Promise<void> {
    await this.ownContract(actor, id);
    const doc = contractMachine.document('recipient_sign');
    await this.core.steps.apply(actor, doc, { type: CONTRACT_OBJECT, id }, signed, async (tx, sd) => {
      const locked = await this.repo.lock(tx, id);
      if (!locked || locked.person_id !== actor.principalId) throw new NotFoundError();
      // the provider's terms changed since the document was issued (terminated, re-signed): sign again
      if (sd.request.object_version !== locked.version) throw new ConflictError('contracts:errors.changed');
      contractMachine.require(locked.status, 'recipient_sign', actor.roles, this.ctxOf(locked));
      await this.move(tx, locked, 'recipient_sign', actor, sd.id, null, { recipient_document_id: sd.id });
    });
  }

  /** The terms as the provider signed them (from the stored contract). */
  async signedTerms(c: ContractView): Promise<ContractTerms> {
    const services = await this.repo.services(this.db, c.id);
    return {
      number: c.number ?? '',
      provider: c.organisation_name,
      providerBin: c.organisation_bin,
      recipient: c.person_name,
      recipientIin: c.person_iin,
      programme: c.programme_number,
      validFrom: c.valid_from ?? '',
      validTo: c.valid_to ?? '',
      services: services.map((s: ContractServiceView) => ({
        programmeServiceId: s.programme_service_id,
        code: s.code,
        name: s.name.ru,
        form: ru(`contracts:form.${s.form}`),
        volume: s.volume,
      })),
    };
  }

  private async move(
    tx: Knex.Transaction,
    c: ContractRow,
    action: ContractAction,
    actor: Actor | null,
    signedDocumentId: number | null,
    reason: string | null,
    values: Partial<ContractRow> = {},
  ): Promise<void> {
    const t = contractMachine.find(c.status, action)!;
    const now = this.core.clock.now();
    await this.repo.update(tx, c.id, {
      ...values,
      status: t.to,
      is_open: !t.closes,
      status_changed_at: now,
      ...(reason !== null ? { reason } : {}),
    });
    await this.repo.addEvent(tx, {
      contract_id: c.id,
      at: now,
      actor_id: actor?.personId ?? null,
      principal_id: actor ? actor.principalId : null,
      action,
      from_status: c.status,
      to_status: t.to,
      reason,
      signed_document_id: signedDocumentId,
    });
    await audit(tx, {
      actorId: actor?.personId ?? null,
      action: `contracts.${action}`,
      principalId: actor?.principalId ?? null,
      objectType: 'ssu_contract',
      objectId: c.id,
      signedDocumentId,
      details: { from: c.status, to: t.to },
    });
  }

  // steps with a reason ----------------------------------------------------------------------------

  /** The contract a reason step is about, checked against the side and the machine (404 / 409). */
  async reasonTarget(
    actor: Actor,
    id: number,
    action: RecipientReasonAction | ProviderReasonAction,
    actId?: number,
  ): Promise<{ contract: ContractView; act: ActRow | null }> {
    const provider = action === 'decline' || action === 'terminate_provider';
    const c = provider ? await this.providerContract(actor, id) : await this.ownContract(actor, id);
    if (action === 'dispute_act') {
      const act = (await this.repo.acts(this.db, c.id)).find((a) => a.id === actId);
      if (!act) throw new NotFoundError();
      actMachine.require(act.status, 'dispute_act', actor.roles);
      return { contract: c, act };
    }
    contractMachine.require(c.status, action, actor.roles, this.ctxOf(c));
    return { contract: c, act: null };
  }

  async issueReason(
    actor: Actor,
    id: number,
    action: RecipientReasonAction | ProviderReasonAction,
    input: ReasonInput,
    actId?: number,
  ) {
    const { contract, act } = await this.reasonTarget(actor, id, action, actId);
    const document =
      action === 'dispute_act' ? actMachine.document(action) : contractMachine.document(action);
    const object = act
      ? { type: ACT_OBJECT, id: act.id, version: 1 }
      : { type: CONTRACT_OBJECT, id: contract.id, version: contract.version };
    const signRequest = await this.core.steps.issue(actor, document, object, {
      reason: input.reason,
      statement: ru(`contracts:doc.${action}`, {
        number: contract.number ?? '',
        provider: contract.organisation_name,
      }),
      contract: contract.number ?? '',
      provider: contract.organisation_name,
      recipient: contract.person_name,
    });
    return { signRequest, contract, act };
  }

  async applyReason(
    actor: Actor,
    id: number,
    action: RecipientReasonAction | ProviderReasonAction,
    signed: SignedInput,
    actId?: number,
  ): Promise<void> {
    const { contract } = await this.reasonTarget(actor, id, action, actId);
    if (action === 'dispute_act') {
      const doc = actMachine.document('dispute_act');
      await this.core.steps.apply(actor, doc, { type: ACT_OBJECT, id: actId! }, signed, async (tx, sd) => {
        const act = await this.repo.lockAct(tx, actId!);
        if (!act || act.contract_id !== contract.id) throw new NotFoundError();
        actMachine.require(act.status, 'dispute_act', actor.roles);
        const reason = String(sd.request.payload.reason ?? '');
        await this.repo.updateAct(tx, act.id, {
          status: 'disputed',
          dispute_reason: reason,
          decided_at: this.core.clock.now(),
          signed_document_id: sd.id,
        });
        await this.repo.addEvent(tx, {
          contract_id: contract.id,
          at: this.core.clock.now(),
          actor_id: actor.personId,
          principal_id: actor.principalId,
          action: 'dispute_act',
          from_status: contract.status,
          to_status: contract.status,
          reason,
          signed_document_id: sd.id,
        });
      });
      return;
    }
    const doc = contractMachine.document(action);
    await this.core.steps.apply(actor, doc, { type: CONTRACT_OBJECT, id }, signed, async (tx, sd) => {
      const locked = await this.repo.lock(tx, id);
      if (!locked) throw new NotFoundError();
      contractMachine.require(locked.status, action, actor.roles, this.ctxOf(locked));
      await this.move(tx, locked, action, actor, sd.id, String(sd.request.payload.reason ?? ''));
    });
  }

  // services rendered and the act ------------------------------------------------------------------

  /** The provider records a service rendered; the database refuses a count past the contract's volume. */
  async record(actor: Actor, id: number, input: RecordInput): Promise<void> {
    const c = await this.providerContract(actor, id);
    if (!RENDERING_STATUSES.includes(c.status) || this.ctxOf(c).lapsed)
      throw new AppError('contracts:errors.notActive', 409);
    const service = (await this.repo.services(this.db, c.id)).find((s) => s.id === input.service);
    if (!service) throw new ValidationError({ service: 'contracts:errors.serviceRequired' });
    if (input.date < c.valid_from! || input.date > c.valid_to! || input.date > this.today())
      throw new ValidationError({ date: 'contracts:errors.recordDate' });
    try {
      await inTransaction(this.db, async (tx) => {
        const locked = await this.repo.lock(tx, c.id);
        if (!locked || !RENDERING_STATUSES.includes(locked.status))
          throw new AppError('contracts:errors.notActive', 409);
        await this.repo.insertRecord(tx, {
          contract_id: c.id,
          contract_service_id: service.id,
          rendered_on: input.date,
          quantity: input.quantity,
          recorded_by: actor.personId,
          recorded_at: this.core.clock.now(),
        });
      });
    } catch (err) {
      if (pgCode(err) === CHECK_VIOLATION)
        throw new ValidationError({ quantity: 'contracts:errors.volumeExceeded' });
      throw err;
    }
  }

  /** The provider forms the act of services rendered from the records not yet in a signed act. */
  async formAct(actor: Actor, id: number): Promise<ActRow> {
    const c = await this.providerContract(actor, id);
    if (!ACT_STATUSES_OF_CONTRACT.includes(c.status)) throw new AppError('contracts:errors.noActNow', 409);
    try {
      return await inTransaction(this.db, async (tx) => {
        await this.repo.lock(tx, c.id);
        const services = await this.repo.services(tx, c.id);
        const records = (await this.repo.records(tx, c.id)).filter((r) => r.act_id === null);
        if (records.length === 0) throw new AppError('contracts:errors.nothingToAct', 409);
        const items = services
          .map((s) => {
            const mine = records.filter((r) => r.contract_service_id === s.id);
            return {
              serviceId: s.id,
              code: s.code,
              name: s.name,
              quantity: mine.reduce((n, r) => n + r.quantity, 0),
              recordIds: mine.map((r) => r.id),
            };
          })
          .filter((i) => i.quantity > 0);
        return this.repo.insertAct(tx, {
          contract_id: c.id,
          items,
          formed_by: actor.personId,
          formed_at: this.core.clock.now(),
        });
      });
    } catch (err) {
      if (pgCode(err) === UNIQUE_VIOLATION) throw new ConflictError('contracts:errors.actAlreadyFormed');
      throw err;
    }
  }

  private async ownAct(actor: Actor, id: number, actId: number) {
    const contract = await this.ownContract(actor, id);
    const act = (await this.repo.acts(this.db, id)).find((a) => a.id === actId);
    if (!act) throw new NotFoundError();
    return { contract, act };
  }

  /** «Подписать акт» → «Подписать акт оказанных услуг?» → «Да»: the act as the person's key signs it. */
  async issueActSign(actor: Actor, id: number, actId: number) {
    const { contract, act } = await this.ownAct(actor, id, actId);
    actMachine.require(act.status, 'sign_act', actor.roles);
    const records = await this.repo.records(this.db, id);
    const ids = new Set(act.items.flatMap((i) => i.recordIds));
    const dates = records
      .filter((r) => ids.has(r.id))
      .map((r) => r.rendered_on)
      .sort();
    const period = `${dates[0] ?? ''}/${dates[dates.length - 1] ?? ''}`;
    const signRequest = await this.core.steps.issue(
      actor,
      actMachine.document('sign_act'),
      { type: ACT_OBJECT, id: act.id, version: 1 },
      {
        period,
        statement: ru('contracts:doc.actStatement', {
          number: contract.number ?? '',
          provider: contract.organisation_name,
        }),
        contract: contract.number ?? '',
        provider: contract.organisation_name,
        providerBin: contract.organisation_bin,
        recipient: contract.person_name,
        recipientIin: contract.person_iin,
        services: act.items.map((i) => ({ code: i.code, name: i.name.ru, quantity: i.quantity })),
      },
    );
    return { signRequest, contract, act, period };
  }

  /** The signed act: the records are closed by it and the act goes to Е-Собес through the outbox. */
  async applyActSign(actor: Actor, id: number, actId: number, signed: SignedInput): Promise<void> {
    const { contract } = await this.ownAct(actor, id, actId);
    const step = actMachine.document('sign_act');
    await this.core.steps.apply(actor, step, { type: ACT_OBJECT, id: actId }, signed, async (tx, sd) => {
      const act = await this.repo.lockAct(tx, actId);
      if (!act || act.contract_id !== contract.id) throw new NotFoundError();
      actMachine.require(act.status, 'sign_act', actor.roles);
      const now = this.core.clock.now();
      await this.repo.updateAct(tx, act.id, { status: 'signed', signed_document_id: sd.id, decided_at: now });
      await this.repo.markRecordsActed(
        tx,
        act.items.flatMap((i) => i.recordIds),
        act.id,
      );
      await this.repo.addEvent(tx, {
        contract_id: contract.id,
        at: now,
        actor_id: actor.personId,
        principal_id: actor.principalId,
        action: 'sign_act',
        from_status: contract.status,
        to_status: contract.status,
        reason: null,
        signed_document_id: sd.id,
      });
      await this.core.outbox.enqueue(tx, {
        system: 'esobes',
        topic: 'ssu-act',
        idempotencyKey: `ssu-act:${act.id}:signed`,
        payload: {
          actId: act.id,
          contractNumber: contract.number,
          programme: contract.programme_number,
          providerBin: contract.organisation_bin,
          recipientIin: contract.person_iin,
          period: String(sd.request.payload.period ?? ''),
          services: act.items.map((i) => ({ code: i.code, quantity: i.quantity })),
          signedDocumentId: sd.id,
        },
      });
    });
  }

  // the provider's lists and the expiry ------------------------------------------------------------

  async listForProvider(actor: Actor) {
    await this.assertProvider(actor);
    return (await this.repo.forOrganisation(this.db, actor.organisationId!)).map(withTone);
  }

  /** Closes the contracts whose last day has passed (a scheduled job). */
  async expireDue(): Promise<number> {
    const ids = await this.repo.lapsedIds(this.db, this.today());
    let n = 0;
    for (const id of ids) {
      await inTransaction(this.db, async (tx) => {
        const c = await this.repo.lock(tx, id);
        if (!c || !contractMachine.find(c.status, 'expire') || !this.ctxOf(c).lapsed) return;
        await this.move(tx, c, 'expire', null, null, null);
        n++;
      });
    }
    return n;
  }

  /** The contract as a document (the PDF and the XML downloads): both signatures and the terms. */
  async documentOf(actor: Actor, id: number, side: 'person' | 'provider') {
    const c = side === 'person' ? await this.ownContract(actor, id) : await this.providerContract(actor, id);
    if (!c.provider_document_id) throw new NotFoundError();
    const [terms, providerDoc, recipientDoc] = await Promise.all([
      this.signedTerms(c),
      this.core.signing.document(c.provider_document_id),
      c.recipient_document_id
        ? this.core.signing.document(c.recipient_document_id)
        : Promise.resolve(undefined),
    ]);
    return { contract: c, terms, providerDoc: providerDoc ?? null, recipientDoc: recipientDoc ?? null };
  }
}

/** «2026-12-07T10:00:00Z» → «07.12.2026 15:00» (Astana), as the PDF prints a signing time. */
function printedTime(d: Date): string {
  const s = d.toLocaleString('ru-RU', { timeZone: 'Asia/Almaty', dateStyle: 'short', timeStyle: 'short' });
  return s.replace(',', '');
}

function printedDate(iso: string | null): string {
  return iso ? iso.split('-').reverse().join('.') : '—';
}

export class ContractDocuments {
  constructor(
    private readonly core: CoreServices,
    private readonly contracts: ContractsService,
    private readonly repo: ContractsRepository,
  ) {}

  /** The contract PDF (in Russian, the language of the signed document) with the verification block. */
  async pdf(actor: Actor, id: number, side: 'person' | 'provider'): Promise<{ number: string; pdf: Buffer }> {
    const {
      contract: c,
      terms,
      providerDoc,
      recipientDoc,
    } = await this.contracts.documentOf(actor, id, side);
    const services = await this.repo.services(this.core.db, c.id);
    const verified = recipientDoc ?? providerDoc;
    const pdf = await renderContractPdf({
      title: ru('contracts:doc.title', { number: terms.number }),
      lines: [
        {
          label: ru('contracts:field.provider'),
          value: `${c.organisation_name} (${ru('contracts:field.bin')} ${c.organisation_bin})`,
        },
        {
          label: ru('contracts:field.recipient'),
          value: `${c.person_name} (${ru('contracts:field.iin')} ${c.person_iin})`,
        },
        { label: ru('contracts:field.programme'), value: c.programme_number },
        { label: ru('contracts:field.requestedAt'), value: printedTime(c.requested_at) },
        {
          label: ru('contracts:field.validity'),
          value: ru('contracts:validityRange', {
            from: printedDate(c.valid_from),
            to: printedDate(c.valid_to),
          }),
        },
        { label: ru('contracts:field.status'), value: ru(`contracts:status.${c.status}`) },
      ],
      servicesTitle: ru('contracts:card.services'),
      services: services.map((s) =>
        ru('contracts:pdf.serviceLine', {
          name: s.name.ru,
          form: ru(`contracts:form.${s.form}`),
          volume: s.volume,
          rendered: s.rendered,
        }),
      ),
      signaturesTitle: ru('contracts:pdf.signatures'),
      signatures: [
        ...(providerDoc
          ? [
              {
                role: ru('contracts:pdf.providerSignature'),
                signer: providerDoc.signer_name,
                signedAt: printedTime(providerDoc.signed_at),
                certSerial: providerDoc.cert_serial,
              },
            ]
          : []),
        ...(recipientDoc
          ? [
              {
                role: ru('contracts:pdf.recipientSignature'),
                signer: recipientDoc.signer_name,
                signedAt: printedTime(recipientDoc.signed_at),
                certSerial: recipientDoc.cert_serial,
              },
            ]
          : []),
      ],
      verification: verified
        ? {
            code: verified.verification_code,
            url: verificationUrl(publicBaseUrl(this.core.config), verified.verification_code),
            caption: ru('contracts:pdf.verifyCaption'),
            codeLabel: ru('contracts:pdf.codeLabel'),
          }
        : null,
    });
    return { number: terms.number, pdf };
  }

  /** A signature of the contract as the signed XML (the provider's or the person's). */
  async xml(actor: Actor, id: number, side: 'person' | 'provider', which: 'provider' | 'recipient') {
    const { terms, providerDoc, recipientDoc } = await this.contracts.documentOf(actor, id, side);
    const doc = which === 'provider' ? providerDoc : recipientDoc;
    if (!doc) throw new NotFoundError();
    return { number: terms.number, xml: doc.signed_xml };
  }
}

export type ContractStatusName = ContractStatus;
export type { ActAction };
