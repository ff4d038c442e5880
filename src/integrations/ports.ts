/**
 * Ports to the state systems. Each has a dev-stand adapter with the same interface a production
 * adapter would have; production refuses to start without a real one configured.
 */
export interface RegistryPerson {
  iin: string;
  surname: string;
  name: string;
  patronymic?: string;
  birthDate: string;
  sex: 'M' | 'F';
  address: { region: string; locality: string; street: string; house: string; flat?: string };
  /** the address of temporary registration, where the registry has one (rules, item 6) */
  temporaryAddress?: {
    region: string;
    locality: string;
    street: string;
    house: string;
    flat?: string;
    /** the last day of the temporary registration, where the registry gives it */
    validUntil?: string;
  };
  idDocument: { type: string; number: string; issuedBy: string; issuedOn: string; validUntil: string };
  bankDetails: { bank: string; bic: string; iban: string };
  medicalOrg: { name: string; address: string; attachedOn: string };
}

/** ГБД ФЛ: the state person registry. */
export interface PersonRegistry {
  findByIin(iin: string): Promise<RegistryPerson | null>;
}

/** БМГ: the mobile citizens base. */
export interface MobileBase {
  phoneByIin(iin: string): Promise<string | null>;
}

export interface SmsGateway {
  send(msg: { phone: string; text: string; idempotencyKey: string }): Promise<void>;
}

export interface EmailGateway {
  send(msg: { to: string; subject: string; text: string; idempotencyKey: string }): Promise<void>;
}

/** АИС «Е-Собес»: IPR in (through the import endpoint), fulfilment and activation requests out. */
export interface ESobes {
  deliver(msg: { topic: string; idempotencyKey: string; payload: unknown }): Promise<void>;
}

export interface KazPost {
  trackingUrl(trackNumber: string): string;
  isValidTrackNumber(trackNumber: string): boolean;
}

export interface OrganisationRegistry {
  findByBin(bin: string): Promise<{
    bin: string;
    name: string;
    head: string;
    address: { region: string; locality: string; street: string; house: string };
    activityCode: string;
  } | null>;
}

export interface Integrations {
  personRegistry: PersonRegistry;
  organisationRegistry: OrganisationRegistry;
  mobileBase: MobileBase;
  sms: SmsGateway;
  email: EmailGateway;
  esobes: ESobes;
  kazpost: KazPost;
  guardianshipRegistry: GuardianshipRegistry;
}

// ---- guardianships from the state (органы опеки и попечительства)

/** One guardianship as the guardianship registry records it. */
export interface RegistryGuardianship {
  wardIin: string;
  /** опека (guardianship of a child or of a person found incapable) or попечительство (trusteeship) */
  kind: 'guardianship' | 'trusteeship';
  /** the decision of the guardianship authority that established it */
  decision: { number: string; date: string; authority: string };
  /** YYYY-MM-DD: in force from this day */
  validFrom: string;
  /** YYYY-MM-DD: the last day of a term the decision set (a child's guardianship ends at 18) */
  validUntil?: string | null;
  /** YYYY-MM-DD: the authority ended it early; from this day it is no longer in force */
  endedOn?: string | null;
}

/**
 * The guardianship registry of the guardianship authorities: the truth of who may act for whom.
 * `wardsOf` answers every guardianship the registry holds for this guardian, current and past (an
 * empty list when none); the portal judges which are in force by their dates. It throws when the
 * registry does not answer.
 */
export interface GuardianshipRegistry {
  wardsOf(guardianIin: string): Promise<RegistryGuardianship[]>;
}
