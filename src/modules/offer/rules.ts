/**
 * The pure rules of an organisation's offer (rules item 13): the kinds of documents it shows, which
 * file types a document may be (read from the content, never from the name), how large, and which
 * direction of the organisation card each specialist service belongs to.
 */
export const DOC_TYPES = ['licence', 'certificate', 'attestation', 'other'] as const;
export type DocType = (typeof DOC_TYPES)[number];

export const DOC_MIME_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DocMime = (typeof DOC_MIME_TYPES)[number];

/** 10 MB: a scanned licence of several pages */
export const DOC_MAX_BYTES = 10 * 1024 * 1024;
/** documents an organisation keeps at once */
export const DOCS_PER_ORGANISATION = 50;

export type DocumentVerdict =
  | { ok: true; mime: DocMime }
  | { ok: false; code: 'fileRequired' | 'fileEmpty' | 'fileTooLarge' | 'fileType' };

/** A document file: not empty, within the size, and a PDF, JPEG or PNG by its content. */
export function checkDocumentFile(size: number, detectedMime: string | undefined): DocumentVerdict {
  if (size <= 0) return { ok: false, code: 'fileEmpty' };
  if (size > DOC_MAX_BYTES) return { ok: false, code: 'fileTooLarge' };
  const mime = DOC_MIME_TYPES.find((m) => m === detectedMime);
  if (!mime) return { ok: false, code: 'fileType' };
  return { ok: true, mime };
}

/** A document is valid on a day when the day is within its validity. */
export function documentValidOn(d: { valid_from: string; valid_until: string | null }, day: string): boolean {
  return d.valid_from <= day && (d.valid_until === null || day <= d.valid_until);
}

/** The direction of the organisation card under which a specialist service is offered. */
export const SERVICE_DIRECTION = { UZHYA: 'sign_language', UIP: 'individual_assistant' } as const;
