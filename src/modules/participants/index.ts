import type { CoreServices } from '../index.js';
import { ParticipantsRepository } from './repository.js';
import { StaffService } from './staff-service.js';
import { StandingService, type OrganisationWithdrawal } from './standing-service.js';

/**
 * The participants' standing: an organisation's own staff (StaffService) and the administrator's
 * suspension and exclusion of organisations (StandingService; specialists' in the registry of
 * src/modules/specialist-services). `withdrawals` are the areas' rules for an excluded
 * organisation's open orders.
 */
export function createParticipantsModule(core: CoreServices, withdrawals: OrganisationWithdrawal[]) {
  const repo = new ParticipantsRepository();
  return {
    staff: new StaffService(core, repo),
    standing: new StandingService(core, repo, withdrawals),
  };
}

export type ParticipantsModule = ReturnType<typeof createParticipantsModule>;
