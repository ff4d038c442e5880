import type { CoreServices } from '../index.js';
import { OrganisationCardService } from './card-service.js';
import { RegistrationService } from './registration-service.js';
import { ParticipantsRepository } from './repository.js';

/** Participants joining the portal: supplier registration by EDS and the organisation card. */
export function createParticipantsModule(core: CoreServices) {
  const repo = new ParticipantsRepository();
  return {
    registration: new RegistrationService(core, repo),
    card: new OrganisationCardService(core, repo),
  };
}

export type ParticipantsModule = ReturnType<typeof createParticipantsModule>;
