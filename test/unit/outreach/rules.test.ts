import { describe, expect, it } from 'vitest';
import { objectOfKey } from '../../../src/modules/outreach/rules.js';
import { notifiedForm, executiveForm } from '../../../src/modules/outreach/schemas.js';

describe('the object a notice is about, from its idempotency key', () => {
  it('reads the kind and id of the keys the areas write', () => {
    expect(objectOfKey('ipr-measure:12:notice:1764979200000')).toEqual({ type: 'ipr-measure', id: 12 });
    expect(objectOfKey('service-act:7:to-sign')).toEqual({ type: 'service-act', id: 7 });
    expect(objectOfKey('msu:3:queued')).toEqual({ type: 'msu', id: 3 });
    expect(objectOfKey('order-withdrawn:45')).toEqual({ type: 'order-withdrawn', id: 45 });
  });

  it('names no object for a key without one', () => {
    expect(objectOfKey('welcome')).toBeNull();
    expect(objectOfKey('code:abc')).toBeNull();
    expect(objectOfKey('x:1234567890123')).toBeNull();
  });
});

describe('the forms', () => {
  it('«Отметить как уведомлённого» takes one of the four ways; «other» needs a note', () => {
    expect(notifiedForm.safeParse({ method: 'letter', note: '' }).success).toBe(true);
    expect(notifiedForm.safeParse({ method: 'pigeon', note: '' }).success).toBe(false);
    expect(notifiedForm.safeParse({ method: ['visit', 'letter'], note: '' }).success).toBe(false);
    const other = notifiedForm.safeParse({ method: 'other', note: '   ' });
    expect(other.success).toBe(false);
    expect(other.error?.issues[0]?.message).toBe('outreach:errors.noteRequired');
    expect(notifiedForm.safeParse({ method: 'visit', note: 'a\u0000b' }).success).toBe(false);
  });

  it('a grant names a person by a 12-digit ИИН and a region of Kazakhstan', () => {
    expect(executiveForm.safeParse({ iin: '490603313991', region: 'г. Астана' }).success).toBe(true);
    expect(executiveForm.safeParse({ iin: '4906', region: 'г. Астана' }).success).toBe(false);
    expect(executiveForm.safeParse({ iin: '490603313991', region: 'Марс' }).success).toBe(false);
  });
});
