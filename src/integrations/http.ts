import { z } from 'zod';
import type {
  DispensaryCertificate,
  EntrepreneurRecord,
  EntrepreneurRegistry,
  ESobes,
  GuardianshipRegistry,
  HealthRegistry,
  Integrations,
  LegalEntityRecord,
  OrganisationRegistry,
  RegistryPerson,
} from './ports.js';
import { isValidS10 } from './kazpost.js';

/**
 * HTTP adapters for production: each state system behind a gateway that speaks JSON.
 * Contract (relative to the configured base URL):
 *   GET  persons/{iin}            → RegistryPerson (404 when unknown)      PERSON_REGISTRY_URL
 *   GET  organisations/{bin}      → LegalEntityRecord, ГБД ЮЛ (404 when unknown) PERSON_REGISTRY_URL
 *   GET  entrepreneurs/{iin}      → EntrepreneurRecord (404 when not an entrepreneur)
 *                                   ENTREPRENEUR_REGISTRY_URL, else PERSON_REGISTRY_URL
 *   GET  dispensary-records/{iin} → DispensaryCertificate (404 when the registry has no answer)
 *                                   HEALTH_REGISTRY_URL, else PERSON_REGISTRY_URL
 *   GET  phones/{iin}             → { phone }                              MOBILE_BASE_URL
 *   POST messages {phone,text}    (Idempotency-Key header)                 SMS_GATEWAY_URL
 *   POST {topic} payload          (Idempotency-Key header)                 ESOBES_URL
 *   GET  guardians/{iin}/guardianships → { guardianships: [...] }          GUARDIANSHIP_REGISTRY_URL
 */
async function call(url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<Response> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok && res.status !== 404)
    throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname} answered ${res.status}`);
  return res;
}

function join(base: string, path: string): string {
  return base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}

function jsonHeaders(token?: string, key?: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(key ? { 'idempotency-key': key } : {}),
  };
}

/** Е-Собес behind its gateway: each message is POSTed to {topic} with its idempotency key. */
export function httpESobes(base: string, token?: string): ESobes {
  return {
    deliver: async ({ topic, idempotencyKey, payload }) => {
      await call(join(base, encodeURIComponent(topic)), {
        method: 'POST',
        headers: jsonHeaders(token, idempotencyKey),
        body: JSON.stringify(payload),
      });
    },
  };
}

/** ГБД ЮЛ behind the gateway. */
export function httpOrganisationRegistry(base: string, token?: string): OrganisationRegistry {
  return {
    findByBin: async (bin) => {
      const res = await call(join(base, `organisations/${encodeURIComponent(bin)}`), {
        headers: jsonHeaders(token),
      });
      return res.status === 404 ? null : ((await res.json()) as LegalEntityRecord);
    },
  };
}

/** The registry of individual entrepreneurs behind the gateway. */
export function httpEntrepreneurRegistry(base: string, token?: string): EntrepreneurRegistry {
  return {
    findByIin: async (iin) => {
      const res = await call(join(base, `entrepreneurs/${encodeURIComponent(iin)}`), {
        headers: jsonHeaders(token),
      });
      return res.status === 404 ? null : ((await res.json()) as EntrepreneurRecord);
    },
  };
}

/** The health registry's answer on psychiatric dispensary records behind the gateway. */
export function httpHealthRegistry(base: string, token?: string): HealthRegistry {
  return {
    dispensaryRecord: async (iin) => {
      const res = await call(join(base, `dispensary-records/${encodeURIComponent(iin)}`), {
        headers: jsonHeaders(token),
      });
      if (res.status === 404) return null;
      const body = (await res.json()) as DispensaryCertificate;
      // an answer without a definite yes or no is no confirmation
      return typeof body.onRecord === 'boolean' ? body : null;
    },
  };
}

export function httpIntegrations(urls: {
  personRegistry: string;
  entrepreneurRegistry?: string;
  healthRegistry?: string;
  guardianshipRegistry: string;
  mobileBase: string;
  sms: string;
  esobes: string;
  kazpostTracking: string;
  token?: string;
}): Integrations {
  const headers = (key?: string) => jsonHeaders(urls.token, key);
  return {
    personRegistry: {
      findByIin: async (iin) => {
        const res = await call(join(urls.personRegistry, `persons/${iin}`), { headers: headers() });
        return res.status === 404 ? null : ((await res.json()) as RegistryPerson);
      },
    },
    organisationRegistry: httpOrganisationRegistry(urls.personRegistry, urls.token),
    entrepreneurRegistry: httpEntrepreneurRegistry(
      urls.entrepreneurRegistry ?? urls.personRegistry,
      urls.token,
    ),
    healthRegistry: httpHealthRegistry(urls.healthRegistry ?? urls.personRegistry, urls.token),
    mobileBase: {
      phoneByIin: async (iin) => {
        const res = await call(join(urls.mobileBase, `phones/${iin}`), { headers: headers() });
        return res.status === 404 ? null : (((await res.json()) as { phone?: string }).phone ?? null);
      },
    },
    sms: {
      send: async ({ phone, text, idempotencyKey }) => {
        await call(join(urls.sms, 'messages'), {
          method: 'POST',
          headers: headers(idempotencyKey),
          body: JSON.stringify({ phone, text }),
        });
      },
    },
    email: {
      send: async ({ to, subject, text, idempotencyKey }) => {
        await call(join(urls.sms, 'emails'), {
          method: 'POST',
          headers: headers(idempotencyKey),
          body: JSON.stringify({ to, subject, text }),
        });
      },
    },
    esobes: httpESobes(urls.esobes, urls.token),
    kazpost: {
      trackingUrl: (track) => `${urls.kazpostTracking}${encodeURIComponent(track)}`,
      isValidTrackNumber: isValidS10,
    },
    guardianshipRegistry: httpGuardianshipRegistry(urls.guardianshipRegistry, urls.token),
  };
}

// ---- guardianships from the state (органы опеки и попечительства)

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const guardianshipAnswer = z.object({
  guardianships: z.array(
    z.object({
      wardIin: z.string().regex(/^\d{12}$/),
      kind: z.enum(['guardianship', 'trusteeship']),
      decision: z.object({ number: z.string().max(100), date: day, authority: z.string().max(500) }),
      validFrom: day,
      validUntil: day.nullish(),
      endedOn: day.nullish(),
    }),
  ),
});

/**
 * The guardianship registry behind its gateway: `GET guardians/{iin}/guardianships` answers
 * `{ guardianships: [...] }` (404: the registry knows no guardianship of this person). An answer of
 * another shape is an error, as is a failure: the caller treats both as «the registry did not answer».
 */
export function httpGuardianshipRegistry(base: string, token?: string): GuardianshipRegistry {
  return {
    wardsOf: async (guardianIin) => {
      const res = await call(join(base, `guardians/${guardianIin}/guardianships`), {
        headers: jsonHeaders(token),
      });
      if (res.status === 404) return [];
      const parsed = guardianshipAnswer.safeParse(await res.json());
      if (!parsed.success) throw new Error('the guardianship registry answered in an unknown shape');
      return parsed.data.guardianships;
    },
  };
}
