import fs from 'node:fs/promises';
import path from 'node:path';
import type { DemoPersonRow } from '../web/dev-stand.js';
import { PEOPLE } from './people.js';

/** The dev stand's start page lists the seeded people with their key files (var/keys/manifest.json). */
export async function loadDemoPeople(dataDir: string): Promise<DemoPersonRow[]> {
  let manifest: {
    key?: string;
    iin: string;
    name: string;
    roles: string[];
    auth: string;
    sign: string;
    status: string;
  }[] = [];
  try {
    manifest = JSON.parse(await fs.readFile(path.join(dataDir, 'keys', 'manifest.json'), 'utf8'));
  } catch {
    manifest = [];
  }
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
