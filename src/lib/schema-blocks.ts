/**
 * The building blocks every zod schema of the portal is made of: what a text, a calendar date, an id,
 * a number, a money amount may be. Each rule lives here once, so odd input (a NUL byte, control
 * characters, a novel in a name field, year 0, 30 February, an id beyond bigint, a repeated field) is
 * refused with a translated message before it reaches a service or PostgreSQL.
 *
 * Messages are locale keys (`errors:input.*` unless the caller names its own), as the forms' error
 * summaries expect them.
 */
import { z } from 'zod';
import { parseTenge } from './money.js';

export const MESSAGES = {
  oneValue: 'errors:input.oneValue',
  control: 'errors:input.controlCharacters',
  tooLong: 'errors:input.tooLong',
  required: 'errors:required',
  date: 'errors:input.date',
  dateTime: 'errors:input.dateTime',
  number: 'errors:input.number',
  money: 'errors:input.money',
} as const;

/** The earliest and latest calendar year a date of this portal may have (births to IPR deadlines). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

/** C0 controls and DEL, apart from tab and line feed (a textarea's lines; carriage returns are folded). */
// eslint-disable-next-line no-control-regex
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B-\u001F\u007F]/;
/** In one line: no tab or line break either. */
// eslint-disable-next-line no-control-regex
const CONTROL_LINE = /[\u0000-\u001F\u007F]/;

/** True when the string holds a character no field of the portal takes (NUL and other C0 controls). */
export function hasControlCharacters(s: string, multiline = true): boolean {
  return (multiline ? CONTROL_MULTILINE : CONTROL_LINE).test(s.replace(/\r\n?/g, '\n'));
}

/** A scalar form field: a repeated field (`a=1&a=2`, an array) is refused, an absent one is ''. */
const scalar = (message: string = MESSAGES.oneValue) =>
  z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string({ error: message }));

export interface TextOptions {
  /** the most characters after trimming */
  max: number;
  /** the fewest characters; with `required` a shorter text gets that message */
  min?: number;
  /** the message of an empty field; without it the field may be empty ('') */
  required?: string;
  tooLong?: string;
  tooShort?: string;
  /** a textarea: line breaks and tabs are kept (CR LF folded to LF) */
  multiline?: boolean;
  /** keep the text as typed (a signed document, a token), without trimming or folding line ends */
  raw?: boolean;
}

/** Free text: one value, no control characters, trimmed, at most `max` characters. */
export function text(o: TextOptions) {
  return scalar()
    .transform((s) => (o.raw ? s : s.replace(/\r\n?/g, '\n').trim()))
    .pipe(
      z
        .string()
        .refine((s) => !hasControlCharacters(s, o.multiline ?? o.raw ?? false), {
          error: MESSAGES.control,
          abort: true,
        })
        .refine((s) => s.length <= o.max, { error: o.tooLong ?? MESSAGES.tooLong, abort: true })
        .refine((s) => !o.required || s.length > 0, { error: o.required ?? MESSAGES.required, abort: true })
        .refine((s) => s.length === 0 || s.length >= (o.min ?? 0), {
          error: o.tooShort ?? o.required ?? MESSAGES.required,
        }),
    );
}

/** Optional text that comes out as `undefined` when empty (filters, optional e-mail). */
export function optionalText(o: Omit<TextOptions, 'required'>) {
  return text(o).transform((s) => (s === '' ? undefined : s));
}

/**
 * A GET filter: a bad value (control characters, too long, repeated) is ignored rather than refused,
 * since filters are links people share; it then never reaches a query.
 */
export function filterText(max: number) {
  return optionalText({ max }).optional().catch(undefined);
}

/** 'YYYY-MM-DD' that is a real day of the Gregorian calendar between MIN_YEAR and MAX_YEAR. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < MIN_YEAR || y > MAX_YEAR || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** 'YYYY-MM-DDTHH:MM' (a datetime-local field) whose day is a calendar date and time a real time. */
export function isLocalDateTime(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(s);
  return Boolean(m && isCalendarDate(m[1]!) && Number(m[2]) < 24 && Number(m[3]) < 60);
}

/** A calendar date field ('YYYY-MM-DD', also 'DD.MM.YYYY' as people type it); required. */
export function calendarDate(message: string = MESSAGES.date) {
  return scalar(message)
    .transform((s) => {
      const t = s.trim();
      return /^\d{2}\.\d{2}\.\d{4}$/.test(t) ? t.split('.').reverse().join('-') : t;
    })
    .pipe(z.string().refine(isCalendarDate, { error: message }));
}

/** An optional calendar date: '' or absent is `undefined`. */
export function optionalCalendarDate(message: string = MESSAGES.date) {
  return z.preprocess(
    (v) => (v === '' || v === undefined || v === null ? undefined : v),
    calendarDate(message).optional(),
  );
}

/** A choice filter of a GET page: one of `values`, or '' for all; any other value is ignored. */
export function filterChoice<const V extends readonly [string, ...string[]]>(values: V) {
  return z
    .enum([...values, ''])
    .optional()
    .catch(undefined);
}

/** A date filter of a GET page: a date that is not a calendar date is ignored. */
export const filterDate = optionalCalendarDate().catch(undefined);

/** A datetime-local field ('YYYY-MM-DDTHH:MM'); required. */
export function localDateTime(message: string = MESSAGES.dateTime) {
  return scalar(message)
    .transform((s) => s.trim())
    .pipe(z.string().refine(isLocalDateTime, { error: message }));
}

/** An optional datetime-local field: '' when empty. */
export function optionalLocalDateTime(message: string = MESSAGES.dateTime) {
  return scalar(message)
    .transform((s) => s.trim())
    .pipe(z.string().refine((s) => s === '' || isLocalDateTime(s), { error: message }));
}

/** The largest id a URL or a form may name (a bigint id column; 12 digits is far beyond any table). */
const ID = /^[1-9]\d{0,11}$/;

/** A record id from a form or a URL: a positive integer of at most 12 digits. */
export function id(message: string = MESSAGES.number) {
  return z
    .preprocess((v) => (typeof v === 'number' ? String(v) : v), scalar(message))
    .transform((s) => s.trim())
    .pipe(z.string().regex(ID, { error: message }).transform(Number));
}

/** An optional id: '' or absent is `undefined`. */
export function optionalId(message: string = MESSAGES.number) {
  return z.preprocess((v) => (v === '' || v === undefined ? undefined : v), id(message).optional());
}

/** The id in a URL path or query as a number, or null when it is not one (the caller answers 404). */
export function parseId(v: unknown): number | null {
  return typeof v === 'string' && ID.test(v) ? Number(v) : typeof v === 'number' && idNumber(v) ? v : null;
}
const idNumber = (n: number) => Number.isSafeInteger(n) && n > 0 && n < 1e12;

/** A whole number typed into a field, within [min, max]. */
export function integer(o: { min: number; max: number; message?: string }) {
  const message = o.message ?? MESSAGES.number;
  return z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : v === undefined || v === null ? '' : v),
    z
      .string({ error: message })
      .transform((s) => s.trim())
      .pipe(
        z
          .string()
          .regex(/^-?\d{1,15}$/, { error: message })
          .transform(Number)
          .pipe(z.number().int().min(o.min, { error: message }).max(o.max, { error: message })),
      ),
  );
}

/** A page number of a list (a bad one is the first page). */
export const pageNumber = integer({ min: 1, max: 100_000 }).optional().catch(undefined);

/** The most a money field takes: a hundred million tenge, in tiyn. */
export const MAX_TIYN = 100_000_000 * 100;

/** A sum in tenge as people type it ('12 345,67'), as integer tiyn in [0, MAX_TIYN]. */
export function money(o: { required: string; format?: string }) {
  const format = o.format ?? MESSAGES.money;
  return scalar(o.required)
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(1, { error: o.required })
        .transform((v, ctx) => {
          const tiyn = parseTenge(v);
          if (tiyn === null || tiyn > MAX_TIYN) {
            ctx.addIssue({ code: 'custom', message: format });
            return z.NEVER;
          }
          return tiyn;
        }),
    );
}

/** One of a fixed set of values (a select, a radio group); a repeated field is refused. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.enum(values, { error: message });
}

/**
 * The signing contract's post: the request id, the enveloped-signed document and, optionally, the
 * document as issued (never read). XML keeps its tabs and line breaks; other control characters are
 * refused as XML itself refuses them.
 */
/** The longest signed document a form may post (a month's act with its journal is the largest). */
export const SIGNED_XML_MAX_CHARS = 512 * 1024;

export function signedFields(maxXmlChars = SIGNED_XML_MAX_CHARS) {
  return {
    signRequestId: text({ max: 64, required: 'errors:EDS_REQUEST_UNKNOWN' }),
    signedXml: text({ max: maxXmlChars, raw: true, required: 'errors:EDS_NO_SIGNATURE' }),
    xml: text({ max: maxXmlChars, raw: true }).optional(),
  };
}

const TEXT_KEY = /^[a-z][a-zA-Z]*:[\w.-]+$/;

/**
 * A zod issue's message when it is one of our text keys ('ns:key'); zod's own English sentences
 * ("Invalid input: expected string…", "Unrecognized keys: …") never reach a person: the form's
 * fallback key stands in for them.
 */
export function textKeyOr(message: string, fallback: string): string {
  return TEXT_KEY.test(message) ? message : fallback;
}

/** The signing contract's post (eds.md): the request id and the complete enveloped-signed document. */
export const signedForm = z.strictObject({
  _csrf: z.string().optional(),
  ...signedFields(),
});
export type SignedForm = z.output<typeof signedForm>;
