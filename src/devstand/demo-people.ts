import fs from 'node:fs/promises';
import path from 'node:path';
import type { DemoPersonRow } from '../web/dev-stand.js';
import { PEOPLE } from './people.js';
import type { ManifestEntry } from './pki.js';

type Listed = Pick<ManifestEntry, 'iin' | 'name' | 'roles' | 'auth' | 'sign' | 'status'> & { key?: string };

/**
 * The demo keys of this start while `npm start` makes them after the portal listens: the entries
 * manifest.json will hold (final before the files exist: their serials are chosen up front) and the
 * generation's state.
 */
export interface DemoKeys {
  readonly manifest: readonly ManifestEntry[];
  /** settles once every key file and manifest.json are in place (rejects with the generation's error) */
  readonly ready: Promise<void>;
  state(): 'pending' | 'ready' | Error;
}

/** Follows a generation of the demo keys (`keys` settles when it ends). */
export function trackDemoKeys(manifest: readonly ManifestEntry[], keys: Promise<unknown>): DemoKeys {
  let state: 'pending' | 'ready' | Error = 'pending';
  const ready = keys.then(
    () => {
      state = 'ready';
    },
    (e: unknown) => {
      state = e instanceof Error ? e : new Error(String(e));
      throw state;
    },
  );
  // those who wait for it (the key downloads) see the error; nobody waiting is no unhandled rejection
  ready.catch(() => undefined);
  return { manifest, ready, state: () => state };
}

function rows(manifest: readonly Listed[]): DemoPersonRow[] {
  const notes = new Map(PEOPLE.map((p) => [p.key, p.note]));
  return manifest.map((m) => ({
    key: m.key ?? m.iin,
    name: m.name,
    iin: m.iin,
    roles: m.roles,
    note: (m.key && notes.get(m.key)) || '',
    status: m.status,
    auth: m.auth,
    sign: m.sign,
  }));
}

/** The dev stand's start page lists the seeded people with their key files (var/keys/manifest.json). */
export async function loadDemoPeople(dataDir: string): Promise<DemoPersonRow[]> {
  let manifest: Listed[] = [];
  try {
    manifest = JSON.parse(await fs.readFile(path.join(dataDir, 'keys', 'manifest.json'), 'utf8'));
  } catch {
    manifest = [];
  }
  return rows(manifest);
}

/**
 * The start page's list while this start makes the demo keys (`keys`): every person with the links of
 * the files to come (a download waits for them: routes.ts), never a part of the list. Once they are
 * there, manifest.json's; when their generation failed, the people without links, with its error.
 */
export async function demoPeople(dataDir: string, keys: DemoKeys | null): Promise<DemoPersonRow[]> {
  const state = keys ? keys.state() : 'ready';
  if (!keys || state === 'ready') return loadDemoPeople(dataDir);
  if (state === 'pending') return rows(keys.manifest);
  return rows(keys.manifest).map(({ auth: _auth, sign: _sign, ...row }) => ({
    ...row,
    note: `ключи не созданы: ${state.message} (подробности в журнале; перезапустите портал)`,
  }));
}
