/** Shared fixtures of the EDS unit tests: a small dev PKI in a temp DATA_DIR and document helpers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ORGANISATIONS, PEOPLE, type DemoPerson } from '../../../src/devstand/people.js';
import { renderDocument } from '../../../src/eds/documents.js';
import { EdsError, type EdsErrorCode } from '../../../src/eds/errors.js';
import { devKey, ensureDevPki, type DevKey } from '../../../src/devstand/pki.js';
import { TrustStore } from '../../../src/eds/trust-store.js';
import { verifySignedXml, type VerifyOptions } from '../../../src/eds/verify.js';

export const SMALL_SET = ['r01', 'r02', 'g01', 'r06', 'e01'];

export interface Pki {
  dataDir: string;
  trust: TrustStore;
  key(person: string, type: 'AUTH' | 'SIGN'): DevKey;
  person(key: string): DemoPerson;
  cleanup(): void;
}

export async function setupPki(keys: string[] = SMALL_SET): Promise<Pki> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eds-test-'));
  const people = PEOPLE.filter((p) => keys.includes(p.key));
  await ensureDevPki(dataDir, { people, organisations: ORGANISATIONS });
  const trust = TrustStore.fromDirectory(path.join(dataDir, 'pki'));
  return {
    dataDir,
    trust,
    key: (person, type) => devKey(dataDir, person, type),
    person: (key) => {
      const p = PEOPLE.find((x) => x.key === key);
      if (!p) throw new Error(key);
      return p;
    },
    cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

export function orderXml(actorIin: string, extra: Record<string, string> = {}): string {
  return renderDocument('order', {
    actorIin,
    actorName: 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ',
    object: { type: 'msu-application', id: 42, version: 3 },
    issuedAt: '2025-04-01T09:00:00.000Z',
    fields: {
      title: 'Направление в КГУ «Центр № 1» & <тест>',
      decision: 'approved',
      beds: 1,
      items: [
        { code: 'A1', qty: 2 },
        { code: 'B2', qty: 1 },
      ],
      ...extra,
    },
  });
}

/** Runs fn and returns the EdsError code it threw; fails on success or on another error type. */
export function codeOf(fn: () => unknown): EdsErrorCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof EdsError) return e.code;
    throw new Error(`expected EdsError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  throw new Error('expected an EdsError, but the call succeeded');
}

export function verifyCode(xml: string, opts: VerifyOptions): EdsErrorCode {
  return codeOf(() => verifySignedXml(xml, opts));
}
