import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, uploadActionFrom } from '../../support/http.js';
import { CHUNK_BYTES, importLegacyFiles } from '../../../src/modules/files/index.js';
import { createLogger } from '../../../src/logger.js';

/** A PDF by its signature, larger than three chunks of the store, its bytes random. */
function bigPdf(): Buffer {
  return Buffer.concat([
    Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
    crypto.randomBytes(3 * CHUNK_BYTES + 12345),
  ]);
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

async function largeObjects(ctx: TestContext): Promise<number> {
  const r = await ctx.db.raw<{ rows: { n: string }[] }>('select count(*) as n from pg_largeobject_metadata');
  return Number(r.rows[0]!.n);
}

/** Collects a binary response body as a Buffer. */
function collect(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => done(null, Buffer.concat(parts)));
}
const binary = collect as unknown as (res: unknown, cb: (err: Error | null, body: unknown) => void) => void;

describe('files in PostgreSQL (any instance serves them)', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('stores a file of several chunks with its row, serves it whole and by range, and removes it with its row', async () => {
    const surdo = await loginAs(ctx, 'e06');
    const orgId = Number(
      ((await ctx.db('organisations').where({ name: 'ТОО «Сурдотехника KZ»' }).first()) as { id: number }).id,
    );
    const pdf = bigPdf();
    const objectsBefore = await largeObjects(ctx);
    const page = await surdo.get('/supplier/documents').expect(200);
    const fields = {
      docType: 'licence',
      title: 'Лицензия',
      number: 'KZ-01-0001',
      issuedBy: 'Управление',
      validFrom: '2025-01-10',
    };
    let req = surdo.post(uploadActionFrom(page.text)).field('_csrf', csrfFrom(page.text));
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    await req.attach('file', pdf, { filename: 'licence.pdf', contentType: 'application/pdf' }).expect(303);

    const doc = (await ctx
      .db('organisation_documents')
      .where({ organisation_id: orgId, number: 'KZ-01-0001' })
      .first()) as {
      id: number;
      stored_name: string;
    };
    const stored = (await ctx.db('stored_files').where({ name: doc.stored_name }).first()) as {
      sha256: string;
      size: string;
      content_type: string;
    };
    expect(stored).toMatchObject({ sha256: sha(pdf), content_type: 'application/pdf' });
    expect(Number(stored.size)).toBe(pdf.length);
    expect(await largeObjects(ctx)).toBe(objectsBefore + 1);
    // nothing under DATA_DIR
    expect(fs.existsSync(path.join(ctx.dataDir, 'uploads', 'documents', doc.stored_name))).toBe(false);

    const recipient = await loginAs(ctx, 'r12');
    const url = `/organisations/${orgId}/documents/${doc.id}`;
    const whole = await recipient.get(url).buffer(true).parse(binary).expect(200);
    expect(whole.headers['content-type']).toBe('application/pdf');
    expect(whole.headers['content-disposition']).toMatch(/^attachment/);
    expect(whole.headers['content-length']).toBe(String(pdf.length));
    expect(whole.headers['x-content-type-options']).toBe('nosniff');
    expect(whole.headers['cache-control']).toBe('private, max-age=300');
    expect(sha(whole.body as Buffer)).toBe(sha(pdf));

    // a range across a chunk boundary, and a conditional GET
    const start = CHUNK_BYTES - 10;
    const end = 2 * CHUNK_BYTES + 5;
    const part = await recipient
      .get(url)
      .set('Range', `bytes=${start}-${end}`)
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${pdf.length}`);
    expect(Buffer.compare(part.body as Buffer, pdf.subarray(start, end + 1))).toBe(0);
    await recipient
      .get(url)
      .set('If-None-Match', whole.headers.etag as string)
      .expect(304);
    await recipient.get(url).set('Range', `bytes=${pdf.length}-`).expect(416);

    // deleting the document deletes the file and its large object in the same transaction
    const list = await surdo.get('/supplier/documents').expect(200);
    await surdo
      .post(`/supplier/documents/${doc.id}/delete`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text) })
      .expect(303);
    expect(await ctx.db('stored_files').where({ name: doc.stored_name }).first()).toBeUndefined();
    expect(await largeObjects(ctx)).toBe(objectsBefore);
    await recipient.get(url).expect(404);
  });

  it('writes nothing when the transaction of the row rolls back', async () => {
    const before = await largeObjects(ctx);
    const name = `${crypto.randomUUID()}.pdf`;
    await expect(
      ctx.db.transaction(async (tx) => {
        await ctx.services.files.put(tx, { buffer: bigPdf() }, { name, contentType: 'application/pdf' });
        throw new Error('the row could not be stored');
      }),
    ).rejects.toThrow('the row could not be stored');
    expect(await ctx.db('stored_files').where({ name }).first()).toBeUndefined();
    expect(await largeObjects(ctx)).toBe(before);
    expect(await ctx.services.files.find(name)).toBeNull();
  });

  it('moves the files kept under DATA_DIR before into the database once, each only once', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-legacy-'));
    const goods = (await ctx.db('goods').orderBy('id').first()) as { id: number };
    const name = `${crypto.randomUUID()}.png`;
    const content = crypto.randomBytes(CHUNK_BYTES + 100);
    fs.mkdirSync(path.join(dataDir, 'uploads', 'goods'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'uploads', 'goods', name), content);
    const missing = `${crypto.randomUUID()}.png`;
    await ctx.db('goods_photos').insert([
      { goods_id: goods.id, stored_name: name, content_type: 'image/png', size_bytes: content.length },
      { goods_id: goods.id, stored_name: missing, content_type: 'image/png', size_bytes: 10 },
    ]);
    const logger = createLogger('silent');

    const first = await importLegacyFiles(ctx.db, ctx.services.files, dataDir, logger);
    expect(first.imported).toBe(1);
    expect(first.missing).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(path.join(dataDir, 'uploads', 'goods', name))).toBe(false);
    expect(sha((await ctx.services.files.readAll(name))!)).toBe(sha(content));
    // a second start finds nothing more to move
    expect((await importLegacyFiles(ctx.db, ctx.services.files, dataDir, logger)).imported).toBe(0);
    expect(await ctx.db('stored_files').where({ name }).pluck('id')).toHaveLength(1);
  });
});
