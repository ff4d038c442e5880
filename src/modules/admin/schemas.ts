import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';
import { LOCALES, type Locale } from '../../lib/i18n.js';
import { CONTENT_KINDS } from './content-service.js';
import { NOTICE_KINDS } from './site-service.js';
import { GRANTABLE_ROLES } from './users-service.js';
import { AUDIT_SOURCES } from './audit-log-service.js';
import { OUTBOX_STATES, OUTBOX_SYSTEMS } from './exchange-service.js';

/**
 * One strict schema per form (each allows `_csrf`). Messages are locale keys: the page shows them in
 * the error summary and beside the field.
 */
const csrf = { _csrf: z.string().optional() };

/** The message of a field whose problem has no key of its own. */
export const INVALID = 'admin:errors.invalid';

const text = (key: string, max: number, multiline = false) =>
  blocks.text({ max, required: key, tooLong: 'admin:errors.tooLong', multiline });

const optionalText = (max: number) => blocks.text({ max, tooLong: 'admin:errors.tooLong' });

const checkbox = z
  .literal('on')
  .optional()
  .transform((v) => v === 'on');

const localDateTime = (key: string) => blocks.localDateTime(key);
const optionalLocalDateTime = blocks.optionalLocalDateTime('admin:errors.dateTime');

const isoDate = blocks.filterDate;
const filterText = blocks.filterText;
const page = blocks.pageNumber;
/** The same field in each language of the site: `<name>_ru`, `<name>_kk`, `<name>_en`. */
const perLocale = <N extends string, S extends z.ZodType>(name: N, schema: S) =>
  Object.fromEntries(LOCALES.map((l) => [`${name}_${l}`, schema])) as Record<`${N}_${Locale}`, S>;
const filterChoice = blocks.filterChoice;
/** a period filter of a report or a log: either end may be left out */
const period = { from: isoDate, to: isoDate };

/** What content items and notices both have: a kind and a title in each language. */
const kindAndTitles = <const K extends readonly [string, ...string[]]>(kinds: K) => ({
  kind: z.enum(kinds, { error: 'admin:errors.kind' }),
  ...perLocale('title', text('admin:errors.titleRequired', 300)),
});

export const contentForm = z
  .object({
    ...csrf,
    ...kindAndTitles(CONTENT_KINDS),
    ...perLocale('body', text('admin:errors.bodyRequired', 20_000, true)),
    sort: blocks.integer({ min: 0, max: 9999, message: 'admin:errors.sort' }),
    published: checkbox,
  })
  .strict();

export const noticeForm = z
  .object({
    ...csrf,
    ...kindAndTitles(NOTICE_KINDS),
    ...perLocale('text', text('admin:errors.textRequired', 1000, true)),
    starts_at: localDateTime('admin:errors.startsAt'),
    ends_at: optionalLocalDateTime,
    fix_expected_at: optionalLocalDateTime,
  })
  .strict();

export const phoneForm = z
  .object({
    ...csrf,
    phone: blocks
      .text({ max: 40, required: 'admin:errors.phone' })
      .pipe(z.string().regex(/^(\+?\d[\d\s()-]{2,20}\d)$/, { error: 'admin:errors.phone' })),
  })
  .strict();

export const holidayForm = z
  .object({
    ...csrf,
    day: blocks.calendarDate('admin:errors.day'),
    name: optionalText(200),
  })
  .strict();

export const grantForm = z
  .object({
    ...csrf,
    role: z.enum(GRANTABLE_ROLES, { error: 'admin:errors.role' }),
    organisationId: blocks.optionalId('admin:errors.organisationRequired').transform((v) => v ?? null),
  })
  .strict();

export const emptyForm = z.object({ ...csrf }).strict();

export const usersQuery = z.object({
  q: filterText(100),
  role: filterChoice(['recipient', 'guardian', 'specialist', 'employee', 'admin', 'operator']),
  page,
});

export const auditQuery = z.object({
  ...period,
  action: filterText(100),
  objectType: filterText(60),
  objectId: filterText(60),
  actor: filterText(100),
  source: filterChoice(AUDIT_SOURCES),
  page,
});

export const ordersReportQuery = z.object({
  ...period,
  helpType: filterText(40),
  region: filterText(200),
  status: filterText(60),
});

export const exchangeQuery = z.object({
  state: filterChoice(OUTBOX_STATES),
  system: filterChoice(OUTBOX_SYSTEMS),
  page,
});

// ---- contact-centre requests

export const supportForm = z
  .object({
    ...csrf,
    description: blocks.text({
      max: 4000,
      min: 10,
      multiline: true,
      required: 'support:errors.descriptionRequired',
      tooShort: 'support:errors.descriptionShort',
      tooLong: 'support:errors.descriptionLong',
    }),
    location: blocks.text({ max: 500, tooLong: 'support:errors.locationLong' }),
  })
  .strict();

export const supportActionForm = z
  .object({
    ...csrf,
    version: blocks.integer({ min: 1, max: 1_000_000 }),
    comment: blocks.text({ max: 1000, multiline: true, tooLong: 'support:errors.commentLong' }),
    fix_expected_at: optionalLocalDateTime,
  })
  .strict();

export const supportQueueQuery = z.object({
  show: z.enum(['open', 'closed', 'all']).optional().catch(undefined),
  number: filterText(40),
});
