/**
 * The dev stand as one plug-in: everything the portal needs to run on one machine without the state
 * systems, installed by the entry points outside production only (src/dev-stand-loader.ts) and absent
 * from the production build (tsconfig.build.json):
 *
 * - people.ts        the demo people and organisations
 * - pki.ts           the dev PKI: CAs, CRLs and every demo person's .p12 keys under DATA_DIR (npm start
 *                    makes the keys while the portal already serves)
 * - integrations.ts  local adapters of the state systems (registries answer from the demo people,
 *                    messages land in dev_* tables)
 * - mailbox.ts       what those adapters received (/dev/sms, the exchange monitor)
 * - routes.ts        the /dev pages (SMS, keys, the guardianship registry); demo-people.ts the start page's list of demo people and keys
 * - seed.ts          the demo data (seeds/) into an empty database
 *
 * Production code knows only the shapes it receives: DevStandServices (src/modules/dev-stand-port.ts)
 * and DevStandWeb (src/web/dev-stand.ts).
 */
import path from 'node:path';
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { DevStand, DevStandEntry, DevStandInstallOptions } from '../dev-stand-loader.js';
import { TrustStore } from '../eds/index.js';
import { demoPeople, trackDemoKeys, type DemoKeys } from './demo-people.js';
import { devStandIntegrations } from './integrations.js';
import { DbDevMailbox } from './mailbox.js';
import { ORGANISATIONS, PEOPLE } from './people.js';
import { backgroundPrimeConcurrency, ensureDevPkiStaged } from './pki.js';
import { devRoutes } from './routes.js';
import { seedDemoData } from './seed.js';

export { seedDemoData } from './seed.js';
export type { DevStand } from '../dev-stand-loader.js';

/** The dev stand trusts its own PKI under DATA_DIR/pki. */
export function createDevTrustStore(config: Config, logger: Logger): TrustStore {
  return TrustStore.fromDirectory(path.join(config.dataDir, 'pki'), {
    refuseWhenCrlStale: config.EDS_REFUSE_WHEN_CRL_STALE,
    log: (entry) => logger.warn({ eds: entry }, 'trust store'),
  });
}

/**
 * The dev stand's parts over a database and a PKI made already (tests build it on their template), or
 * whose demo keys this start is still making (`keys`: the start page lists them, downloads wait).
 */
export function createDevStand(
  config: Config,
  db: Knex,
  logger: Logger,
  keys: DemoKeys | null = null,
): DevStand {
  const mailbox = new DbDevMailbox(db);
  let trust: TrustStore | null = null;
  return {
    integrations: devStandIntegrations(config, db),
    // read on first use, once the PKI exists
    get trust() {
      return (trust ??= createDevTrustStore(config, logger));
    },
    mailbox,
    web: {
      router: devRoutes(mailbox, config.dataDir, db, keys),
      demoPeople: () => demoPeople(config.dataDir, keys),
    },
  };
}

/**
 * At start, after the migrations: the PKI (made once) and, unless SEED_DEMO_DATA=false, the demo data.
 * The trust anchors and CRLs are in place when this resolves; the demo keys too, unless
 * `keysInBackground` (npm start), when they are made while the portal serves (the returned handle).
 */
export async function prepareDevStand(
  config: Config,
  db: Knex,
  logger: Logger,
  opts: DevStandInstallOptions = {},
): Promise<DemoKeys> {
  const t = Date.now();
  const pki = await ensureDevPkiStaged(config.dataDir, {
    people: PEOPLE,
    organisations: ORGANISATIONS,
    ...(opts.keysInBackground ? { primeConcurrency: backgroundPrimeConcurrency() } : {}),
  });
  logger.info({ ms: Date.now() - t, generated: pki.anchors.generated }, 'dev-stand PKI ready');
  const keys = trackDemoKeys(
    pki.manifest,
    pki.keys.then(
      (s) =>
        logger.info(
          { ms: Date.now() - t, generated: s.generated, keyFiles: s.keyFiles },
          'dev-stand demo keys ready',
        ),
      (err: unknown) => {
        logger.error({ err }, 'dev-stand demo keys failed');
        throw err;
      },
    ),
  );
  if (!opts.keysInBackground) await keys.ready;
  if (config.seedDemoData) await seedDemoData(db, logger);
  return keys;
}

/** Prepared and built: what server.ts installs outside production. */
export async function installDevStand(
  config: Config,
  db: Knex,
  logger: Logger,
  opts: DevStandInstallOptions = {},
): Promise<DevStand> {
  const keys = await prepareDevStand(config, db, logger, opts);
  return createDevStand(config, db, logger, keys);
}

/** The plug-in's entry as the loader sees it (checked here against its declared shape). */
export const entry: DevStandEntry = { createDevStand, installDevStand, seedDemoData };
