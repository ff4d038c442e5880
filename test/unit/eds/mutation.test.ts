/**
 * Mutation test: thousands of altered signed documents (byte flips, moved/duplicated/removed nodes,
 * attribute and text edits, re-rooting, content injected into KeyInfo/Object/Signature) must each be
 * refused with an EdsError: never accepted, never another exception type.
 *
 * A mutation that leaves the document canonically identical (e.g. a space swapped for a tab
 * between attributes, or whitespace inside base64) is not a change; such cases are counted
 * separately and may be accepted, but must not raise anything other than an EdsError either.
 */
import { DOMParser, XMLSerializer, type Document, type Element, type Node as XNode } from '@xmldom/xmldom';
import { C14nCanonicalizationWithComments } from 'xml-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdsError, type EdsErrorCode } from '../../../src/eds/errors.js';
import { signXml } from '../../../src/eds/signer.js';
import { verifySignedXml } from '../../../src/eds/verify.js';
import { DSIG_NS, parseXmlStrict } from '../../../src/eds/xml.js';
import { orderXml, setupPki, type Pki } from './fixtures.js';

let pki: Pki;
let signed: string;
let iin: string;

beforeAll(async () => {
  pki = await setupPki(['r01', 'r02']);
  iin = pki.person('r01').iin;
  signed = signXml(orderXml(iin, { note: 'Примечание: «текст» & <символы>' }), pki.key('r01', 'SIGN'));
}, 60_000);

afterAll(() => pki.cleanup());

/** small deterministic PRNG (mulberry32) */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE64_HOLDERS = new Set(['SignatureValue', 'DigestValue', 'X509Certificate']);

/** Canonical identity of a document: c14n with comments, whitespace inside the signature ignored. */
function normal(xml: string): string | null {
  let doc: Document;
  try {
    doc = parseXmlStrict(xml);
  } catch {
    return null;
  }
  const sigs = doc.getElementsByTagNameNS(DSIG_NS, 'Signature');
  for (let i = 0; i < sigs.length; i++) {
    const stack: XNode[] = [sigs[i] as XNode];
    while (stack.length) {
      const n = stack.pop() as XNode;
      for (let c = n.firstChild; c;) {
        const next = c.nextSibling;
        if (c.nodeType === 3) {
          const parent = n as Element;
          if (BASE64_HOLDERS.has(parent.localName ?? ''))
            c.nodeValue = (c.nodeValue ?? '').replace(/\s+/g, '');
          else if (!/\S/.test(c.nodeValue ?? '')) n.removeChild(c);
        } else if (c.nodeType === 1) stack.push(c);
        c = next;
      }
    }
  }
  const decl = /^<\?xml[^>]*>/.exec(xml)?.[0] ?? '';
  return decl + new C14nCanonicalizationWithComments().process(doc.documentElement as unknown as Node, {});
}

interface Outcome {
  what: string;
  equivalent: boolean;
  code: EdsErrorCode | 'ACCEPTED';
}

function attempt(what: string, xml: string, reference: string | null): Outcome {
  const equivalent = xml === signed || (reference !== null && normal(xml) === reference);
  try {
    verifySignedXml(xml, { trust: pki.trust, expect: 'SIGN', allowedIins: [iin] });
    return { what, equivalent, code: 'ACCEPTED' };
  } catch (e) {
    if (e instanceof EdsError) return { what, equivalent, code: e.code };
    throw new Error(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789<>/="\' &;:#!-_.\n\tЖжӘә';

function byteMutations(rand: () => number, n: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < n; i++) {
    const pos = Math.floor(rand() * signed.length);
    const old = signed.charCodeAt(pos);
    let c: string;
    if (i % 2 === 0) {
      do c = CHARS[Math.floor(rand() * CHARS.length)] as string;
      while (c.charCodeAt(0) === old);
    } else {
      c = String.fromCharCode(old ^ (1 << Math.floor(rand() * 7)));
    }
    out.push([
      `flip@${pos} ${JSON.stringify(signed[pos])}→${JSON.stringify(c)}`,
      signed.slice(0, pos) + c + signed.slice(pos + 1),
    ]);
  }
  return out;
}

function elements(doc: Document): Element[] {
  const all = doc.getElementsByTagName('*');
  const out: Element[] = [];
  for (let i = 0; i < all.length; i++) out.push(all[i] as Element);
  return out;
}

function isAncestor(a: XNode, b: XNode): boolean {
  for (let n: XNode | null = b; n; n = n.parentNode) if (n === a) return true;
  return false;
}

function domMutations(rand: () => number, n: number): Array<[string, string]> {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const ser = new XMLSerializer();
  const out: Array<[string, string]> = [];
  const kinds = ['move', 'duplicate', 'remove', 'attribute', 'text', 'reroot', 'inject'] as const;
  for (let i = 0; i < n; i++) {
    const doc = new DOMParser().parseFromString(signed, 'text/xml');
    const root = doc.documentElement as Element;
    const els = elements(doc);
    const nonRoot = els.filter((e) => e !== root);
    const sig = doc.getElementsByTagNameNS(DSIG_NS, 'Signature')[0] as Element;
    const kind = kinds[i % kinds.length] as (typeof kinds)[number];
    let what: string = kind;
    switch (kind) {
      case 'move': {
        const a = pick(nonRoot);
        const targets = els.filter((e) => !isAncestor(a, e));
        const b = pick(targets);
        const kids = Array.from({ length: b.childNodes.length }, (_, k) => b.childNodes.item(k));
        const before = kids.length ? pick([...kids, null]) : null;
        if (before === a) continue;
        b.insertBefore(a, before);
        what = `move ${a.nodeName} into ${b.nodeName}`;
        break;
      }
      case 'duplicate': {
        const a = pick(nonRoot);
        const b = pick(els.filter((e) => !isAncestor(a, e) || e === a.parentNode));
        b.insertBefore(a.cloneNode(true), rand() < 0.5 ? b.firstChild : null);
        what = `duplicate ${a.nodeName} into ${b.nodeName}`;
        break;
      }
      case 'remove': {
        const r = rand();
        if (r < 0.6) {
          const a = pick(nonRoot);
          a.parentNode?.removeChild(a);
          what = `remove ${a.nodeName}`;
        } else {
          const withText = els.filter((e) => e.firstChild && e.firstChild.nodeType === 3);
          const a = pick(withText);
          a.removeChild(a.firstChild as XNode);
          what = `remove text of ${a.nodeName}`;
        }
        break;
      }
      case 'attribute': {
        const a = pick(els);
        const r = rand();
        if (r < 0.4 && a.attributes.length > 0) {
          const at = a.attributes.item(Math.floor(rand() * a.attributes.length));
          if (!at) continue;
          a.setAttribute(at.name, at.value + (rand() < 0.5 ? 'x' : ''));
          if (rand() < 0.5) a.removeAttribute(at.name);
          what = `attribute ${at.name} on ${a.nodeName}`;
        } else {
          a.setAttribute(
            pick(['Id', 'id', 'URI', 'status', 'Algorithm', 'evil']),
            pick(['', '1', '#x', 'approved']),
          );
          what = `new attribute on ${a.nodeName}`;
        }
        break;
      }
      case 'text': {
        const withText = els.filter((e) => e.firstChild && e.firstChild.nodeType === 3);
        const a = pick(withText);
        const t = a.firstChild as XNode;
        const v = t.nodeValue ?? '';
        const p = Math.floor(rand() * (v.length + 1));
        t.nodeValue = pick([
          v.slice(0, p) + 'X' + v.slice(p),
          v.slice(0, p) + v.slice(p + 1),
          v.toUpperCase() === v ? v.toLowerCase() : v.toUpperCase(),
          '',
          v + ' ',
        ]);
        what = `text of ${a.nodeName}`;
        break;
      }
      case 'reroot': {
        const wrapper = doc.createElementNS(pick([null, 'urn:portal:eds:order:1', 'urn:evil']), 'wrapper');
        doc.replaceChild(wrapper, root);
        wrapper.appendChild(root);
        const r = rand();
        if (r < 0.33) wrapper.appendChild(sig);
        else if (r < 0.66) wrapper.insertBefore(doc.createElement('evil'), root);
        what = `reroot (${r.toFixed(2)})`;
        break;
      }
      case 'inject': {
        const keyInfo = doc.getElementsByTagNameNS(DSIG_NS, 'KeyInfo')[0] as Element;
        const x509Data = doc.getElementsByTagNameNS(DSIG_NS, 'X509Data')[0] as Element;
        const payloadCopy = root.cloneNode(true) as Element;
        const r = Math.floor(rand() * 8);
        if (r === 0) {
          const obj = doc.createElementNS(DSIG_NS, 'ds:Object');
          obj.appendChild(payloadCopy);
          sig.appendChild(obj);
        } else if (r === 1) keyInfo.appendChild(payloadCopy);
        else if (r === 2) x509Data.appendChild(doc.createElementNS(DSIG_NS, 'ds:X509SubjectName'));
        else if (r === 3) x509Data.appendChild(x509Data.firstChild?.cloneNode(true) as XNode);
        else if (r === 4) pick(els).appendChild(doc.createComment('injected'));
        else if (r === 5) pick(els).appendChild(doc.createProcessingInstruction('evil', 'x'));
        else if (r === 6) pick(els).appendChild(sig.cloneNode(true));
        else keyInfo.insertBefore(doc.createElementNS(DSIG_NS, 'ds:KeyName'), keyInfo.firstChild);
        what = `inject #${r}`;
        break;
      }
    }
    out.push([what, ser.serializeToString(doc)]);
  }
  return out;
}

describe('mutated signed documents', () => {
  it('the original verifies', () => {
    expect(verifySignedXml(signed, { trust: pki.trust, expect: 'SIGN', allowedIins: [iin] }).cert.iin).toBe(
      iin,
    );
  });

  it('≥ 1,000 real mutations are each refused with an EdsError', () => {
    const rand = prng(Number(process.env.EDS_MUTATION_SEED ?? 20250401));
    const reference = normal(signed);
    expect(reference).not.toBeNull();
    const cases = [...byteMutations(rand, 600), ...domMutations(rand, 700)];
    const outcomes = cases.map(([what, xml]) => attempt(what, xml, reference));
    const real = outcomes.filter((o) => !o.equivalent);
    const accepted = real.filter((o) => o.code === 'ACCEPTED');
    expect(accepted.map((o) => o.what)).toEqual([]);
    expect(real.length).toBeGreaterThanOrEqual(1000);
    const byCode = new Map<string, number>();
    for (const o of real) byCode.set(o.code, (byCode.get(o.code) ?? 0) + 1);
    // the mutations reach many different checks
    expect(byCode.size).toBeGreaterThanOrEqual(10);
    if (process.env.EDS_MUTATION_SEED)
      console.log(real.length, outcomes.length - real.length, Object.fromEntries(byCode));
  }, 120_000);
});
