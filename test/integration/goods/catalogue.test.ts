import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, uploadActionFrom, loginAs, type Agent } from '../../support/http.js';
import { goodsIdByName, locationIdByName, stockOf, textOf } from './helpers.js';

/** A real 2×2 PNG (signature, IHDR, IDAT, IEND with CRCs). */
function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const raw = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The start of a Windows executable (MZ header, PE signature). */
function exe(): Buffer {
  const b = Buffer.alloc(1024);
  b.write('MZ', 0, 'ascii');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'binary');
  return b;
}

describe('supplier cabinet: organisation card, catalogue, photos, stock', () => {
  let ctx: TestContext;
  let ortho: Agent; // e05, ТОО «Ортомед Астана»

  beforeAll(async () => {
    ctx = await createTestContext();
    ortho = await loginAs(ctx, 'e05');
  });
  afterAll(async () => ctx?.close());

  // photos are in the file store (the database)
  const files = async (): Promise<string[]> =>
    ctx.db('stored_files').where('name', '~', '^[0-9a-f-]{36}\\.(jpg|png|webp)$').pluck('name');

  it('shows the organisation card from the state registry with the directions it opens', async () => {
    const card = textOf((await ortho.get('/supplier').expect(200)).text);
    expect(card).toContain('Карточка организации');
    expect(card).toContain('ТОО «Ортомед Астана»');
    expect(card).toContain('Жумабаев Ерлан Кайратович');
    expect(card).toContain('Продажа ТСР');
    expect(card).toContain('Каталог товаров');

    // an МСУ employee sees its direction with the way to the institution cabinet, and has no catalogue
    const msu = await loginAs(ctx, 'e01');
    const msuCard = (await msu.get('/supplier').expect(200)).text;
    expect(textOf(msuCard)).toContain('Специальные социальные услуги');
    expect(msuCard).toContain('href="/institution"');
    const refused = await msu.get('/supplier/goods').expect(403);
    expect(textOf(refused.text)).toContain('нет направления «Продажа ТСР»');
  });

  it('adds goods with the price typed in tenge, stored in tiyn, and shows the surcharge', async () => {
    const form = await ortho.get('/supplier/goods/new').expect(200);
    const bad = await ortho
      .post('/supplier/goods')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        helpType: 'TSR_WHEELCHAIR',
        name: '',
        characteristics: '',
        price: '12,345,67',
        accompanyingService: 'yes',
        deliveryOptions: ['courier'],
        regions: 'г. Астана',
        active: 'yes',
      });
    expect(bad.status).toBe(400);
    expect(textOf(bad.text)).toContain('Введите наименование товара.');
    expect(textOf(bad.text)).toContain('Введите сумму в тенге');

    const mismatch = await ortho
      .post('/supplier/goods')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        helpType: 'TSR_WHEELCHAIR',
        name: 'Коляска прогулочная',
        characteristics: '',
        price: '125 000,50',
        accompanyingService: 'yes',
        deliveryOptions: 'courier',
        regions: 'г. Астана',
        active: 'yes',
      });
    expect(mismatch.status).toBe(400);
    expect(textOf(mismatch.text)).toContain(
      'Товар с сопутствующей услугой выдаётся в стационаре или на дому.',
    );

    const ok = await ortho
      .post('/supplier/goods')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        helpType: 'TSR_WHEELCHAIR',
        name: 'Коляска прогулочная',
        characteristics: 'Ширина 48 см',
        price: '125 000,50',
        accompanyingService: 'no',
        deliveryOptions: ['courier', 'pickup'],
        regions: ['г. Астана', 'г. Алматы'],
        active: 'yes',
      })
      .expect(303);
    const id = Number(/\/supplier\/goods\/(\d+)/.exec(ok.headers.location as string)![1]);
    const row = (await ctx.db('goods').where({ id }).first()) as { price_tiyn: number; regions: string[] };
    expect(row.price_tiyn).toBe(12_500_050);
    expect(row.regions).toEqual(['г. Астана', 'г. Алматы']);
    const page = textOf((await ortho.get(`/supplier/goods/${id}`).expect(200)).text);
    // guaranteed 120 000 ₸ for an indoor wheelchair → surcharge 5 000,50 ₸
    expect(page).toMatch(/5\s000,50 ₸/);
    const catalogue = textOf((await ortho.get('/supplier/goods').expect(200)).text);
    expect(catalogue).toContain('Коляска прогулочная');
  });

  it('keeps stock per location and never below what is reserved', async () => {
    const id = await goodsIdByName(ctx, 'Кресло-коляска комнатная «Ortonica Base 130»');
    const wh = await locationIdByName(ctx, 'Склад «Ортомед» на Алаш');
    const st = await locationIdByName(ctx, 'Ортопедический салон «Ортомед» на Республики');
    const page = await ortho.get(`/supplier/goods/${id}`).expect(200);
    await ortho
      .post(`/supplier/goods/${id}/stock`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), [`qty-${wh}`]: '7', [`qty-${st}`]: '1' })
      .expect(303);
    expect(await stockOf(ctx, id, wh)).toEqual({ quantity: 7, reserved: 0 });
    expect(await stockOf(ctx, id, st)).toEqual({ quantity: 1, reserved: 0 });

    await ctx.db('goods_stock').where({ goods_id: id, location_id: wh }).update({ reserved: 2 });
    const below = await ortho
      .post(`/supplier/goods/${id}/stock`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), [`qty-${wh}`]: '1' });
    expect(below.status).toBe(400);
    expect(textOf(below.text)).toContain('Количество не может быть меньше зарезервированного.');
    expect(await stockOf(ctx, id, wh)).toEqual({ quantity: 7, reserved: 2 });
    await ctx.db('goods_stock').where({ goods_id: id, location_id: wh }).update({ reserved: 0 });
  });

  it('stores a real image and serves it with its type and nosniff', async () => {
    const id = await goodsIdByName(ctx, 'Трость тактильная складная 120 см');
    const page = await ortho.get(`/supplier/goods/${id}`).expect(200);
    await ortho
      .post(uploadActionFrom(page.text))
      .field('_csrf', csrfFrom(page.text))
      .attach('photo', png(), { filename: 'cane.png', contentType: 'image/png' })
      .expect(303);
    const photo = (await ctx.db('goods_photos').where({ goods_id: id }).first()) as {
      id: number;
      stored_name: string;
    };
    expect(await files()).toContain(photo.stored_name);

    const recipient = await loginAs(ctx, 'r01');
    const served = await recipient.get(`/goods/photos/${photo.id}`).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(served.body as Buffer, png())).toBe(0);
    const offers = (await recipient.get('/goods/TSR_WHITE_CANE').expect(200)).text;
    expect(offers).toContain(`src="/goods/photos/${photo.id}"`);
  });

  it('refuses an executable renamed .jpg, an oversized image and an empty file, storing nothing', async () => {
    const id = await goodsIdByName(ctx, 'Кресло-коляска комнатная «Ortonica Base 130»');
    const page = await ortho.get(`/supplier/goods/${id}`).expect(200);
    const before = (await files()).length;
    const upload = (buf: Buffer, filename: string, contentType: string) =>
      ortho
        .post(uploadActionFrom(page.text))
        .field('_csrf', csrfFrom(page.text))
        .attach('photo', buf, { filename, contentType });

    const fake = await upload(exe(), 'photo.jpg', 'image/jpeg');
    expect(fake.status).toBe(400);
    expect(textOf(fake.text)).toContain('Файл не является изображением JPEG, PNG или WebP.');

    const big = Buffer.concat([png(), Buffer.alloc(5 * 1024 * 1024 + 1)]);
    const large = await upload(big, 'big.png', 'image/png');
    expect(large.status).toBe(400);
    expect(textOf(large.text)).toContain('Файл больше 5 МБ.');

    const empty = await upload(Buffer.alloc(0), 'empty.png', 'image/png');
    expect(empty.status).toBe(400);
    expect(textOf(empty.text)).toMatch(/Файл пустой\.|Выберите файл фотографии\./);

    expect((await files()).length).toBe(before);
    expect(await ctx.db('goods_photos').where({ goods_id: id }).count('* as n').first()).toEqual({ n: 0 });
  });

  it('never lets one supplier reach another supplier’s goods', async () => {
    const foreign = await goodsIdByName(ctx, 'Слуховой аппарат заушный цифровой «Signia Intuis 4»'); // ТОО «Сурдотехника KZ»
    const own = await ortho.get('/supplier/goods').expect(200);
    expect(textOf(own.text)).not.toContain('Signia');
    await ortho.get(`/supplier/goods/${foreign}`).expect(404);
    const csrf = csrfFrom(own.text);
    await ortho
      .post(`/supplier/goods/${foreign}`)
      .type('form')
      .send({
        _csrf: csrf,
        helpType: 'TSR_HEARING_AID',
        name: 'Захват',
        characteristics: '',
        price: '1',
        accompanyingService: 'yes',
        deliveryOptions: 'stationary',
        regions: 'г. Астана',
        active: 'no',
      })
      .expect(404);
    await ortho.post(`/supplier/goods/${foreign}/stock`).type('form').send({ _csrf: csrf }).expect(404);
    const before = (await files()).length;
    await ortho
      .post(`/supplier/goods/${foreign}/photos?_csrf=${encodeURIComponent(csrf)}`)
      .field('_csrf', csrf)
      .attach('photo', png(), { filename: 'x.png', contentType: 'image/png' })
      .expect(404);
    expect((await files()).length).toBe(before);
    const row = (await ctx.db('goods').where({ id: foreign }).first()) as { name: string; active: boolean };
    expect(row).toMatchObject({ name: 'Слуховой аппарат заушный цифровой «Signia Intuis 4»', active: true });
  });

  it('adds a warehouse that then takes stock', async () => {
    const page = await ortho.get('/supplier/locations').expect(200);
    const bad = await ortho
      .post('/supplier/locations')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), kind: 'warehouse', name: '' });
    expect(bad.status).toBe(400);
    expect(textOf(bad.text)).toContain('Введите название.');
    await ortho
      .post('/supplier/locations')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        kind: 'warehouse',
        name: 'Склад в Косшы',
        region: 'г. Астана',
        locality: 'г. Косшы',
        address: 'ул. Республики, 1',
        phone: '8 (7172) 60-05-13',
      })
      .expect(303);
    const l = (await ctx.db('goods_locations').where({ name: 'Склад в Косшы' }).first()) as {
      phone: string;
      id: number;
    };
    expect(l.phone).toBe('+77172600513');
    const goods = await goodsIdByName(ctx, 'Трость тактильная складная 120 см');
    expect(textOf((await ortho.get(`/supplier/goods/${goods}`).expect(200)).text)).toContain('Склад в Косшы');
  });
});

describe('administrator registries: ТСР kinds and suppliers', () => {
  let ctx: TestContext;
  let admin: Agent;
  let recipient: Agent;

  beforeAll(async () => {
    ctx = await createTestContext();
    admin = await loginAs(ctx, 'a01');
    recipient = await loginAs(ctx, 'r01');
  });
  afterAll(async () => ctx?.close());

  it('edits a guaranteed sum in tenge; new offers show the new surcharge', async () => {
    const list = textOf((await admin.get('/admin/tsr-kinds').expect(200)).text);
    expect(list).toContain('Трость тактильная');
    const form = await admin.get('/admin/tsr-kinds/TSR_WHITE_CANE').expect(200);
    const bad = await admin
      .post('/admin/tsr-kinds/TSR_WHITE_CANE')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        guaranteedSum: 'семь тысяч',
        accompanyingService: 'no',
        active: 'yes',
      });
    expect(bad.status).toBe(400);
    await admin
      .post('/admin/tsr-kinds/TSR_WHITE_CANE')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), guaranteedSum: '5 000', accompanyingService: 'no', active: 'yes' })
      .expect(303);
    const kind = (await ctx.db('help_types').where({ code: 'TSR_WHITE_CANE' }).first()) as {
      guaranteed_sum_tiyn: number;
    };
    expect(kind.guaranteed_sum_tiyn).toBe(500_000);
    // «Трость тактильная складная 120 см» costs 5 500 ₸ → 500 ₸ surcharge now
    const offers = textOf((await recipient.get('/goods/TSR_WHITE_CANE').expect(200)).text);
    expect(offers).toContain('500,00 ₸');
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'admin.tsr_kind_updated', object_id: 'TSR_WHITE_CANE' })
      .first();
    expect(audit).toBeTruthy();
  });

  it("shows a supplier's directions and standing; both change only on «Карточка организации»", async () => {
    const care = (await ctx.db('organisations').where({ name: 'ТОО «Забота и помощь»' }).first('id')) as {
      id: number;
    };
    expect(textOf((await admin.get('/admin/suppliers').expect(200)).text)).toContain('ТОО «Забота и помощь»');
    const page = await admin.get(`/admin/suppliers/${care.id}`).expect(200);
    const text = textOf(page.text);
    expect(text).toContain('Продажа ТСР');
    expect(page.text).toContain(`href="/admin/organisations/${care.id}"`);
    // no form here: nothing is changed on this page
    expect(page.text).not.toContain(`action="/admin/suppliers/${care.id}"`);
    const org = (await ctx.db('organisations').where({ id: care.id }).first()) as {
      directions: string[];
      status: string;
    };
    expect(org).toMatchObject({
      directions: ['tsr_sales', 'individual_assistant', 'special_social_services'],
      status: 'active',
    });
  });

  it('is for administrators only', async () => {
    await recipient.get('/admin/tsr-kinds').expect(403);
    const supplier = await loginAs(ctx, 'e05');
    await supplier.get('/admin/suppliers').expect(403);
  });
});
