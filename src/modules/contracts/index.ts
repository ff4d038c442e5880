import type { CoreServices } from '../index.js';
import type { JobDefinition } from '../../jobs/types.js';
import { ContractsRepository } from './repository.js';
import { ContractDocuments, ContractsService } from './service.js';
import { ProgrammeImportService } from './import-service.js';

export { contractMachine, actMachine } from './rules.js';
export { ProgrammeImportRejected } from './import-service.js';
export type { ContractStatus, ContractAction, ActStatus } from './rules.js';
export type { ContractView, ContractServiceView, ActRow, ProgrammeServiceRow } from './repository.js';
export type { RecipientReasonAction, ProviderReasonAction, ContractTerms } from './service.js';

/** Special social services by contract: ИППСУ import, contracts, services rendered, acts (docs/contracts.md). */
export function createContractsModule(core: CoreServices) {
  const repo = new ContractsRepository();
  const contracts = new ContractsService(core, repo);
  const documents = new ContractDocuments(core, contracts, repo);
  const programmes = new ProgrammeImportService(core, repo);
  const jobs: JobDefinition[] = [
    // a contract whose last day has passed is closed as expired (checked again under the lock)
    { name: 'ssu-contracts-expire', cron: '7 0 * * *', run: () => contracts.expireDue() },
  ];
  return { contracts, documents, programmes, jobs };
}

export type ContractsModule = ReturnType<typeof createContractsModule>;
