/**
 * The XML documents the portal issues for signing. One namespace per kind
 * (`urn:portal:eds:<kind>:1`), root element named after the kind, UTF-8, no DOCTYPE, no XML
 * declaration, no insignificant whitespace (one canonical spelling per document):
 *
 *   <order xmlns="urn:portal:eds:order:1">
 *     <id>…uuid…</id><issuedAt>2025-01-01T10:00:00.000Z</issuedAt>
 *     <actorIin>…</actorIin><actorName>…</actorName>            (name optional)
 *     <principalIin>…</principalIin><principalName>…</principalName>   (when a guardian acts)
 *     <object><type>msu-application</type><id>42</id><version>3</version></object>
 *     <payload><title>…</title><items><item>…</item></items></payload>
 *   </order>
 *
 * Payload keys become child elements, arrays become `<item>` children, nested objects nest.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { isValidIin } from '../lib/iin.js';
import { directText, elementChildren, escapeText, parseXmlStrict } from './xml.js';

export const DOCUMENT_KINDS = [
  'auth-challenge',
  'order',
  'confirmation',
  'refusal',
  'reimbursement-application',
  'act',
  'journal-entry',
  'status-change',
  'bed-count-change',
  'specialist-application',
  'supplier-application',
  'supplier-decision',
  'organisation-directions',
] as const;

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export type FieldValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | null
  | undefined
  | readonly FieldValue[]
  | { readonly [key: string]: FieldValue };

export interface Fields {
  readonly [key: string]: FieldValue;
}

/** Typed payloads: the listed keys are required, any other key may be added. */
export interface DocumentFieldMap {
  'auth-challenge': Fields & { nonce: string };
  order: Fields & { title: string };
  confirmation: Fields & { statement: string };
  refusal: Fields & { reason: string };
  'reimbursement-application': Fields & { amountTiyn: number | bigint };
  act: Fields & { period: string };
  'journal-entry': Fields & { date: string };
  'status-change': Fields & { from: string; to: string };
  'bed-count-change': Fields & { total: number };
  'specialist-application': Fields & { specialistKind: string };
  'supplier-application': Fields & { supplierKind: string; bin: string };
  'supplier-decision': Fields & { decision: string };
  'organisation-directions': Fields & { reason: string };
}

export interface DocumentObjectRef {
  type: string;
  id: string | number;
  version: string | number;
}

export interface DocumentInput<K extends DocumentKind> {
  /** defaults to a fresh UUID */
  id?: string;
  /** IIN of the person who signs (not known yet for an auth-challenge) */
  actorIin?: string;
  actorName?: string;
  /** the ward when a guardian acts: the document names both */
  principalIin?: string;
  principalName?: string;
  object: DocumentObjectRef;
  /** defaults to now */
  issuedAt?: Date | string;
  fields: DocumentFieldMap[K];
}

export function documentNamespace(kind: DocumentKind): string {
  return `urn:portal:eds:${kind}:1`;
}

export function isDocumentKind(v: string): v is DocumentKind {
  return (DOCUMENT_KINDS as readonly string[]).includes(v);
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for a document: line endings as LF (a CR would not survive a form post), no invalid XML characters. */
function cleanText(s: string): string {
  return escapeText(s.replace(/\r\n?/g, '\n').replace(INVALID_XML_CHARS, ''));
}

function checkName(name: string): string {
  if (!NAME_RE.test(name) || /^xml/i.test(name)) throw new Error(`invalid document field name: ${name}`);
  return name;
}

function scalar(v: string | number | bigint | boolean | Date): string {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new Error('invalid date in document');
    return v.toISOString();
  }
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('non-finite number in document');
  return cleanText(String(v));
}

function renderValue(name: string, v: FieldValue, depth: number): string {
  if (v === null || v === undefined) return '';
  if (depth > 16) throw new Error('document payload nested too deeply');
  const tag = checkName(name);
  if (Array.isArray(v)) {
    return `<${tag}>${(v as readonly FieldValue[]).map((x) => renderValue('item', x, depth + 1)).join('')}</${tag}>`;
  }
  if (typeof v === 'object' && !(v instanceof Date)) {
    return `<${tag}>${renderFields(v as Fields, depth + 1)}</${tag}>`;
  }
  return `<${tag}>${scalar(v as string | number | bigint | boolean | Date)}</${tag}>`;
}

function renderFields(fields: Fields, depth: number): string {
  return Object.keys(fields)
    .map((k) => renderValue(k, fields[k], depth))
    .join('');
}

function iin(v: string, what: string): string {
  if (!isValidIin(v)) throw new Error(`${what} is not a valid IIN`);
  return v;
}

/** Renders a document for signing. Throws Error on invalid input (bad IIN, field name, kind). */
export function renderDocument<K extends DocumentKind>(kind: K, input: DocumentInput<K>): string {
  if (!isDocumentKind(kind)) throw new Error(`unknown document kind ${String(kind)}`);
  const id = input.id ?? randomUUID();
  const issuedAt = input.issuedAt === undefined ? new Date() : input.issuedAt;
  const issued = issuedAt instanceof Date ? issuedAt.toISOString() : new Date(issuedAt).toISOString();
  if (input.actorIin === undefined && kind !== 'auth-challenge') throw new Error('actorIin is required');
  let out = `<${kind} xmlns="${documentNamespace(kind)}">`;
  out += `<id>${cleanText(id)}</id>`;
  out += `<issuedAt>${issued}</issuedAt>`;
  if (input.actorIin !== undefined) out += `<actorIin>${iin(input.actorIin, 'actorIin')}</actorIin>`;
  if (input.actorName) out += `<actorName>${cleanText(input.actorName)}</actorName>`;
  if (input.principalIin !== undefined)
    out += `<principalIin>${iin(input.principalIin, 'principalIin')}</principalIin>`;
  if (input.principalName) out += `<principalName>${cleanText(input.principalName)}</principalName>`;
  out += `<object><type>${cleanText(input.object.type)}</type><id>${scalar(input.object.id)}</id><version>${scalar(input.object.version)}</version></object>`;
  out += `<payload>${renderFields(input.fields, 0)}</payload>`;
  out += `</${kind}>`;
  return out;
}

export type ReadValue = string | ReadValue[] | { [key: string]: ReadValue };

export interface ReadDocument {
  kind: DocumentKind;
  id: string;
  issuedAt: string;
  actorIin: string | null;
  actorName: string | null;
  principalIin: string | null;
  principalName: string | null;
  object: { type: string; id: string; version: string };
  /** payload values come back as strings; arrays from `<item>` children */
  payload: { [key: string]: ReadValue };
}

function readValue(el: Element): ReadValue {
  const kids = elementChildren(el);
  if (kids.length === 0) return directText(el);
  if (kids.every((k) => k.localName === 'item')) return kids.map(readValue);
  const o: { [key: string]: ReadValue } = {};
  for (const k of kids) o[k.localName ?? k.nodeName] = readValue(k);
  return o;
}

/**
 * Reads a portal document back (e.g. VerifiedDocument.signedContent — the only place business
 * data may come from). Throws Error when it is not a portal document.
 */
export function readDocument(xml: string): ReadDocument {
  const root = parseXmlStrict(xml, Number.MAX_SAFE_INTEGER).documentElement as Element;
  const kind = root.localName ?? '';
  if (!isDocumentKind(kind) || root.namespaceURI !== documentNamespace(kind))
    throw new Error('not a portal document');
  const get = (name: string): Element | undefined => elementChildren(root).find((k) => k.localName === name);
  const text = (name: string): string | null => {
    const el = get(name);
    return el ? directText(el) : null;
  };
  const obj = get('object');
  const objText = (name: string) => {
    const el = obj ? elementChildren(obj).find((k) => k.localName === name) : undefined;
    return el ? directText(el) : '';
  };
  const payloadEl = get('payload');
  const payload = payloadEl ? readValue(payloadEl) : {};
  return {
    kind,
    id: text('id') ?? '',
    issuedAt: text('issuedAt') ?? '',
    actorIin: text('actorIin'),
    actorName: text('actorName'),
    principalIin: text('principalIin'),
    principalName: text('principalName'),
    object: { type: objText('type'), id: objText('id'), version: objText('version') },
    payload: typeof payload === 'object' && !Array.isArray(payload) ? payload : {},
  };
}
