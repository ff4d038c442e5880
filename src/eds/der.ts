/**
 * A minimal DER reader and writer: enough for X.509 certificates, CRLs and the dev PKI.
 * Reading works on Buffers with offsets (no copies), so certificate and CRL parsing stay fast.
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  PRINTABLE: 0x13,
  T61: 0x14,
  IA5: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** One TLV inside `buf`: the header starts at `start`, the value spans [`valueStart`, `end`). */
export interface Tlv {
  readonly buf: Buffer;
  readonly tag: number;
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
}

export function readTlv(buf: Buffer, offset = 0, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated DER header');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let len = buf[offset + 1] as number;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length is not DER');
    if (n > 4) throw new DerError('DER length too large');
    if (p + n > limit) throw new DerError('truncated DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[p + i] as number);
    p += n;
  }
  const end = p + len;
  if (end > limit) throw new DerError('DER value runs past its container');
  return { buf, tag, start: offset, valueStart: p, end };
}

/** Parses a whole buffer as exactly one TLV. */
export function readRoot(buf: Buffer): Tlv {
  const t = readTlv(buf, 0);
  if (t.end !== buf.length) throw new DerError('trailing bytes after DER value');
  return t;
}

export function childrenOf(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = t.valueStart;
  while (p < t.end) {
    const c = readTlv(t.buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function valueOf(t: Tlv): Buffer {
  return t.buf.subarray(t.valueStart, t.end);
}

export function rawOf(t: Tlv): Buffer {
  return t.buf.subarray(t.start, t.end);
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new DerError(`expected ${what}`);
  return t;
}

export function decodeOid(t: Tlv): string {
  const v = valueOf(expectTag(t, TAG.OID, 'OID'));
  if (v.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    acc = acc * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(acc);
      acc = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const a = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [a, first - a * 40, ...parts].join('.');
}

/** INTEGER as upper-case hex without leading zero bytes (certificate serial style). */
export function decodeIntegerHex(t: Tlv): string {
  let v = valueOf(expectTag(t, TAG.INTEGER, 'INTEGER'));
  while (v.length > 1 && v[0] === 0) v = v.subarray(1);
  return v.toString('hex').toUpperCase();
}

export function decodeSmallInt(t: Tlv): number {
  const v = valueOf(expectTag(t, TAG.INTEGER, 'INTEGER'));
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

export function decodeTime(t: Tlv): Date {
  const s = valueOf(t).toString('latin1');
  let m: RegExpExecArray | null;
  if (t.tag === TAG.UTC_TIME) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
    if (!m) throw new DerError('bad UTCTime');
    const yy = Number(m[1]);
    return new Date(
      Date.UTC(
        yy >= 50 ? 1900 + yy : 2000 + yy,
        Number(m[2]) - 1,
        Number(m[3]),
        Number(m[4]),
        Number(m[5]),
        Number(m[6]),
      ),
    );
  }
  if (t.tag === TAG.GENERALIZED_TIME) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s);
    if (!m) throw new DerError('bad GeneralizedTime');
    return new Date(
      Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
    );
  }
  throw new DerError('expected a time');
}

export function decodeString(t: Tlv): string {
  const v = valueOf(t);
  switch (t.tag) {
    case TAG.UTF8:
      return v.toString('utf8');
    case TAG.BMP: {
      const swapped = Buffer.from(v);
      if (swapped.length % 2) throw new DerError('odd BMPString');
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case TAG.PRINTABLE:
    case TAG.IA5:
    case TAG.T61:
      return v.toString('latin1');
    default:
      return v.toString('utf8');
  }
}

/** BIT STRING contents (without the unused-bits byte) and the number of unused bits. */
export function decodeBitString(t: Tlv): { bytes: Buffer; unused: number } {
  const v = valueOf(expectTag(t, TAG.BIT_STRING, 'BIT STRING'));
  if (v.length === 0) throw new DerError('empty BIT STRING');
  return { bytes: v.subarray(1), unused: v[0] as number };
}

// ---------------------------------------------------------------- writer

function encodeLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  let n = len;
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

function encodeOid(oid: string): Buffer {
  const parts = oid.split('.').map(Number);
  if (parts.length < 2 || parts.some((p) => !Number.isInteger(p) || p < 0))
    throw new DerError(`bad OID ${oid}`);
  const out: number[] = [];
  const push = (n: number) => {
    const stack = [n & 0x7f];
    n = Math.floor(n / 128);
    while (n > 0) {
      stack.unshift((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(...stack);
  };
  push((parts[0] as number) * 40 + (parts[1] as number));
  for (const p of parts.slice(2)) push(p);
  return Buffer.from(out);
}

function encodeInteger(v: bigint | number | Buffer): Buffer {
  let bytes: Buffer;
  if (Buffer.isBuffer(v)) {
    bytes = v;
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0 && ((bytes[i + 1] as number) & 0x80) === 0) i++;
    bytes = bytes.subarray(i);
    if (bytes.length === 0) bytes = Buffer.from([0]);
  } else {
    const n = BigInt(v);
    if (n < 0n) throw new DerError('negative integers are not needed here');
    let hex = n.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    bytes = Buffer.from(hex, 'hex');
  }
  if (((bytes[0] as number) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return bytes;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export const der = {
  seq: (...items: Buffer[]): Buffer => tlv(TAG.SEQUENCE, Buffer.concat(items)),
  set: (...items: Buffer[]): Buffer => tlv(TAG.SET, Buffer.concat(items)),
  /** SET OF with DER ordering of the encoded elements */
  setOf: (...items: Buffer[]): Buffer => tlv(TAG.SET, Buffer.concat([...items].sort(Buffer.compare))),
  oid: (oid: string): Buffer => tlv(TAG.OID, encodeOid(oid)),
  int: (v: bigint | number | Buffer): Buffer => tlv(TAG.INTEGER, encodeInteger(v)),
  bool: (b: boolean): Buffer => tlv(TAG.BOOLEAN, Buffer.from([b ? 0xff : 0])),
  null: (): Buffer => Buffer.from([TAG.NULL, 0]),
  utf8: (s: string): Buffer => tlv(TAG.UTF8, Buffer.from(s, 'utf8')),
  printable: (s: string): Buffer => {
    if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s)) throw new DerError(`not a PrintableString: ${s}`);
    return tlv(TAG.PRINTABLE, Buffer.from(s, 'latin1'));
  },
  ia5: (s: string): Buffer => tlv(TAG.IA5, Buffer.from(s, 'latin1')),
  bmp: (s: string): Buffer => {
    const b = Buffer.from(s, 'utf16le');
    b.swap16();
    return tlv(TAG.BMP, b);
  },
  octet: (b: Buffer): Buffer => tlv(TAG.OCTET_STRING, b),
  bitString: (b: Buffer, unused = 0): Buffer =>
    tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([unused]), b])),
  utcTime: (d: Date): Buffer =>
    tlv(
      TAG.UTC_TIME,
      Buffer.from(
        `${pad2(d.getUTCFullYear() % 100)}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}Z`,
        'latin1',
      ),
    ),
  generalizedTime: (d: Date): Buffer =>
    tlv(
      TAG.GENERALIZED_TIME,
      Buffer.from(
        `${String(d.getUTCFullYear()).padStart(4, '0')}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}Z`,
        'latin1',
      ),
    ),
  /** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050 */
  time: (d: Date): Buffer => (d.getUTCFullYear() < 2050 ? der.utcTime(d) : der.generalizedTime(d)),
  /** [n] EXPLICIT (constructed context-specific wrapper) */
  explicit: (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner),
  /** [n] IMPLICIT primitive */
  implicit: (n: number, value: Buffer): Buffer => tlv(0x80 | n, value),
  raw: (b: Buffer): Buffer => b,
};
