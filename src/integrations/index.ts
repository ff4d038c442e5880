import type { Knex } from 'knex';
import type { Config } from '../config.js';
import { devIntegrations } from './dev.js';
import { httpESobes, httpIntegrations } from './http.js';
import type { Integrations } from './ports.js';

export type { Integrations } from './ports.js';

/**
 * Picks the adapters: the dev stand's local ones outside production (except Е-Собес when ESOBES_URL
 * names a test stand of it); in production the HTTP adapters, and startup fails naming every state
 * system that has no address configured.
 */
export function createIntegrations(config: Config, db: Knex): Integrations {
  if (!config.isProduction) {
    const dev = devIntegrations(db);
    return config.ESOBES_URL
      ? { ...dev, esobes: httpESobes(config.ESOBES_URL, config.ESOBES_API_TOKEN) }
      : dev;
  }
  const required = {
    PERSON_REGISTRY_URL: config.PERSON_REGISTRY_URL,
    MOBILE_BASE_URL: config.MOBILE_BASE_URL,
    SMS_GATEWAY_URL: config.SMS_GATEWAY_URL,
    ESOBES_URL: config.ESOBES_URL,
  };
  const missing = Object.entries(required)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0) {
    throw new Error(
      `Production needs a real adapter for every state system; not configured: ${missing.join(', ')} ` +
        '(the dev-stand adapters run only outside production)',
    );
  }
  return httpIntegrations({
    personRegistry: required.PERSON_REGISTRY_URL!,
    mobileBase: required.MOBILE_BASE_URL!,
    sms: required.SMS_GATEWAY_URL!,
    esobes: required.ESOBES_URL!,
    kazpostTracking: config.KAZPOST_TRACKING_URL,
    ...(config.ESOBES_API_TOKEN ? { token: config.ESOBES_API_TOKEN } : {}),
  });
}
