/**
 * The dev PKI in two steps (`npm start` serves before the demo keys are made): the trust anchors
 * first, final from the start; the keys after, behind the lock, appearing only complete; an
 * interrupted generation finished at the next start; the start page's list and the key downloads
 * while the keys are made, once they are, and when their generation failed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { demoPeople, loadDemoPeople, trackDemoKeys } from '../../../src/devstand/demo-people.js';
import { ORGANISATIONS, PEOPLE } from '../../../src/devstand/people.js';
import {
  BAD_KEYS,
  devKey,
  devPkiPaths,
  ensureDevPki,
  ensureDevPkiStaged,
  loadManifest,
  type ManifestEntry,
} from '../../../src/devstand/pki.js';
import { devRoutes } from '../../../src/devstand/routes.js';
import { parseCrl } from '../../../src/eds/crl.js';
import { signXml } from '../../../src/eds/signer.js';
import { TrustStore } from '../../../src/eds/trust-store.js';
import { verifySignedXml } from '../../../src/eds/verify.js';
import type { DevMailbox } from '../../../src/modules/dev-stand-port.js';
import { codeOf, orderXml } from '../eds/fixtures.js';

const KEYS = ['r01', 'r02', 'e01'];
const people = PEOPLE.filter((p) => KEYS.includes(p.key));
const opts = { people, organisations: ORGANISATIONS };
const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-pki-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The serials (upper-case hex) of a manifest entry's two files. */
const serialsOf = (e: ManifestEntry) =>
  [e.auth, e.sign].map((f) => /_([0-9a-f]{40})\.p12$/.exec(f)![1]!.toUpperCase());

/** The trust store verifies r01's signature and refuses the revoked key's. */
function checkTrust(trust: TrustStore, dataDir: string): void {
  const iin = people.find((p) => p.key === 'r01')!.iin;
  const signed = signXml(orderXml(iin), devKey(dataDir, 'r01', 'SIGN'));
  expect(verifySignedXml(signed, { trust, expect: 'SIGN' }).cert.iin).toBe(iin);
  const revoked = signXml(orderXml(iin), devKey(dataDir, 'revoked', 'SIGN'));
  expect(codeOf(() => verifySignedXml(revoked, { trust, expect: 'SIGN' }))).toBe('EDS_CERT_REVOKED');
}

describe('the dev PKI in two steps', () => {
  it('the anchors and CRLs come first, final: the trust store loads them before the keys exist', async () => {
    const dir = tempDir();
    const p = devPkiPaths(dir);
    const staged = await ensureDevPkiStaged(dir, { ...opts, primeConcurrency: 1 });
    expect(staged.anchors.generated).toBe(true);
    for (const f of [p.root, p.ca, p.crl, p.rootCrl]) expect(fs.existsSync(f), f).toBe(true);
    // no manifest until every key file is there
    expect(fs.existsSync(p.manifest)).toBe(false);
    expect(staged.manifest.map((e) => e.key)).toEqual([...KEYS, ...BAD_KEYS]);
    const ca = fs.readFileSync(p.ca, 'utf8');
    const trust = TrustStore.fromDirectory(p.pkiDir);
    expect(trust.health().ok).toBe(true);
    // the revoked key's serials, chosen up front, are on the CRL the store read
    const revoked = serialsOf(staged.manifest.find((e) => e.status === 'revoked')!);
    for (const s of revoked) expect(trust.isRevoked(s)).toBe(true);
    expect(serialsOf(staged.manifest.find((e) => e.key === 'r01')!).some((s) => trust.isRevoked(s))).toBe(
      false,
    );

    // another caller waits for the keys (one generator per data directory) and finds them complete
    const [summary, again] = await Promise.all([staged.keys, ensureDevPki(dir, opts)]);
    expect(summary).toMatchObject({
      generated: true,
      people: KEYS.length + 4,
      keyFiles: 2 * (KEYS.length + 4),
    });
    expect(again.generated).toBe(false);
    expect(loadManifest(dir)).toEqual(staged.manifest);
    // the CA the store read is the one that issued the keys; nothing replaced it
    expect(fs.readFileSync(p.ca, 'utf8')).toBe(ca);
    checkTrust(trust, dir);
    expect(fs.existsSync(path.join(dir, '.keys-build'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.keys-plan.json'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.pki.lock'))).toBe(false);
  }, 120_000);

  it('a start killed while it made the keys leaves no manifest; the next ensure finishes the build with the same CA', async () => {
    const dir = tempDir();
    const p = devPkiPaths(dir);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./pki-child.ts', import.meta.url)), dir, ...KEYS],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const build = path.join(dir, '.keys-build');
    const finished = () =>
      fs.existsSync(build) ? fs.readdirSync(build).filter((f) => !f.includes('.part-')) : [];
    // the child makes the first holder's keys and then waits forever (pki-child.ts): a state, not a race
    for (let i = 0; i < 4000 && finished().length === 0 && !out.includes('keys'); i++)
      await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await exited;
    expect(out).toBe('anchors\n');

    // what the killed start left: the anchors, its plan, a part of the keys, its lock; no manifest
    const kept = finished();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(KEYS.length + 4);
    expect(fs.existsSync(p.manifest)).toBe(false);
    expect(fs.readFileSync(path.join(dir, '.pki.lock'), 'utf8')).toBe(String(child.pid));
    const plan = JSON.parse(fs.readFileSync(path.join(dir, '.keys-plan.json'), 'utf8')) as {
      keys: Array<{ entry: ManifestEntry }>;
    };
    const ca = fs.readFileSync(p.ca, 'utf8');
    const crl = fs.readFileSync(p.crl, 'utf8');
    const early = plan.keys.find((k) => k.entry.key === kept[0])!.entry;
    const earlyFile = fs.readFileSync(path.join(build, early.auth));

    const s = await ensureDevPki(dir, opts);
    expect(s.generated).toBe(true);
    // finished, not begun again: the plan's files, the ones made before the kill kept as they were
    expect(loadManifest(dir)).toEqual(plan.keys.map((k) => k.entry));
    expect(fs.readFileSync(path.join(p.keysDir, early.auth)).equals(earlyFile)).toBe(true);
    expect(fs.readFileSync(p.ca, 'utf8')).toBe(ca);
    expect(fs.readFileSync(p.crl, 'utf8')).toBe(crl);
    for (const e of loadManifest(dir)) {
      expect(fs.existsSync(path.join(p.keysDir, e.auth))).toBe(true);
      expect(fs.existsSync(path.join(p.keysDir, e.sign))).toBe(true);
    }
    expect(fs.existsSync(path.join(p.keysDir, 'foreign', 'foreign-ca.pem'))).toBe(true);
    checkTrust(TrustStore.fromDirectory(p.pkiDir), dir);
    for (const f of ['.keys-build', '.keys-plan.json', '.pki.lock'])
      expect(fs.existsSync(path.join(dir, f)), f).toBe(false);
    expect(fs.readdirSync(p.keysDir).filter((f) => f.includes('.part-'))).toEqual([]);
  }, 120_000);

  it('keys without their manifest, a stale build and a plan of another CA: new keys of the same CA, the new revoked serials on its CRL', async () => {
    const dir = tempDir();
    const p = devPkiPaths(dir);
    await ensureDevPki(dir, opts);
    const ca = fs.readFileSync(p.ca, 'utf8');
    const oldRevoked = serialsOf(loadManifest(dir).find((e) => e.status === 'revoked')!);
    fs.rmSync(p.manifest);
    fs.mkdirSync(path.join(dir, '.pki-build-999999999-abcd', 'pki'), { recursive: true });
    fs.mkdirSync(path.join(dir, '.keys-build', 'r01'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.keys-build', 'r01', 'stray.p12'), 'not a key');
    fs.writeFileSync(
      path.join(dir, '.keys-plan.json'),
      JSON.stringify({ ca: 'another', made: '', keys: [] }),
    );

    const staged = await ensureDevPkiStaged(dir, opts);
    expect(staged.anchors.generated).toBe(false);
    expect(staged.anchors.crlRefreshed).toBe(true);
    const newRevoked = serialsOf(staged.manifest.find((e) => e.status === 'revoked')!);
    // before the keys are made, the CRL already lists the new revoked serials (and still the old)
    const listed = parseCrl(fs.readFileSync(p.crl)).revoked;
    for (const s of [...oldRevoked, ...newRevoked]) expect(listed.has(s)).toBe(true);
    await staged.keys;
    expect(fs.readFileSync(p.ca, 'utf8')).toBe(ca);
    expect(loadManifest(dir)).toEqual(staged.manifest);
    expect(fs.existsSync(path.join(p.keysDir, 'r01', 'stray.p12'))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.pki-build-') || f.startsWith('.keys-'))).toEqual(
      [],
    );
    checkTrust(TrustStore.fromDirectory(p.pkiDir), dir);
  }, 120_000);
});

describe('the start page’s list and the key downloads while the keys are made', () => {
  const mailbox = {} as DevMailbox;
  const db = {} as Knex;

  it('list every person at once with the final links; a download waits for its file; then the manifest’s list', async () => {
    const dir = tempDir();
    const staged = await ensureDevPkiStaged(dir, { ...opts, primeConcurrency: 1 });
    const keys = trackDemoKeys(staged.manifest, staged.keys);
    expect(keys.state()).toBe('pending');
    const pending = await demoPeople(dir, keys);
    expect(pending.map((r) => r.key)).toEqual([...KEYS, ...BAD_KEYS]);
    for (const r of pending) expect(r.auth && r.sign).toBeTruthy();
    // nothing half made: the list is the one the finished manifest gives
    expect(await loadDemoPeople(dir)).toEqual([]);

    const app = express().use(devRoutes(mailbox, dir, db, keys));
    const r01 = pending.find((r) => r.key === 'r01')!;
    const res = await request(app)
      .get(`/dev/keys/${r01.auth}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(keys.state()).toBe('ready');
    expect(Buffer.from(res.body as Buffer).equals(fs.readFileSync(path.join(dir, 'keys', r01.auth!)))).toBe(
      true,
    );
    expect(await demoPeople(dir, keys)).toEqual(pending);
    expect(await loadDemoPeople(dir)).toEqual(pending);
  }, 120_000);

  it('when the generation failed: the people without links, with the error; a download answers 503 with it', async () => {
    const dir = tempDir();
    const manifest = (await ensureDevPkiStaged(dir, opts)).manifest;
    await ensureDevPki(dir, opts);
    const keys = trackDemoKeys(manifest, Promise.reject(new Error('no space left on device')));
    await expect(keys.ready).rejects.toThrow('no space left');
    expect(keys.state()).toBeInstanceOf(Error);
    const rows = await demoPeople(dir, keys);
    expect(rows).toHaveLength(manifest.length);
    for (const r of rows) {
      expect(r.auth).toBeUndefined();
      expect(r.note).toContain('no space left on device');
    }
    const app = express().use(devRoutes(mailbox, dir, db, keys));
    const res = await request(app).get(`/dev/keys/${manifest[0]!.auth}`);
    expect(res.status).toBe(503);
    expect(res.text).toContain('no space left on device');
  }, 120_000);
});
