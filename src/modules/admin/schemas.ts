import { z } from 'zod';
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

const text = (key: string, max: number) =>
  z.string({ error: key }).trim().min(1, { error: key }).max(max, { error: 'admin:errors.tooLong' });

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: 'admin:errors.tooLong' })
    .optional()
    .transform((v) => v ?? '');

const checkbox = z
  .literal('on')
  .optional()
  .transform((v) => v === 'on');

const localDateTime = (key: string) =>
  z.string({ error: key }).regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { error: key });
const optionalLocalDateTime = z
  .union([
    z.literal(''),
    z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { error: 'admin:errors.dateTime' }),
  ])
  .optional()
  .transform((v) => v || '');

const isoDate = z.union([z.literal(''), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)]).optional();

export const contentForm = z
  .object({
    ...csrf,
    kind: z.enum(CONTENT_KINDS, { error: 'admin:errors.kind' }),
    title_ru: text('admin:errors.titleRequired', 300),
    title_kk: text('admin:errors.titleRequired', 300),
    title_en: text('admin:errors.titleRequired', 300),
    body_ru: text('admin:errors.bodyRequired', 20_000),
    body_kk: text('admin:errors.bodyRequired', 20_000),
    body_en: text('admin:errors.bodyRequired', 20_000),
    sort: z.coerce
      .number({ error: 'admin:errors.sort' })
      .int({ error: 'admin:errors.sort' })
      .min(0, { error: 'admin:errors.sort' })
      .max(9999, { error: 'admin:errors.sort' }),
    published: checkbox,
  })
  .strict();

export const noticeForm = z
  .object({
    ...csrf,
    kind: z.enum(NOTICE_KINDS, { error: 'admin:errors.kind' }),
    title_ru: text('admin:errors.titleRequired', 300),
    title_kk: text('admin:errors.titleRequired', 300),
    title_en: text('admin:errors.titleRequired', 300),
    text_ru: text('admin:errors.textRequired', 1000),
    text_kk: text('admin:errors.textRequired', 1000),
    text_en: text('admin:errors.textRequired', 1000),
    starts_at: localDateTime('admin:errors.startsAt'),
    ends_at: optionalLocalDateTime,
    fix_expected_at: optionalLocalDateTime,
  })
  .strict();

export const phoneForm = z
  .object({
    ...csrf,
    phone: z
      .string({ error: 'admin:errors.phone' })
      .trim()
      .regex(/^(\+?\d[\d\s()-]{2,20}\d)$/, { error: 'admin:errors.phone' }),
  })
  .strict();

export const holidayForm = z
  .object({
    ...csrf,
    day: z.string({ error: 'admin:errors.day' }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'admin:errors.day' }),
    name: optionalText(200),
  })
  .strict();

export const grantForm = z
  .object({
    ...csrf,
    role: z.enum(GRANTABLE_ROLES, { error: 'admin:errors.role' }),
    organisationId: z
      .union([z.literal(''), z.coerce.number().int().positive()])
      .optional()
      .transform((v) => (typeof v === 'number' ? v : null)),
  })
  .strict();

export const emptyForm = z.object({ ...csrf }).strict();

export const usersQuery = z.object({
  q: z.string().max(100).optional().catch(undefined),
  role: z
    .enum(['recipient', 'guardian', 'specialist', 'employee', 'admin', 'operator', ''])
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});

export const auditQuery = z.object({
  from: isoDate.catch(undefined),
  to: isoDate.catch(undefined),
  action: z.string().max(100).optional().catch(undefined),
  objectType: z.string().max(60).optional().catch(undefined),
  objectId: z.string().max(60).optional().catch(undefined),
  actor: z.string().max(100).optional().catch(undefined),
  source: z
    .enum([...AUDIT_SOURCES, ''])
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

export const ordersReportQuery = z.object({
  from: isoDate.catch(undefined),
  to: isoDate.catch(undefined),
  helpType: z.string().max(40).optional().catch(undefined),
  region: z.string().max(200).optional().catch(undefined),
  status: z.string().max(60).optional().catch(undefined),
});

export const exchangeQuery = z.object({
  state: z
    .enum([...OUTBOX_STATES, ''])
    .optional()
    .catch(undefined),
  system: z
    .enum([...OUTBOX_SYSTEMS, ''])
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});

// ---- contact-centre requests

export const supportForm = z
  .object({
    ...csrf,
    description: z
      .string({ error: 'support:errors.descriptionRequired' })
      .trim()
      .min(1, { error: 'support:errors.descriptionRequired' })
      .min(10, { error: 'support:errors.descriptionShort' })
      .max(4000, { error: 'support:errors.descriptionLong' }),
    location: z
      .string()
      .trim()
      .max(500, { error: 'support:errors.locationLong' })
      .optional()
      .transform((v) => v ?? ''),
  })
  .strict();

export const supportActionForm = z
  .object({
    ...csrf,
    version: z.coerce.number().int().min(1),
    comment: z
      .string()
      .trim()
      .max(1000, { error: 'support:errors.commentLong' })
      .optional()
      .transform((v) => v ?? ''),
    fix_expected_at: optionalLocalDateTime,
  })
  .strict();

export const supportQueueQuery = z.object({
  show: z.enum(['open', 'closed', 'all']).optional().catch(undefined),
  number: z.string().max(40).optional().catch(undefined),
});
