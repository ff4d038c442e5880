/**
 * Every refusal of the signature core carries one stable code (used by the web layer to pick a
 * translated message) and an HTTP status. Each negative case of docs eds.md maps to its own code:
 *
 * | case in eds.md                                   | code                          |
 * |--------------------------------------------------|-------------------------------|
 * | size limit                                       | EDS_TOO_LARGE                 |
 * | too many elements, attributes, namespace declarations, too deep | EDS_TOO_COMPLEX |
 * | DOCTYPE or entity payloads                       | EDS_DOCTYPE                   |
 * | not well-formed XML, bad XML declaration         | EDS_PARSE                     |
 * | a second Signature (or none)                     | EDS_SIGNATURE_COUNT           |
 * | Signature not the last child of the root         | EDS_SIGNATURE_PLACEMENT       |
 * | the document re-rooted under another element    | EDS_REROOTED                  |
 * | two SignedInfo                                   | EDS_SIGNEDINFO_COUNT          |
 * | not exactly one Reference with URI=""            | EDS_REFERENCE                 |
 * | a comment inside DigestValue (or anywhere in ds:Signature) | EDS_SIGNATURE_COMMENT |
 * | content injected into Signature/KeyInfo/Object   | EDS_INJECTED_CONTENT          |
 * | rsa-sha1, HMAC or any other algorithm            | EDS_ALGORITHM                 |
 * | GOST signature or GOST certificate               | EDS_GOST                      |
 * | no certificate in KeyInfo                        | EDS_CERT_MISSING              |
 * | garbled certificate                              | EDS_CERT_PARSE                |
 * | foreign CA with a copied DN                      | EDS_CERT_UNTRUSTED            |
 * | self-signed user certificate                     | EDS_CERT_SELF_SIGNED          |
 * | expired certificate                              | EDS_CERT_EXPIRED              |
 * | not-yet-valid certificate                        | EDS_CERT_NOT_YET_VALID        |
 * | revoked certificate                              | EDS_CERT_REVOKED              |
 * | stale (or missing) CRL                           | EDS_CRL_STALE                 |
 * | RSA-1024 or sha1 certificate                     | EDS_CERT_WEAK                 |
 * | AUTH key used to sign a document                 | EDS_KEY_TYPE_AUTH_FOR_SIGN    |
 * | SIGN key used to log in                          | EDS_KEY_TYPE_SIGN_FOR_AUTH    |
 * | neither an AUTH nor a SIGN key                   | EDS_KEY_TYPE_UNKNOWN          |
 * | legal-entity certificate where an individual must act | EDS_LEGAL_ENTITY         |
 * | individual certificate where an employee must act | EDS_NOT_EMPLOYEE             |
 * | certificate without a valid IIN                  | EDS_CERT_IIN                  |
 * | IIN other than the acting user's                 | EDS_IIN_MISMATCH              |
 * | a changed text node or attribute                 | EDS_DIGEST                    |
 * | KeyInfo certificate swapped for another key's (or altered SignatureValue) | EDS_SIGNATURE_VALUE |
 * | a document other than the one issued             | EDS_DOCUMENT_MISMATCH         |
 * | a sign request used twice / expired              | EDS_REQUEST_USED / EDS_REQUEST_EXPIRED |
 * | a login challenge used twice / expired           | EDS_CHALLENGE_USED / EDS_CHALLENGE_EXPIRED |
 * | wrong .p12 password / unreadable .p12            | EDS_P12_PASSWORD / EDS_P12_FORMAT |
 *
 * When the issued document is known (every signed step and login), the posted document minus its
 * signature is compared with it before xml-crypto runs (after the certificate checks, so a wrong key
 * is still named first): a difference is EDS_DIGEST when the DigestValue is the issued document's
 * (the signer signed it, the content changed afterwards), otherwise EDS_DOCUMENT_MISMATCH.
 *
 * The request/challenge codes are raised by the web layer (it owns the sign-request store); they are
 * defined here so that every EDS refusal shares one code list.
 */
export type EdsStatus = 400 | 401 | 403 | 422;

export const EDS_ERRORS = {
  EDS_TOO_LARGE: { status: 400, message: 'The signed document is larger than allowed' },
  EDS_TOO_COMPLEX: {
    status: 400,
    message: 'The document has more elements, attributes, namespace declarations or nesting than allowed',
  },
  EDS_DOCTYPE: { status: 400, message: 'DOCTYPE and entity declarations are not allowed' },
  EDS_PARSE: { status: 400, message: 'The document is not well-formed XML' },
  EDS_SIGNATURE_COUNT: { status: 400, message: 'The document must hold exactly one ds:Signature' },
  EDS_SIGNATURE_PLACEMENT: {
    status: 400,
    message: 'ds:Signature must be the last child of the document root (enveloped signature)',
  },
  EDS_REROOTED: { status: 400, message: 'The signed document was re-rooted under another element' },
  EDS_SIGNEDINFO_COUNT: { status: 400, message: 'ds:Signature must hold exactly one ds:SignedInfo' },
  EDS_REFERENCE: { status: 400, message: 'ds:SignedInfo must hold exactly one ds:Reference with URI=""' },
  EDS_SIGNATURE_COMMENT: {
    status: 400,
    message: 'Comments and processing instructions are not allowed in ds:Signature',
  },
  EDS_INJECTED_CONTENT: {
    status: 400,
    message: 'Unexpected content in the signature or outside the signed document',
  },
  EDS_ALGORITHM: {
    status: 400,
    message: 'Algorithm not allowed: only rsa-sha256, sha256, c14n and exclusive c14n are accepted',
  },
  EDS_GOST: { status: 422, message: 'GOST keys and signatures are not supported: please use an RSA key' },
  EDS_CERT_MISSING: { status: 400, message: 'KeyInfo must hold exactly one X509Certificate' },
  EDS_CERT_PARSE: { status: 400, message: 'The certificate in KeyInfo cannot be read' },
  EDS_CERT_UNTRUSTED: {
    status: 401,
    message: 'The certificate was not issued by a trusted certification authority',
  },
  EDS_CERT_SELF_SIGNED: { status: 401, message: 'Self-signed certificates are not accepted' },
  EDS_CERT_EXPIRED: { status: 403, message: 'The certificate has expired' },
  EDS_CERT_NOT_YET_VALID: { status: 403, message: 'The certificate is not yet valid' },
  EDS_CERT_REVOKED: { status: 403, message: 'The certificate has been revoked' },
  EDS_CRL_STALE: {
    status: 403,
    message: 'The revocation list is out of date: the certificate cannot be checked now',
  },
  EDS_CERT_WEAK: {
    status: 422,
    message: 'The certificate is too weak (RSA shorter than 2048 bits or a SHA-1 signature)',
  },
  EDS_KEY_TYPE_AUTH_FOR_SIGN: {
    status: 422,
    message: 'An authentication key (AUTH) cannot sign documents: use the signing key (RSA)',
  },
  EDS_KEY_TYPE_SIGN_FOR_AUTH: {
    status: 422,
    message: 'A signing key (RSA) cannot be used to log in: use the authentication key (AUTH)',
  },
  EDS_KEY_TYPE_UNKNOWN: {
    status: 422,
    message: 'The certificate is neither an authentication nor a signing key',
  },
  EDS_LEGAL_ENTITY: {
    status: 422,
    message: 'A legal-entity certificate cannot be used where an individual must act',
  },
  EDS_NOT_EMPLOYEE: {
    status: 422,
    message: 'An organisation employee certificate is required for this action',
  },
  EDS_CERT_IIN: { status: 422, message: 'The certificate does not carry a valid IIN' },
  EDS_IIN_MISMATCH: { status: 403, message: 'The certificate belongs to another person' },
  EDS_DIGEST: { status: 401, message: 'The signed content was changed after signing' },
  EDS_SIGNATURE_VALUE: {
    status: 401,
    message: 'The signature value does not match the certificate (altered signature or swapped certificate)',
  },
  EDS_DOCUMENT_MISMATCH: {
    status: 422,
    message: 'The signed document is not the document issued for this request',
  },
  EDS_REQUEST_USED: { status: 422, message: 'This signing request has already been used' },
  EDS_REQUEST_EXPIRED: { status: 422, message: 'This signing request has expired' },
  EDS_CHALLENGE_USED: { status: 401, message: 'This login challenge has already been used' },
  EDS_CHALLENGE_EXPIRED: { status: 401, message: 'This login challenge has expired' },
  EDS_P12_PASSWORD: { status: 422, message: 'Wrong password for the key file' },
  EDS_P12_FORMAT: { status: 422, message: 'The key file cannot be read (expected a PKCS#12 .p12 file)' },
} as const satisfies Record<string, { status: EdsStatus; message: string }>;

export type EdsErrorCode = keyof typeof EDS_ERRORS;

export const EDS_ERROR_CODES = Object.keys(EDS_ERRORS) as EdsErrorCode[];

export class EdsError extends Error {
  readonly code: EdsErrorCode;
  readonly status: EdsStatus;
  /** technical detail for logs; never contains keys or passwords */
  readonly detail: string | undefined;

  constructor(code: EdsErrorCode, detail?: string, options?: { cause?: unknown }) {
    const base = EDS_ERRORS[code].message;
    super(detail ? `${base}: ${detail}` : base, options);
    this.name = 'EdsError';
    this.code = code;
    this.status = EDS_ERRORS[code].status;
    this.detail = detail;
  }
}

export function isEdsError(e: unknown): e is EdsError {
  return e instanceof EdsError;
}
