import type { Config } from '../config.js';
import { httpIntegrations } from './http.js';
import type { Integrations } from './ports.js';

export type { Integrations } from './ports.js';

/**
 * The HTTP adapters of the state systems; startup fails naming every state system that has no
 * address configured. (Outside production the dev stand supplies its local adapters instead:
 * src/devstand/integrations.ts, passed to buildServices.)
 */
export function createIntegrations(config: Config): Integrations {
  const required = {
    PERSON_REGISTRY_URL: config.PERSON_REGISTRY_URL,
    MOBILE_BASE_URL: config.MOBILE_BASE_URL,
    SMS_GATEWAY_URL: config.SMS_GATEWAY_URL,
    ESOBES_URL: config.ESOBES_URL,
    GUARDIANSHIP_REGISTRY_URL: config.GUARDIANSHIP_REGISTRY_URL,
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
    // the entrepreneur and health registries answer through the same e-government gateway unless
    // they have addresses of their own
    ...(config.ENTREPRENEUR_REGISTRY_URL ? { entrepreneurRegistry: config.ENTREPRENEUR_REGISTRY_URL } : {}),
    ...(config.HEALTH_REGISTRY_URL ? { healthRegistry: config.HEALTH_REGISTRY_URL } : {}),
    guardianshipRegistry: required.GUARDIANSHIP_REGISTRY_URL!,
    kazpostTracking: config.KAZPOST_TRACKING_URL,
    ...(config.ESOBES_API_TOKEN ? { token: config.ESOBES_API_TOKEN } : {}),
  });
}
