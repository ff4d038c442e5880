/**
 * The composition root: repositories from one knex instance, services from repositories.
 * Nothing else constructs dependencies, so a test can build the app with any part replaced.
 */
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { createIntegrations, type Integrations } from '../integrations/index.js';
import { Outbox } from './outbox/outbox.js';
import { Notifier } from './notifications/notifications.js';
import { OrdersRepository } from './orders/orders-repository.js';
import { SigningService } from './signing/signing-service.js';
import { AuthService } from './auth/auth-service.js';
import { GuardianshipService } from './auth/guardianships.js';
import { PeopleRepository } from './people/people-repository.js';
import { HealthService } from './health/health-service.js';
import { EvidenceService } from './signing/evidence-service.js';
import { SignatureCheckService } from './signing/signature-check.js';
import { SignedSteps } from './signing/signed-steps.js';
import { PgRateLimitStore } from './rate-limits/rate-limit-store.js';
import type { DevMailbox, DevStandServices } from './dev-stand-port.js';
import type { TrustStore } from '../eds/index.js';
import { createEntitlementsModule, type EntitlementsModule } from './entitlements/index.js';
import { createMsuModule, type MsuModule } from './msu/index.js';
import {
  createSpecialistServicesModule,
  type SpecialistServicesModule,
} from './specialist-services/index.js';
import { createGoodsModule, type GoodsModule } from './goods/index.js';
import { createSanatoriumModule, type SanatoriumModule } from './sanatorium/index.js';
import { createOfferModule, type OfferModule } from './offer/index.js';
import { createAdminModule, type AdminModule } from './admin/index.js';
import { createParticipantsModule, type ParticipantsModule } from './participants/index.js';
import { createChatModule, type ChatModule } from './chat/index.js';
import { createVerificationModule, type VerificationModule } from './verification/index.js';
import { createOrderListModule, type OrderListModule } from './order-list/index.js';
import { createFileStore, type FileStore } from './files/index.js';
import { createOutreachModule, type OutreachModule } from './outreach/index.js';
import { createContractsModule, type ContractsModule } from './contracts/index.js';

export interface CoreServices {
  config: Config;
  db: Knex;
  logger: Logger;
  clock: Clock;
  integrations: Integrations;
  outbox: Outbox;
  notifier: Notifier;
  orders: OrdersRepository;
  people: PeopleRepository;
  trust: TrustStore;
  signing: SigningService;
  /** the one signed-step path of every order kind */
  steps: SignedSteps;
  auth: AuthService;
  health: HealthService;
  evidence: EvidenceService;
  signatureCheck: SignatureCheckService;
  /** what the dev stand's adapters received; null in production */
  devMailbox: DevMailbox | null;
  /** a rate-limit counter store in PostgreSQL for one limiter (keys under the prefix) */
  rateLimitStore: (prefix: string) => PgRateLimitStore;
  /** uploaded and generated files, in PostgreSQL (src/modules/files) */
  files: FileStore;
}

export interface Services extends CoreServices {
  entitlements: EntitlementsModule;
  msu: MsuModule;
  specialistServices: SpecialistServicesModule;
  goods: GoodsModule;
  admin: AdminModule;
  participants: ParticipantsModule;
  chat: ChatModule;
  offer: OfferModule;
  /** documents anyone can verify: /verify/{code}, «Мои Направления», the referral and hand-over PDFs */
  verification: VerificationModule;
  orderList: OrderListModule;
  sanatorium: SanatoriumModule;
  outreach: OutreachModule;
  contracts: ContractsModule;
}

/** What routers and the web layer get: every service, never the database handle or a repository. */
export type WebServices = Omit<Services, 'db' | 'orders' | 'people'>;

export interface BuildOptions {
  clock?: Clock;
  /** the state systems' adapters; by default the dev stand's, else the HTTP ones (production) */
  integrations?: Integrations;
  /** by default the dev stand's; production passes the one of its trust anchors (createTrustStore) */
  trust?: TrustStore;
  /** outside production: what the dev stand plugs in (src/devstand, installed by the entry points) */
  devStand?: DevStandServices | null;
}

export function buildServices(config: Config, db: Knex, logger: Logger, opts: BuildOptions = {}): Services {
  const clock = opts.clock ?? systemClock;
  const devStand = opts.devStand ?? null;
  const integrations = opts.integrations ?? devStand?.integrations ?? createIntegrations(config);
  const outbox = new Outbox(db, integrations, clock, logger);
  const notifier = new Notifier(outbox, clock);
  const orders = new OrdersRepository();
  const people = new PeopleRepository();
  const trust = opts.trust ?? devStand?.trust;
  if (!trust) throw new Error('no trust store: production passes createTrustStore(), the dev stand its own');
  const signing = new SigningService(db, trust, clock, config);
  const guardianships = new GuardianshipService(
    db,
    people,
    integrations,
    clock,
    config.GUARDIANSHIP_CHECK_TTL_SECONDS * 1000,
    logger,
  );
  const auth = new AuthService(db, signing, people, integrations, clock, guardianships);
  const health = new HealthService(db, trust);
  const evidence = new EvidenceService(db, people);
  const signatureCheck = new SignatureCheckService(db, signing, people);
  const core: CoreServices = {
    config,
    db,
    logger,
    clock,
    integrations,
    outbox,
    notifier,
    orders,
    people,
    trust,
    signing,
    steps: new SignedSteps(db, people, signing),
    auth,
    health,
    evidence,
    signatureCheck,
    devMailbox: devStand?.mailbox ?? null,
    rateLimitStore: (prefix) => new PgRateLimitStore(db, prefix),
    files: createFileStore(db),
  };
  const msu = createMsuModule(core);
  const goods = createGoodsModule(core);
  const specialistServices = createSpecialistServicesModule(core);
  const admin = createAdminModule(core);
  return {
    ...core,
    entitlements: createEntitlementsModule(core),
    msu,
    specialistServices,
    goods,
    admin,
    participants: createParticipantsModule(core, [
      (tx, id, reason, at) => msu.withdrawal.withdrawOrganisation(tx, id, reason, at),
      (tx, id, reason, at) => goods.withdrawal.withdrawOrganisation(tx, id, reason, at),
      (tx, id, reason, at) => specialistServices.withdrawal.withdrawOrganisation(tx, id, reason, at),
    ]),
    chat: createChatModule(core, admin),
    offer: createOfferModule(core),
    verification: createVerificationModule(core),
    orderList: createOrderListModule(core),
    sanatorium: createSanatoriumModule(core),
    outreach: createOutreachModule(core),
    contracts: createContractsModule(core),
  };
}
