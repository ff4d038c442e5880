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

/** A person named in a registry answer (head, founder). */
export interface RegistryNamedPerson {
  name: string;
  iin: string;
  citizenship: string;
}

/** Registered ownership or lease of premises for storing goods and giving services. */
export interface RegistryPremises {
  address: string;
  right: 'ownership' | 'lease';
  purpose: string;
  registeredOn: string;
  /** the lease's end, when leased */
  validUntil?: string;
}

/** ГБД ЮЛ: the state legal-entity registry's answer for one БИН (rules item 12, 1). */
export interface LegalEntityRecord {
  bin: string;
  /** the full name */
  name: string;
  shortName: string;
  /** the head's full name */
  head: string;
  headIin?: string;
  address: { region: string; locality: string; street: string; house: string };
  /** the main economic activity code (ОКЭД) */
  activityCode: string;
  /** the other activity codes */
  otherActivityCodes: string[];
  ownershipForm: string;
  /** how it was formed (вновь созданное, реорганизация …) */
  formation: string;
  registeredOn: string;
  /** «liquidated»: the organisation no longer exists and cannot register */
  status: 'active' | 'liquidated';
  founders: RegistryNamedPerson[];
  premises: RegistryPremises[];
}

export interface OrganisationRegistry {
  findByBin(bin: string): Promise<LegalEntityRecord | null>;
}

/** The state registration of an individual entrepreneur (rules item 12, 2). */
export interface EntrepreneurRecord {
  iin: string;
  /** the entrepreneur's trade name («ИП …») */
  name: string;
  /** the person's full name */
  owner: string;
  address: { region: string; locality: string; street: string; house: string };
  registeredOn: string;
  registrationNumber: string;
  taxAuthority: string;
  activityCode: string;
  otherActivityCodes: string[];
  status: 'active' | 'terminated';
}

/** The registry of individual entrepreneurs (через шлюз «электронного правительства»). */
export interface EntrepreneurRegistry {
  findByIin(iin: string): Promise<EntrepreneurRecord | null>;
}

/** The answer about psychiatric dispensary records (rules item 12, 3). */
export interface DispensaryCertificate {
  iin: string;
  /** true when the person is on a dispensary record in mental-health care */
  onRecord: boolean;
  /** when the registry gave this answer */
  checkedAt: string;
  /** the registry's reference number of the answer */
  reference: string;
}

/** The health registry: whether a person is on a psychiatric dispensary record. */
export interface HealthRegistry {
  dispensaryRecord(iin: string): Promise<DispensaryCertificate | null>;
}

export interface Integrations {
  personRegistry: PersonRegistry;
  organisationRegistry: OrganisationRegistry;
  entrepreneurRegistry: EntrepreneurRegistry;
  healthRegistry: HealthRegistry;
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
