import type { Knex } from 'knex';
import type { Config } from '../config.js';
import { devIntegrations } from './dev.js';
import type { Integrations } from './ports.js';

export type { Integrations } from './ports.js';

/**
 * Picks the adapters. This build ships only the dev-stand adapters: production refuses to start
 * until real ones are configured, naming every missing setting at once.
 */
export function createIntegrations(config: Config, db: Knex): Integrations {
  if (config.isProduction) {
    const missing = (
      [
        ['PERSON_REGISTRY_URL', config.PERSON_REGISTRY_URL],
        ['MOBILE_BASE_URL', config.MOBILE_BASE_URL],
        ['SMS_GATEWAY_URL', config.SMS_GATEWAY_URL],
        ['ESOBES_URL', config.ESOBES_URL],
      ] as const
    )
      .filter(([, v]) => !v)
      .map(([k]) => k);
    if (missing.length > 0) {
      throw new Error(`Production needs real state-system adapters; not configured: ${missing.join(', ')}`);
    }
    throw new Error(
      'Production adapters for ГБД ФЛ, БМГ, the SMS gateway and Е-Собес are not part of this build; ' +
        'run with NODE_ENV=development for the dev stand',
    );
  }
  return devIntegrations(db);
}
