import { describe, expect, it } from 'vitest';
import { PEOPLE } from '../../../src/devstand/people.js';
import {
  DOCUMENT_KINDS,
  documentNamespace,
  readDocument,
  renderDocument,
  type DocumentFieldMap,
  type DocumentKind,
} from '../../../src/eds/documents.js';
import { canonicalDocument } from '../../../src/eds/verify.js';
import { parseXmlStrict } from '../../../src/eds/xml.js';

const iin = PEOPLE[0]?.iin as string;
const ward = PEOPLE.find((p) => p.key === 'r06')?.iin as string;

const SAMPLE: { [K in DocumentKind]: DocumentFieldMap[K] } = {
  'auth-challenge': { nonce: 'abc123' },
  order: { title: 'Направление' },
  confirmation: { statement: 'Подтверждаю получение' },
  refusal: { reason: 'Нет мест' },
  'reimbursement-application': { amountTiyn: 1_250_000n },
  act: { period: '2025-03', entries: [{ date: '2025-03-01', hours: 2 }] },
  'journal-entry': { date: '2025-03-02', minutes: 90 },
  'status-change': { from: 'submitted', to: 'approved' },
  'bed-count-change': { total: 120 },
  'specialist-application': { specialistKind: 'UZHYA' },
  'supplier-application': { supplierKind: 'legal', bin: '190840031016' },
  'supplier-decision': { decision: 'approve' },
  'organisation-directions': { reason: 'Нет лицензии', directions: ['tsr_sales'] },
};

describe('renderDocument', () => {
  it('renders every kind with its namespace and root element, parseable and canonical', () => {
    expect(DOCUMENT_KINDS).toHaveLength(13);
    for (const kind of DOCUMENT_KINDS) {
      const xml = renderDocument(kind, {
        actorIin: iin,
        object: { type: 'thing', id: 'x-1', version: 2 },
        fields: SAMPLE[kind] as never,
      });
      expect(xml.startsWith(`<${kind} xmlns="${documentNamespace(kind)}">`)).toBe(true);
      expect(xml).not.toMatch(/<!DOCTYPE|<\?xml|\n/);
      const root = parseXmlStrict(xml).documentElement;
      expect(root?.localName).toBe(kind);
      expect(root?.namespaceURI).toBe(`urn:portal:eds:${kind}:1`);
      // one spelling: already canonical
      expect(canonicalDocument(xml)).toBe(xml.replace(/<([a-zA-Z-]+)\/>/g, '<$1></$1>'));
    }
  });

  it('has id (uuid), actor, principal, object, issuedAt and the payload as child elements', () => {
    const xml = renderDocument('confirmation', {
      actorIin: iin,
      actorName: 'ПЕТРОВ ИГОРЬ',
      principalIin: ward,
      principalName: 'ПЕТРОВА ЕЛЕНА',
      object: { type: 'msu-application', id: 7, version: 3 },
      issuedAt: new Date('2025-05-01T10:00:00Z'),
      fields: {
        statement: 'ok',
        flag: true,
        count: 3,
        when: new Date('2025-05-02T00:00:00Z'),
        skipped: null,
        nested: { a: 'b', list: ['x', 'y'] },
      },
    });
    const d = readDocument(xml);
    expect(d.kind).toBe('confirmation');
    expect(d.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(d.issuedAt).toBe('2025-05-01T10:00:00.000Z');
    expect(d.actorIin).toBe(iin);
    expect(d.actorName).toBe('ПЕТРОВ ИГОРЬ');
    expect(d.principalIin).toBe(ward);
    expect(d.principalName).toBe('ПЕТРОВА ЕЛЕНА');
    expect(d.object).toEqual({ type: 'msu-application', id: '7', version: '3' });
    expect(d.payload).toEqual({
      statement: 'ok',
      flag: 'true',
      count: '3',
      when: '2025-05-02T00:00:00.000Z',
      nested: { a: 'b', list: ['x', 'y'] },
    });
    expect(xml).not.toContain('skipped');
  });

  it('escapes text, normalises line endings and drops characters XML cannot hold', () => {
    const xml = renderDocument('refusal', {
      actorIin: iin,
      object: { type: 't', id: '<&>', version: 1 },
      fields: { reason: 'a < b && c > d "q" \'s\' ]]> \r\nline2\rline3 \u0001bell \uD800x' },
    });
    expect(xml).toContain('<id>&lt;&amp;&gt;</id>');
    expect(xml).not.toContain('\r');
    const d = readDocument(xml);
    expect(d.object.id).toBe('<&>');
    expect(d.payload.reason).toBe('a < b && c > d "q" \'s\' ]]> \nline2\nline3 bell x');
  });

  it('refuses bad input: unknown kind, invalid IIN, invalid field names, missing actor', () => {
    const base = { actorIin: iin, object: { type: 't', id: 1, version: 1 } };
    expect(() => renderDocument('nope' as DocumentKind, { ...base, fields: {} } as never)).toThrow(
      /unknown document kind/,
    );
    expect(() => renderDocument('order', { ...base, actorIin: '123', fields: { title: 'x' } })).toThrow(
      /IIN/,
    );
    expect(() =>
      renderDocument('order', { ...base, principalIin: '600512300016', fields: { title: 'x' } }),
    ).toThrow(/IIN/);
    expect(() => renderDocument('order', { ...base, fields: { title: 'x', 'bad name': 1 } })).toThrow(
      /field name/,
    );
    expect(() => renderDocument('order', { ...base, fields: { title: 'x', xmlns: 'urn:evil' } })).toThrow(
      /field name/,
    );
    expect(() => renderDocument('order', { ...base, fields: { title: 'x', n: Number.NaN } })).toThrow(
      /non-finite/,
    );
    expect(() => renderDocument('order', { object: base.object, fields: { title: 'x' } })).toThrow(
      /actorIin/,
    );
    // a login challenge has no actor yet
    expect(
      readDocument(renderDocument('auth-challenge', { object: base.object, fields: { nonce: 'n' } }))
        .actorIin,
    ).toBeNull();
  });

  it('readDocument refuses what is not a portal document', () => {
    expect(() => readDocument('<order xmlns="urn:evil"><id>1</id></order>')).toThrow(/not a portal document/);
    expect(() => readDocument('<x/>')).toThrow();
  });
});

describe('the reference check', () => {
  it('finds rendered documents already canonical, escapes and Kazakh letters included', async () => {
    const { sameDocument } = await import('../../../src/eds/verify.js');
    for (const kind of DOCUMENT_KINDS) {
      const xml = renderDocument(kind, {
        actorIin: iin,
        principalIin: ward,
        object: { type: 'order', id: 7, version: 3 },
        fields: { ...SAMPLE[kind], note: 'Ә Ғ Қ Ң Ө Ұ Ү Һ І & < > " \' \r\n\t конец' } as never,
      });
      expect(canonicalDocument(xml), kind).toBe(xml);
      expect(sameDocument(xml, xml)).toBe(true);
      expect(sameDocument(xml, xml.replace('конец', 'начало'))).toBe(false);
    }
  });
});
