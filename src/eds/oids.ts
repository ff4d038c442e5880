/** Object identifiers of the NCA certificate profile (eds.md) and the X.509 bits around it. */
export const OID = {
  // DN attributes
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  street: '2.5.4.9',
  organisation: '2.5.4.10',
  organisationalUnit: '2.5.4.11',
  title: '2.5.4.12',
  givenName: '2.5.4.42',
  email: '1.2.840.113549.1.9.1',
  domainComponent: '0.9.2342.19200300.100.1.25',

  // algorithms
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRSA: '1.2.840.113549.1.1.5',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha1: '1.3.14.3.2.26',

  // extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  deltaCrlIndicator: '2.5.29.27',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',

  // extended key usages
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',

  // NCA policies
  policySignLegal: '1.2.398.3.3.2.1',
  policyAuthLegal: '1.2.398.3.3.2.2',
  policySignIndividual: '1.2.398.3.3.2.3',
  policyAuthIndividual: '1.2.398.3.3.2.4',

  // NCA roles (in the EKU)
  roleIndividual: '1.2.398.3.3.4.1.1',
  roleLegalEntity: '1.2.398.3.3.4.1.2',
  roleFirstHead: '1.2.398.3.3.4.1.2.1',
  roleRightToSign: '1.2.398.3.3.4.1.2.2',
  roleEmployee: '1.2.398.3.3.4.1.2.5',

  // PKCS#12 / PKCS#9
  data: '1.2.840.113549.1.7.1',
} as const;

export const ROLE_PREFIX = '1.2.398.3.3.4.';

/** Key algorithms and signature algorithms of GOST (Kazakh 34.310 / 1.2.398.3.10, Russian 1.2.643). */
export function isGostOid(oid: string): boolean {
  return oid.startsWith('1.2.398.3.10.') || oid.startsWith('1.2.643.');
}

export const DN_SHORT_NAMES: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.surname]: 'SURNAME',
  [OID.serialNumber]: 'SERIALNUMBER',
  [OID.country]: 'C',
  [OID.locality]: 'L',
  [OID.state]: 'S',
  [OID.street]: 'STREET',
  [OID.organisation]: 'O',
  [OID.organisationalUnit]: 'OU',
  [OID.title]: 'T',
  [OID.givenName]: 'G',
  [OID.email]: 'E',
  [OID.domainComponent]: 'DC',
};
