import type { Profile } from '../../modules/entitlements/cabinet-service.js';

/** What the cabinet's pages show of the person (from the state registries, and the contacts they edit). */
export interface ProfileView {
  name: string;
  isSelf: boolean;
  /** a new number waiting for its code (masked), if any */
  pendingPhone: string | null;
  iin: string;
  birthDate: string;
  sex: 'M' | 'F';
  address: { region: string; locality: string; street: string; house: string; flat: string } | null;
  /** the address of temporary registration, shown beside the permanent one where the registry has it */
  temporaryAddress: {
    region: string;
    locality: string;
    street: string;
    house: string;
    flat: string;
    validUntil: string | null;
  } | null;
  phone: string | null;
  email: string | null;
  notifyChannel: 'sms' | 'email';
  locale: 'ru' | 'kk' | 'en';
  idDocument: { type: string; number: string; issuedBy: string; issuedOn: string; validUntil: string } | null;
  bank: { bank: string; bic: string; iban: string } | null;
  medicalOrg: { name: string; address: string; attachedOn: string } | null;
}

const field = (r: Record<string, string> | null | undefined, k: string): string => r?.[k] ?? '';

export function profileView(profile: Profile): ProfileView {
  const p = profile.person;
  const a = p.address;
  const ta = p.temporary_address;
  const d = p.id_document;
  const b = p.bank_details;
  const m = p.medical_org;
  return {
    name: profile.name,
    isSelf: profile.isSelf,
    pendingPhone: profile.pendingPhone,
    iin: p.iin,
    birthDate: p.birth_date,
    sex: p.sex,
    address: a?.street
      ? { region: a.region, locality: a.locality, street: a.street, house: a.house, flat: a.flat ?? '' }
      : null,
    temporaryAddress: ta?.street
      ? {
          region: ta.region,
          locality: ta.locality,
          street: ta.street,
          house: ta.house,
          flat: ta.flat ?? '',
          validUntil: ta.validUntil ?? null,
        }
      : null,
    phone: p.phone,
    email: p.email,
    notifyChannel: p.notify_channel,
    locale: p.locale,
    idDocument: d?.number
      ? {
          type: field(d, 'type'),
          number: field(d, 'number'),
          issuedBy: field(d, 'issuedBy'),
          issuedOn: field(d, 'issuedOn'),
          validUntil: field(d, 'validUntil'),
        }
      : null,
    bank: b?.iban ? { bank: field(b, 'bank'), bic: field(b, 'bic'), iban: field(b, 'iban') } : null,
    medicalOrg: m?.name
      ? { name: field(m, 'name'), address: field(m, 'address'), attachedOn: field(m, 'attachedOn') }
      : null,
  };
}
