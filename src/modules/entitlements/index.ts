import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { JobDefinition } from '../../jobs/types.js';
import { astanaDate } from '../../lib/clock.js';
import { assertCanOrder, consumeVolume, type MeasureRow } from './measures.js';
import {
  EntitlementsRepository,
  PersonContactsRepository,
  PhoneConfirmationsRepository,
} from './repository.js';
import { IprImportService } from './import-service.js';
import { HelpService } from './help-service.js';
import { CabinetService } from './cabinet-service.js';

export type { MeasureRow } from './measures.js';
export { ImportRejected, type ImportResult } from './import-service.js';
export { FieldError } from './cabinet-service.js';

/** Recipient cabinet, IPR import, «Помощь для вас», the two-month supplier window. */
export function createEntitlementsModule(core: CoreServices) {
  const repo = new EntitlementsRepository();
  const importer = new IprImportService(core, repo);
  const help = new HelpService(core, repo);
  const cabinet = new CabinetService(
    core,
    repo,
    new PhoneConfirmationsRepository(),
    new PersonContactsRepository(),
  );
  const jobs: JobDefinition[] = [
    // hourly (Astana time): a window that ended while the worker was down is caught up on the next run
    { name: 'entitlements-choice-window', cron: '5 * * * *', run: () => help.runWindowJob() },
  ];
  return {
    /** Every order module calls this in its creating transaction (one open order per help type). */
    assertCanOrder: (tx: Knex.Transaction, recipientId: number, helpType: string): Promise<MeasureRow> =>
      assertCanOrder(tx, recipientId, helpType, astanaDate(core.clock.now())),
    consumeVolume,
    /** IPR batch from Е-Собес (the API and the CLI): throws ImportRejected with field paths, stores nothing then. */
    importIprs: (batch: unknown) => importer.importBatch(batch),
    /** Blocks supplier choice two months after the notice and sends the SMS (the scheduled job; tests call it). */
    runWindowJob: () => help.runWindowJob(),
    help,
    cabinet,
    jobs,
  };
}

export type EntitlementsModule = ReturnType<typeof createEntitlementsModule>;
