import type { CoreServices } from '../index.js';
import { PrintablesService } from './printables-service.js';
import { VerificationRepository } from './repository.js';
import { VerificationService } from './verification-service.js';

export { verificationBlockFor, normaliseCode, maskedSignerName } from './codes.js';

/**
 * Documents anyone can verify: the public check of a signed document by the code printed on its PDF,
 * and the printable documents made from signed documents («Мои Направления», the МСУ referral, the
 * goods hand-over).
 */
export function createVerificationModule(core: CoreServices) {
  const repo = new VerificationRepository();
  return {
    check: new VerificationService(core, repo),
    printables: new PrintablesService(core, repo),
  };
}

export type VerificationModule = ReturnType<typeof createVerificationModule>;
