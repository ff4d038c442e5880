import type { CoreServices } from '../index.js';
import { OrganisationCardService } from './card-service.js';
import { RegistrationService } from './registration-service.js';
import { RegistrationRepository } from './registration-repository.js';
import { ParticipantsRepository } from './repository.js';
import { StaffService } from './staff-service.js';
import { StandingService, type OrganisationWithdrawal } from './standing-service.js';

/**
 * The participants: supplier registration by EDS and the organisation card (RegistrationService,
 * OrganisationCardService), an organisation's own staff (StaffService) and the administrator's
 * suspension and exclusion of organisations (StandingService; specialists' in the registry of
 * src/modules/specialist-services). `withdrawals` are the areas' rules for an excluded
 * organisation's open orders.
 */
export function createParticipantsModule(core: CoreServices, withdrawals: OrganisationWithdrawal[]) {
  const repo = new ParticipantsRepository();
  const registrationRepo = new RegistrationRepository();
  return {
    registration: new RegistrationService(core, registrationRepo),
    card: new OrganisationCardService(core, registrationRepo),
    staff: new StaffService(core, repo),
    standing: new StandingService(core, repo, withdrawals),
  };
}

export type ParticipantsModule = ReturnType<typeof createParticipantsModule>;
