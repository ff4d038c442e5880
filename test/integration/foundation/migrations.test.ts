import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Knex } from 'knex';
import { createKnex } from '../../../src/db/knex.js';
import { migrateLatest, migrationConfig } from '../../../src/db/migrator.js';
import { withDatabase } from '../../support/global-setup.js';

const name = `portal_migrations_${crypto.randomBytes(4).toString('hex')}`;
let db: Knex;

async function schema(k: Knex): Promise<string> {
  const columns = await k.raw(`
    select table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema = 'public' order by table_name, column_name`);
  const indexes = await k.raw(
    `select indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname`,
  );
  const constraints = await k.raw(`
    select conname, pg_get_constraintdef(c.oid) as def from pg_constraint c
    join pg_namespace n on n.oid = c.connamespace where n.nspname = 'public' order by conname`);
  const triggers = await k.raw(`select tgname from pg_trigger where not tgisinternal order by tgname`);
  return JSON.stringify([columns.rows, indexes.rows, constraints.rows, triggers.rows]);
}

beforeAll(async () => {
  const admin = createKnex(inject('adminDatabaseUrl'), 1);
  await admin.raw(`create database ${name} template template0`);
  await admin.destroy();
  db = createKnex(withDatabase(inject('adminDatabaseUrl'), name), 2);
});
afterAll(async () => {
  await db?.destroy();
  const admin = createKnex(inject('adminDatabaseUrl'), 1);
  await admin.raw(`drop database if exists ${name} with (force)`);
  await admin.destroy();
});

describe('migrations', () => {
  it('run latest → rollback all → latest on an empty database with the same schema', async () => {
    const applied = await migrateLatest(db);
    expect(applied.length).toBeGreaterThan(4);
    const first = await schema(db);
    await db.migrate.rollback(migrationConfig(), true);
    const tables = await db.raw(
      `select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'knex_%'`,
    );
    expect(tables.rows).toEqual([]);
    await migrateLatest(db);
    expect(await schema(db)).toBe(first);
  });

  it('keep signed documents immutable in the database itself', async () => {
    await db('persons').insert({
      iin: '600512310006',
      surname: 'Т',
      name: 'Т',
      birth_date: '1960-05-12',
      sex: 'M',
    });
    const [req] = await db('sign_requests')
      .insert({
        id: crypto.randomUUID(),
        kind: 'order',
        purpose: 'test',
        key_type: 'SIGN',
        xml: '<a/>',
        xml_sha256: 'x',
        expires_at: new Date(),
      })
      .returning('id');
    const [doc] = await db('signed_documents')
      .insert({
        sign_request_id: req.id,
        kind: 'order',
        purpose: 'test',
        signer_iin: '600512310006',
        signer_name: 'Т',
        cert_serial: '1',
        cert_issuer: 'x',
        cert_subject: 'x',
        cert_not_before: new Date(),
        cert_not_after: new Date(),
        cert_fingerprint: 'x',
        signed_xml: '<a/>',
        signed_xml_sha256: 'x',
        verification: '{}',
      })
      .returning('id');
    await expect(db('signed_documents').where({ id: doc.id }).update({ signed_xml: '<b/>' })).rejects.toThrow(
      /cannot be changed/,
    );
    await expect(db('signed_documents').where({ id: doc.id }).delete()).rejects.toThrow(/cannot be changed/);
    await expect(db.raw('truncate signed_documents cascade')).rejects.toThrow(/cannot be changed/);
    const kept = await db('signed_documents').where({ id: doc.id }).first();
    expect(kept.signed_xml).toBe('<a/>');
  });
});
