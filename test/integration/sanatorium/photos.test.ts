import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, uploadActionFrom, type Agent } from '../../support/http.js';
import { FAKE_PNG, PNG } from '../admin/fixtures.js';
import { textOf } from '../goods/helpers.js';
import { addPeriod, organisationId } from './helpers.js';

/** A small real PDF (the content, not the name, makes it one). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

describe('the sanatorium’s photos and its licence (issue 17 item 1)', () => {
  let ctx: TestContext;
  let e1: Agent; // san-e1, «Бурабай-Шипагер» (san-north)
  let e2: Agent; // san-e2, «Көкшетау-Жасыл» (san-lake)
  let r1: Agent;
  let northId: number;
  let periodId: number;
  const photoCount = async () =>
    Number(((await ctx.db('sanatorium_photos').count('* as n').first()) as { n: string | number }).n);
  const storedFiles = async () =>
    Number(((await ctx.db('stored_files').count('* as n').first()) as { n: string | number }).n);

  beforeAll(async () => {
    ctx = await createTestContext();
    e1 = await loginAs(ctx, 'san-e1');
    e2 = await loginAs(ctx, 'san-e2');
    r1 = await loginAs(ctx, 'san-r1');
    northId = await organisationId(ctx, 'san-north');
    periodId = await addPeriod(ctx, 'san-north', { inDays: 45, places: 5 });
  }, 120_000);
  afterAll(async () => ctx?.close());

  const uploadPhoto = async (agent: Agent, alt: string | null, file: Buffer, name: string, type: string) => {
    const page = await agent.get('/sanatorium-cabinet').expect(200);
    let req = agent.post(uploadActionFrom(page.text)).field('_csrf', csrfFrom(page.text));
    if (alt !== null) req = req.field('alt', alt);
    return req.attach('photo', file, { filename: name, contentType: type });
  };

  it('uploads a photo with its alternative text; the recipient sees it with the text and can load it', async () => {
    const res = await uploadPhoto(e1, 'Главный корпус, вход с пандусом', PNG, 'main.png', 'image/png');
    expect(res.status, res.text.slice(0, 1500)).toBe(303);
    const photo = (await ctx.db('sanatorium_photos').where({ organisation_id: northId }).first()) as {
      id: number;
      stored_name: string;
      alt: string;
    };
    expect(photo.alt).toBe('Главный корпус, вход с пандусом');
    expect(await ctx.db('stored_files').where({ name: photo.stored_name }).first('id')).toBeTruthy();

    const cabinet = await e1.get('/sanatorium-cabinet').expect(200);
    expect(textOf(cabinet.text)).toContain('Фотография добавлена.');
    expect(cabinet.text).toContain(
      `src="/sanatorium/photos/${photo.id}" alt="Главный корпус, вход с пандусом"`,
    );

    const period = await r1.get(`/sanatorium/periods/${periodId}`).expect(200);
    expect(period.text).toContain(
      `src="/sanatorium/photos/${photo.id}" alt="Главный корпус, вход с пандусом"`,
    );
    const served = await r1.get(`/sanatorium/photos/${photo.id}`).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(served.body as Buffer, PNG)).toBe(0);
  });

  it('refuses a file that is not an image, and a photo without its text, in Russian, storing nothing', async () => {
    const rows = await photoCount();
    const files = await storedFiles();
    const fake = await uploadPhoto(e1, 'Бассейн', FAKE_PNG, 'pool.png', 'image/png');
    expect(fake.status).toBe(400);
    expect(textOf(fake.text)).toContain('Файл не является изображением JPEG, PNG или WebP.');
    const noAlt = await uploadPhoto(e1, '   ', PNG, 'pool.png', 'image/png');
    expect(noAlt.status).toBe(400);
    expect(textOf(noAlt.text)).toContain('Опишите, что на фотографии.');
    const noFile = await uploadPhoto(e1, 'Бассейн', Buffer.alloc(0), 'pool.png', 'image/png');
    expect(noFile.status).toBe(400);
    expect(await photoCount()).toBe(rows);
    expect(await storedFiles()).toBe(files);
  });

  it('another organisation’s employee cannot remove the photo (404); the own employee removes it with its file', async () => {
    const photo = (await ctx.db('sanatorium_photos').where({ organisation_id: northId }).first()) as {
      id: number;
      stored_name: string;
    };
    const other = await e2.get('/sanatorium-cabinet').expect(200);
    await e2
      .post(`/sanatorium-cabinet/photos/${photo.id}/delete`)
      .type('form')
      .send({ _csrf: csrfFrom(other.text) })
      .expect(404);
    expect(await ctx.db('sanatorium_photos').where({ id: photo.id }).first('id')).toBeTruthy();

    const own = await e1.get('/sanatorium-cabinet').expect(200);
    await e1
      .post(`/sanatorium-cabinet/photos/${photo.id}/delete`)
      .type('form')
      .send({ _csrf: csrfFrom(own.text) })
      .expect(303);
    expect(await ctx.db('sanatorium_photos').where({ id: photo.id }).first('id')).toBeUndefined();
    expect(await ctx.db('stored_files').where({ name: photo.stored_name }).first('id')).toBeUndefined();
    await r1.get(`/sanatorium/photos/${photo.id}`).expect(404);
    const period = await r1.get(`/sanatorium/periods/${periodId}`).expect(200);
    expect(period.text).not.toContain(`/sanatorium/photos/${photo.id}`);
  });

  it('the licence: the cabinet links to «Лицензия и документы»; the recipient sees it on the period page and downloads it', async () => {
    const cabinet = await e1.get('/sanatorium-cabinet').expect(200);
    expect(cabinet.text).toMatch(
      /<a class="govuk-link" href="\/supplier\/documents">Лицензия и документы<\/a>/,
    );
    const before = textOf((await r1.get(`/sanatorium/periods/${periodId}`).expect(200)).text);
    expect(before).toContain('Санаторий пока не добавил документы.');

    const page = await e1.get('/supplier/documents').expect(200);
    const res = await e1
      .post(uploadActionFrom(page.text))
      .field('_csrf', csrfFrom(page.text))
      .field('docType', 'licence')
      .field('title', 'Лицензия на медицинскую деятельность')
      .field('number', 'KZ-03-1717')
      .field('issuedBy', 'Управление здравоохранения Акмолинской области')
      .field('validFrom', '2024-03-01')
      .field('validUntil', '')
      .attach('file', PDF, { filename: 'licence.pdf', contentType: 'application/pdf' });
    expect(res.status, res.text.slice(0, 1500)).toBe(303);
    const doc = (await ctx.db('organisation_documents').where({ organisation_id: northId }).first()) as {
      id: number;
    };

    const period = await r1.get(`/sanatorium/periods/${periodId}`).expect(200);
    expect(textOf(period.text)).toContain('Лицензия № KZ-03-1717 : Лицензия на медицинскую деятельность');
    expect(period.text).toContain(`href="/organisations/${northId}/documents/${doc.id}"`);
    const file = await r1.get(`/organisations/${northId}/documents/${doc.id}`).expect(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment/);
    expect(Buffer.compare(Buffer.from(file.body as Buffer), PDF)).toBe(0);
  });
});
