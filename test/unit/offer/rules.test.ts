import { describe, expect, it } from 'vitest';
import { DOC_MAX_BYTES, checkDocumentFile, documentValidOn } from '../../../src/modules/offer/rules.js';
import { documentForm } from '../../../src/modules/offer/schemas.js';

describe('an organisation document', () => {
  it('is a PDF, JPEG or PNG by its content, not empty and within 10 MB', () => {
    expect(checkDocumentFile(1000, 'application/pdf')).toEqual({ ok: true, mime: 'application/pdf' });
    expect(checkDocumentFile(1000, 'image/png')).toEqual({ ok: true, mime: 'image/png' });
    expect(checkDocumentFile(1000, undefined)).toEqual({ ok: false, code: 'fileType' });
    expect(checkDocumentFile(1000, 'application/x-msdownload')).toEqual({ ok: false, code: 'fileType' });
    expect(checkDocumentFile(0, 'application/pdf')).toEqual({ ok: false, code: 'fileEmpty' });
    expect(checkDocumentFile(DOC_MAX_BYTES + 1, 'application/pdf')).toEqual({
      ok: false,
      code: 'fileTooLarge',
    });
  });

  it('is valid from its first day to its last, or for good without an end', () => {
    const d = { valid_from: '2025-01-10', valid_until: '2030-01-09' };
    expect(documentValidOn(d, '2025-01-09')).toBe(false);
    expect(documentValidOn(d, '2025-01-10')).toBe(true);
    expect(documentValidOn(d, '2030-01-09')).toBe(true);
    expect(documentValidOn(d, '2030-01-10')).toBe(false);
    expect(documentValidOn({ ...d, valid_until: null }, '2099-12-31')).toBe(true);
  });

  it('refuses an end before the start and a type the portal does not know, with text keys', () => {
    const base = {
      docType: 'licence',
      title: 'Лицензия',
      number: '1',
      issuedBy: '',
      validFrom: '10.01.2025',
    };
    expect(documentForm.parse({ ...base, validUntil: '' })).toMatchObject({ validFrom: '2025-01-10' });
    const bad = documentForm.safeParse({ ...base, validUntil: '2024-12-31' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({
      path: ['validUntil'],
      message: 'offer:errors.validUntilBeforeFrom',
    });
    const kind = documentForm.safeParse({ ...base, docType: 'diploma' });
    expect(kind.error?.issues[0]?.message).toBe('offer:errors.docTypeRequired');
  });
});
