import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const DEV_SESSION_SECRET = 'dev-only-session-secret-change-me-in-production';
/** the token Е-Собес presents on the dev stand when ESOBES_API_TOKEN is not set */
export const DEV_ESOBES_TOKEN = 'dev-esobes-token';

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** the address to listen on: 127.0.0.1 outside production (the dev stand serves its demo keys), else 0.0.0.0 */
    HOST: z.string().min(1).optional(),
    BASE_URL: z.url().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    DATA_DIR: z.string().min(1).default('./var'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(30),
    /** how long an instance serves a session it read from memory (0: every request reads it from the database) */
    SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: z.string().optional(),
    RUN_JOBS: bool.default(true),
    /**
     * web processes of `npm run start:prod` (src/cluster.ts, node:cluster): by default one per core;
     * 1 runs the portal in one process, as `npm start` does
     */
    WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
    /** how often each instance polls the outbox for due messages, besides the per-minute job */
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    SEED_DEMO_DATA: bool.optional(),
    /** failed logins per client address per 15 minutes (an office behind one address shares it) */
    LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(100),
    /** failed logins with one certificate per 15 minutes */
    LOGIN_CERT_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
    /** signed posts («Проверка ЭЦП», signed steps) per person per 10 minutes */
    SIGNED_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
    /** a session ends this long after the login, however active it is */
    SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(168).default(12),
    /** production trust anchors: PEM files separated by commas */
    EDS_TRUST_ANCHORS: z.string().optional(),
    EDS_CRL_URLS: z.string().optional(),
    EDS_OCSP_URL: z.url().optional(),
    EDS_REFUSE_WHEN_CRL_STALE: bool.default(true),
    SIGN_REQUEST_TTL_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    /**
     * adapters for state systems: "dev" (the dev stand's local adapters) or "http" with a URL;
     * outside production ESOBES_URL alone switches Е-Собес to its HTTP adapter (a test stand of Е-Собес)
     */
    PERSON_REGISTRY_URL: z.url().optional(),
    MOBILE_BASE_URL: z.url().optional(),
    /**
     * the entrepreneur registry and the health registry (psychiatric dispensary records); each
     * defaults to the e-government gateway of PERSON_REGISTRY_URL (docs/architecture.md)
     */
    ENTREPRENEUR_REGISTRY_URL: z.url().optional(),
    HEALTH_REGISTRY_URL: z.url().optional(),
    SMS_GATEWAY_URL: z.url().optional(),
    ESOBES_URL: z.url().optional(),
    ESOBES_API_TOKEN: z.string().min(16).optional(),
    KAZPOST_TRACKING_URL: z.url().default('https://post.kz/mail/search/track/'),
    /** the guardianship registry of the guardianship authorities (required in production) */
    GUARDIANSHIP_REGISTRY_URL: z.url().optional(),
    /**
     * how long the registry's answer about a guardian's wards is trusted before a request made for a
     * ward asks the registry again (the guardianships row's checked_at); 0 asks on every request
     */
    GUARDIANSHIP_CHECK_TTL_SECONDS: z.coerce.number().int().min(0).max(900).default(120),
    MSU_PRIORITY_DAYS: z.coerce.number().int().min(1).max(30).default(1),
    HOLIDAYS: z.string().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production') {
      for (const key of ['SESSION_SECRET', 'DATABASE_URL', 'BASE_URL'] as const)
        if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required in production' });
      if (!c.EDS_TRUST_ANCHORS)
        ctx.addIssue({
          code: 'custom',
          path: ['EDS_TRUST_ANCHORS'],
          message: 'is required in production (PEM files of the trusted root and issuing CAs)',
        });
    }
  });

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends Omit<RawConfig, 'SESSION_SECRET' | 'HOST'> {
  SESSION_SECRET: string;
  HOST: string;
  isProduction: boolean;
  isTest: boolean;
  /**
   * Served over HTTPS only (production, TLS in front): cookies are Secure, the session cookie carries
   * the `__Host-` prefix, HSTS and upgrade-insecure-requests are sent.
   */
  https: boolean;
  /** the Bearer token of `POST /api/esobes/ipr`: ESOBES_API_TOKEN; outside production a fixed one without it */
  esobesToken: string | null;
  /** SEED_DEMO_DATA, on by default outside production: the demo data go into an empty database at start */
  seedDemoData: boolean;
  dataDir: string;
  rootDir: string;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The project's root folder, both when run from sources (src/) and when built (dist/src/). */
export const ROOT_DIR = (() => {
  const here = path.dirname(new URL(import.meta.url).pathname);
  return here.includes(`${path.sep}dist${path.sep}`)
    ? path.resolve(here, '..', '..')
    : path.resolve(here, '..');
})();

/** Where compiled code lives: dist/ when built (migrations and seeds are compiled too), else the root. */
export const CODE_DIR = (() => {
  const here = path.dirname(new URL(import.meta.url).pathname);
  return here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '..') : ROOT_DIR;
})();

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const c = parsed.data;
  const production = c.NODE_ENV === 'production';
  return {
    ...c,
    SESSION_SECRET: c.SESSION_SECRET ?? DEV_SESSION_SECRET,
    HOST: c.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    isProduction: production,
    isTest: c.NODE_ENV === 'test',
    https: production,
    esobesToken: c.ESOBES_API_TOKEN ?? (production ? null : DEV_ESOBES_TOKEN),
    seedDemoData: c.SEED_DEMO_DATA ?? !production,
    dataDir: path.resolve(ROOT_DIR, c.DATA_DIR),
    rootDir: ROOT_DIR,
  };
}

/** For the entry points: a bad environment prints every problem and exits with status 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** The portal's public address (links in letters, QR codes on PDFs): BASE_URL, or localhost outside production. */
export function publicBaseUrl(config: Pick<Config, 'BASE_URL' | 'PORT'>): string {
  return (config.BASE_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
}
