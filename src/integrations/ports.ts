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
}
