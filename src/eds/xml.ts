/** Strict XML parsing and canonicalisation shared by the verifier, the signer and the documents. */
import { DOMParser, type Document, type Element, type Node as XNode } from '@xmldom/xmldom';
import { C14nCanonicalization, ExclusiveCanonicalization } from 'xml-crypto';
import { EdsError } from './errors.js';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

export const ALG = {
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14nWithComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  excC14nWithComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
} as const;

export const CANONICALIZATIONS: ReadonlySet<string> = new Set([
  ALG.c14n,
  ALG.c14nWithComments,
  ALG.excC14n,
  ALG.excC14nWithComments,
]);

export const DEFAULT_MAX_BYTES = 1024 * 1024;

const NODE = { ELEMENT: 1, TEXT: 3, CDATA: 4, PI: 7, COMMENT: 8, DOCUMENT_TYPE: 10 } as const;
export { NODE as NODE_TYPE };

const XML_DECL =
  /^<\?xml\s+version\s*=\s*(["'])1\.0\1(\s+encoding\s*=\s*(["'])(?:UTF-8|utf-8)\3)?(\s+standalone\s*=\s*(["'])(?:yes|no)\5)?\s*\?>/;

function failParse(detail: string): never {
  throw new EdsError('EDS_PARSE', detail);
}

const parser = new DOMParser({
  locator: false,
  onError: (level, msg) => {
    throw new Error(`${level}: ${msg}`);
  },
});

/**
 * Step 1 of eds.md: size limit, no DOCTYPE/ENTITY, a strict XML declaration (if any), then a
 * strict @xmldom/xmldom parse (every warning is an error).
 */
export function parseXmlStrict(xml: unknown, maxBytes = DEFAULT_MAX_BYTES): Document {
  if (typeof xml !== 'string') failParse('not a string');
  if (xml.length > maxBytes || (xml.length * 3 > maxBytes && Buffer.byteLength(xml, 'utf8') > maxBytes)) {
    throw new EdsError('EDS_TOO_LARGE', `limit ${maxBytes} bytes`);
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new EdsError('EDS_DOCTYPE');
  const src = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  if (src.startsWith('<?xml') && !XML_DECL.test(src)) failParse('bad XML declaration');
  let doc: Document;
  try {
    doc = parser.parseFromString(src, 'text/xml');
  } catch (e) {
    failParse(e instanceof Error ? (e.message.split('\n')[0] ?? 'parse error') : 'parse error');
  }
  if (doc.doctype) throw new EdsError('EDS_DOCTYPE');
  if (!doc.documentElement) failParse('no root element');
  return doc;
}

/** Comments removed (a same-document reference URI="" drops them), then inclusive c14n. */
export function canonicalRoot(doc: Document, opts: { exclusive?: boolean } = {}): string {
  const root = doc.documentElement;
  if (!root) failParse('no root element');
  const c = opts.exclusive ? new ExclusiveCanonicalization() : new C14nCanonicalization();
  return c.process(root as unknown as globalThis.Element, {});
}

/** Element children in document order. */
export function elementChildren(el: Element | XNode): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === NODE.ELEMENT) out.push(n as Element);
  return out;
}

/** True when `el` has a non-whitespace text (or CDATA) child. */
export function hasText(el: Element): boolean {
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if ((n.nodeType === NODE.TEXT || n.nodeType === NODE.CDATA) && /\S/.test(n.nodeValue ?? '')) return true;
  }
  return false;
}

/** Concatenated text of the direct text children. */
export function directText(el: Element): string {
  let s = '';
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === NODE.TEXT || n.nodeType === NODE.CDATA) s += n.nodeValue ?? '';
  }
  return s;
}

export function isDs(el: Element, localName: string): boolean {
  return el.namespaceURI === DSIG_NS && el.localName === localName;
}

/** Escapes text content: &, <, > and CR (a literal CR would become LF after a form round trip). */
export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;',
  );
}

export function escapeAttr(s: string): string {
  return s.replace(/[&<>"\r\n\t]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '>'
          ? '&gt;'
          : c === '"'
            ? '&quot;'
            : c === '\r'
              ? '&#13;'
              : c === '\n'
                ? '&#10;'
                : '&#9;',
  );
}
