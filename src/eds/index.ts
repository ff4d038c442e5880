/** The EDS signature core: certificates, trust store, verification, documents, signer (the dev PKI is the dev stand's: src/devstand/pki.ts). */
export {
  EdsError,
  EDS_ERRORS,
  EDS_ERROR_CODES,
  isEdsError,
  type EdsErrorCode,
  type EdsStatus,
} from './errors.js';
export { iinFromSerialNumber, binFromOu, validIinFromSerialNumber, isValidIin } from './iin.js';
export {
  parseCertificate,
  inspectCertificate,
  certificateDer,
  derToPem,
  formatDn,
  type CertInfo,
  type KeyType,
  type SubjectKind,
  type DnAttribute,
  type ParsedCertificate,
} from './certificate.js';
export { parseCrl, type ParsedCrl } from './crl.js';
export {
  TrustStore,
  type TrustStoreOptions,
  type TrustHealth,
  type CrlHealth,
  type TrustLog,
  type TrustLogEntry,
  type TrustAnchor,
} from './trust-store.js';
export {
  verifySignedXml,
  sameDocument,
  assertSameDocument,
  canonicalDocument,
  checkCertificateUse,
  checkSubject,
  type VerifyOptions,
  type VerifiedDocument,
  type SignedRoot,
  type ExpectedKey,
  type SubjectRequirement,
} from './verify.js';
export {
  renderDocument,
  readDocument,
  documentNamespace,
  isDocumentKind,
  DOCUMENT_KINDS,
  type DocumentKind,
  type DocumentInput,
  type DocumentFieldMap,
  type DocumentObjectRef,
  type FieldValue,
  type ReadDocument,
} from './documents.js';
export {
  signXml,
  prepareSignature,
  completeSignature,
  signSignedInfo,
  loadP12,
  EMPTY_SIGNATURE_VALUE,
  type SignKeyMaterial,
  type PreparedSignature,
  type LoadedP12,
} from './signer.js';
