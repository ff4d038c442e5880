import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import { astanaDate } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { JobDefinition } from '../../jobs/types.js';
import { assertCanOrder, consumeVolume } from '../entitlements/measures.js';
import { AreaContext } from './context.js';
import { ServiceOrderService } from './order-service.js';
import { OrganisationOrderService } from './organisation-orders.js';
import { JournalService } from './journal-service.js';
import { ActsCommon } from './acts-common.js';
import { ScannedActsService } from './acts-scanned.js';
import { ElectronicActsService } from './acts-electronic.js';
import { ActDocumentsService } from './act-documents.js';
import { RegistryService } from './registry-service.js';
import { SpecialistWithdrawal } from './withdrawal.js';
import { isIsoDate, periodBounds, serviceMachine, type ServiceHelpType } from './rules.js';

export { actMachine, applicationMachine, serviceMachine } from './rules.js';
export type { ServiceHelpType, ServiceStatus, ServiceAction } from './rules.js';

export interface HoursByMonthRow {
  month: string;
  helpType: ServiceHelpType;
  specialist: string;
  hours: number;
}

/** 'YYYY-MM' or 'YYYY-MM-DD' → a calendar date (a month means its first or last day). */
function boundary(v: string, end: boolean): string {
  if (/^\d{4}-\d{2}$/.test(v)) return end ? periodBounds(v).last : periodBounds(v).first;
  if (isIsoDate(v)) return v;
  throw new AppError('validation', 400);
}

/** УЖЯ/УИП orders, specialist cabinet, service journal, monthly acts, the specialists' registry. */
export function createSpecialistServicesModule(core: CoreServices) {
  // the same entitlement rules as services.entitlements (one open order per help type; volume)
  const entitlements = {
    assertCanOrder: (tx: Knex.Transaction, recipientId: number, helpType: string) =>
      assertCanOrder(tx, recipientId, helpType, astanaDate(core.clock.now())),
    consumeVolume,
  };
  const ctx = new AreaContext(core, entitlements);
  const orders = new ServiceOrderService(ctx);
  const journal = new JournalService(ctx, orders);
  const common = new ActsCommon(ctx);
  const acts = {
    scanned: new ScannedActsService(common),
    electronic: new ElectronicActsService(common),
    documents: new ActDocumentsService(common),
  };
  const withdrawal = new SpecialistWithdrawal(ctx, orders);
  const registry = new RegistryService(ctx, withdrawal);
  const jobs: JobDefinition[] = [
    // uploaded scans left unconfirmed for a day are dropped with their files
    { name: 'specialist-acts-drafts-cleanup', cron: '17 * * * *', run: () => acts.scanned.cleanupDrafts() },
  ];
  return {
    machine: serviceMachine,
    jobs,
    orders,
    /** orders sent to an organisation, assigned to one of its specialists */
    organisationOrders: new OrganisationOrderService(ctx, orders),
    journal,
    acts,
    registry,
    /** what an excluded organisation's УЖЯ/УИП orders become (docs/participants.md) */
    withdrawal,
    reports: {
      /** Hours of rendered services per month, help type and specialist (from/to: 'YYYY-MM' or 'YYYY-MM-DD', inclusive). */
      async hoursByMonth(from: string, to: string): Promise<HoursByMonthRow[]> {
        const rows = await ctx.journal.hoursByMonth(core.db, boundary(from, false), boundary(to, true));
        return rows.map((r) => ({
          month: r.month,
          helpType: r.help_type,
          specialist: r.specialist,
          hours: Number(r.hours),
        }));
      },
    },
  };
}

export type SpecialistServicesModule = ReturnType<typeof createSpecialistServicesModule>;
