import type { CoreServices } from '../index.js';
import type { JobDefinition } from '../../jobs/types.js';
import { MsuRepository } from './repository.js';
import { MsuEngine } from './engine.js';
import { MsuOrderSteps } from './order-steps.js';
import { MsuCatalogueService } from './catalogue-service.js';
import { MsuEnrolmentService } from './enrolment-service.js';
import { MsuRecipientService } from './recipient-service.js';
import { MsuInstitutionService } from './institution-service.js';
import { MsuOpenDataService } from './open-data-service.js';
import { MsuAdminService } from './admin-service.js';
import { MsuWithdrawal } from './withdrawal.js';

export interface QueueStat {
  institution: string;
  department: string;
  queueLength: number;
  avgWaitDays: number | null;
}

/** МСУ beds: catalogue, enrolment and the fair queue, the recipient's orders, institution cabinet, open data. */
export function createMsuModule(core: CoreServices) {
  const repo = new MsuRepository();
  const engine = new MsuEngine(core, repo);
  const steps = new MsuOrderSteps(core, repo, engine);
  const catalogue = new MsuCatalogueService(core, repo);
  const enrolment = new MsuEnrolmentService(core, repo);
  const recipient = new MsuRecipientService(core, repo, engine, steps);
  const institution = new MsuInstitutionService(core, repo, engine, steps);
  const openData = new MsuOpenDataService(core, repo);
  const admin = new MsuAdminService(core, repo, engine);
  const withdrawal = new MsuWithdrawal(core, repo, engine);

  /** Offers whose priority window has ended pass to the next in the queue (also a scheduled job). */
  const runDueOffers = () => engine.runDueOffers();

  const jobs: JobDefinition[] = [{ name: 'msu-lapse-offers', cron: '* * * * *', run: runDueOffers }];

  return {
    repo,
    catalogue,
    enrolment,
    recipient,
    institution,
    openData,
    admin,
    withdrawal,
    runDueOffers,
    jobs,
    reports: {
      /** Per department: the active queue and the average days from queue entry to a place. */
      async queueStats(): Promise<QueueStat[]> {
        const rows = await repo.queueStats(core.db);
        return rows.map((r) => ({
          institution: r.institution,
          department: r.department.ru ?? '',
          queueLength: Number(r.queue_length),
          avgWaitDays: r.avg_wait_days === null ? null : Math.round(Number(r.avg_wait_days) * 10) / 10,
        }));
      },
    },
  };
}

export type MsuModule = ReturnType<typeof createMsuModule>;
