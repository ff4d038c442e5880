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
 * What a signed document may hold, whatever the size limit lets through. The portal's documents have
 * one namespace declaration (the root's) plus the signature's, no attributes outside the signature,
 * a few hundred elements and a depth below 10; xml-crypto's canonicalisation costs elements ×
 * declarations in scope, and xmldom's attribute handling grows with the attributes of one element.
 */
export interface XmlLimits {
  elements: number;
  attributesPerElement: number;
  namespaceDeclarations: number;
  /** nesting depth, the root being 1 */
  depth: number;
}

export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = {
  elements: 10_000,
  attributesPerElement: 16,
  namespaceDeclarations: 32,
  depth: 64,
};

function tooComplex(detail: string): never {
  throw new EdsError('EDS_TOO_COMPLEX', detail);
}

function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * One linear pass over the markup before the parser sees it: counts elements, attributes per
 * element, namespace declarations and depth, and refuses at the first count over its limit. It
 * reads only as much of the grammar as counting needs; anything it cannot follow is EDS_PARSE (the
 * strict parser would refuse it too).
 */
export function checkXmlLimits(src: string, limits: Readonly<XmlLimits> = DEFAULT_XML_LIMITS): void {
  let elements = 0;
  let declarations = 0;
  let depth = 0;
  const n = src.length;
  let i = src.indexOf('<');
  while (i !== -1) {
    const c = src.charCodeAt(i + 1);
    let end: number;
    if (c === 0x2f /* </ */) {
      depth--;
      end = src.indexOf('>', i + 2);
    } else if (c === 0x21 /* <! */) {
      if (src.startsWith('<!--', i)) end = src.indexOf('-->', i + 4) + 2;
      else if (src.startsWith('<![CDATA[', i)) end = src.indexOf(']]>', i + 9) + 2;
      else end = src.indexOf('>', i + 2);
    } else if (c === 0x3f /* <? */) {
      end = src.indexOf('?>', i + 2) + 1;
    } else {
      if (++elements > limits.elements) tooComplex(`more than ${limits.elements} elements`);
      let j = i + 1;
      while (j < n) {
        const k = src.charCodeAt(j);
        if (isXmlSpace(k) || k === 0x3e || k === 0x2f) break;
        j++;
      }
      let attributes = 0;
      for (;;) {
        while (j < n && isXmlSpace(src.charCodeAt(j))) j++;
        const k = src.charCodeAt(j);
        if (k === 0x3e /* > */) {
          if (++depth > limits.depth) tooComplex(`nesting deeper than ${limits.depth}`);
          break;
        }
        if (k === 0x2f /* /> */) break;
        if (j >= n) failParse('unterminated start tag');
        const nameStart = j;
        while (j < n) {
          const m = src.charCodeAt(j);
          if (isXmlSpace(m) || m === 0x3d || m === 0x3e || m === 0x2f) break;
          j++;
        }
        const name = src.slice(nameStart, j);
        while (j < n && isXmlSpace(src.charCodeAt(j))) j++;
        if (src.charCodeAt(j) !== 0x3d /* = */) failParse(`attribute ${name.slice(0, 40)} without a value`);
        j++;
        while (j < n && isXmlSpace(src.charCodeAt(j))) j++;
        const q = src[j];
        if (q !== '"' && q !== "'") failParse('unquoted attribute value');
        const close = src.indexOf(q, j + 1);
        if (close === -1) failParse('unterminated attribute value');
        j = close + 1;
        if (++attributes > limits.attributesPerElement)
          tooComplex(`more than ${limits.attributesPerElement} attributes on one element`);
        if ((name === 'xmlns' || name.startsWith('xmlns:')) && ++declarations > limits.namespaceDeclarations)
          tooComplex(`more than ${limits.namespaceDeclarations} namespace declarations`);
      }
      end = j;
    }
    if (end < i) failParse('unterminated markup');
    i = src.indexOf('<', end + 1);
  }
}

/**
 * Step 1 of eds.md: size limit, no DOCTYPE/ENTITY, a strict XML declaration (if any), the limits on
 * elements, attributes, namespace declarations and depth, then a strict @xmldom/xmldom parse (every
 * warning is an error).
 */
export function parseXmlStrict(
  xml: unknown,
  maxBytes = DEFAULT_MAX_BYTES,
  limits: Readonly<XmlLimits> = DEFAULT_XML_LIMITS,
): Document {
  if (typeof xml !== 'string') failParse('not a string');
  if (xml.length > maxBytes || (xml.length * 3 > maxBytes && Buffer.byteLength(xml, 'utf8') > maxBytes)) {
    throw new EdsError('EDS_TOO_LARGE', `limit ${maxBytes} bytes`);
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new EdsError('EDS_DOCTYPE');
  const src = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  if (src.startsWith('<?xml') && !XML_DECL.test(src)) failParse('bad XML declaration');
  checkXmlLimits(src, limits);
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
