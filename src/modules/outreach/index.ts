import type { CoreServices } from '../index.js';
import { OutreachRepository } from './repository.js';
import { OutreachService } from './outreach-service.js';

/** People without a БМГ phone (rules, item 9): the local executive body's list and the counts. */
export function createOutreachModule(core: CoreServices) {
  return { service: new OutreachService(core, new OutreachRepository()) };
}

export type OutreachModule = ReturnType<typeof createOutreachModule>;
