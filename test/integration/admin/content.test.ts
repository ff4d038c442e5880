import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, uploadActionFrom, loginAs, type Agent } from '../../support/http.js';
import { astana, MP4, PNG, VTT, WEBM } from './fixtures.js';

let ctx: TestContext;
let asAdmin: Agent;
let asR01: Agent;

const three = (prefix: string, value: string) => ({
  [`${prefix}_ru`]: value,
  [`${prefix}_kk`]: `${value} (kk)`,
  [`${prefix}_en`]: `${value} (en)`,
});

async function postForm(agent: Agent, pageUrl: string, action: string, fields: Record<string, string>) {
  const page = await agent.get(pageUrl).expect(200);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...fields });
}

beforeAll(async () => {
  ctx = await createTestContext();
  asAdmin = await loginAs(ctx, 'a01');
  asR01 = await loginAs(ctx, 'r01');
});
afterAll(async () => {
  ctx.clock.reset();
  await ctx?.close();
});

describe('content in three languages', () => {
  it('stores a FAQ answer without scripts or event handlers and shows it on /info in the reader’s language', async () => {
    const res = await postForm(asAdmin, '/admin/content/new?kind=faq', '/admin/content/new', {
      kind: 'faq',
      title_ru: 'Как сменить язык?',
      title_kk: 'Тілді қалай ауыстыруға болады?',
      title_en: 'How do I change the language?',
      body_ru:
        '<p onclick="steal()">Нажмите «Қазақша» <script>alert(1)</script><a href="javascript:alert(2)">здесь</a></p>',
      body_kk: '<p>«Қазақша» батырмасын басыңыз.</p><img src=x onerror="alert(3)">',
      body_en: '<p>Press <a href="https://egov.kz/">English</a>.</p>',
      sort: '5',
      published: 'on',
    });
    expect(res.status).toBe(303);
    const id = Number(/\/admin\/content\/(\d+)$/.exec(res.headers.location as string)![1]);
    const row = await ctx.db('content_items').where({ id }).first();
    expect(row.body_ru).toBe('<p class="govuk-body">Нажмите «Қазақша» здесь</p>');
    expect(row.body_kk).toBe('<p class="govuk-body">«Қазақша» батырмасын басыңыз.</p>');

    const ru = await request(ctx.app).get('/info').expect(200);
    expect(ru.text).toContain('Как сменить язык?');
    expect(ru.text).not.toMatch(/<script>alert|onclick=|onerror=|javascript:/);
    const kk = await request(ctx.app).get('/info?lang=kk').expect(200);
    expect(kk.text).toContain('Тілді қалай ауыстыруға болады?');
    const en = await request(ctx.app).get('/info?lang=en').expect(200);
    expect(en.text).toContain('How do I change the language?');
    expect(en.text).toContain(
      '<a href="https://egov.kz/" class="govuk-link" rel="noopener noreferrer">English</a>',
    );
  });

  it('refuses an item without a title in every language, naming the field', async () => {
    const res = await postForm(asAdmin, '/admin/content/new?kind=news', '/admin/content/new', {
      kind: 'news',
      ...three('title', 'Новость'),
      title_kk: '',
      ...three('body', '<p>Текст</p>'),
      sort: '0',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#title_kk"');
    expect(res.text).toContain('Введите заголовок на всех трёх языках.');
  });

  it('keeps drafts off the public page', async () => {
    await postForm(asAdmin, '/admin/content/new?kind=news', '/admin/content/new', {
      kind: 'news',
      ...three('title', 'Черновик новости'),
      ...three('body', '<p>Скоро</p>'),
      sort: '0',
    }).then((r) => expect(r.status).toBe(303));
    const info = await request(ctx.app).get('/info').expect(200);
    expect(info.text).not.toContain('Черновик новости');
  });
});

describe('instruction video with captions', () => {
  let id: number;

  beforeAll(async () => {
    const res = await postForm(asAdmin, '/admin/content/new?kind=instruction', '/admin/content/new', {
      kind: 'instruction',
      ...three('title', 'Видеоинструкция: вход'),
      ...three('body', '<p>Посмотрите видео.</p>'),
      sort: '1',
      published: 'on',
    });
    id = Number(/\/admin\/content\/(\d+)$/.exec(res.headers.location as string)![1]);
  });

  async function upload(files: { field: string; body: Buffer; name: string }[]) {
    const page = await asAdmin.get(`/admin/content/${id}`).expect(200);
    const action = uploadActionFrom(page.text);
    expect(action).toMatch(new RegExp(`^/admin/content/${id}/media\\?_csrf=`));
    let req = asAdmin.post(action).field('_csrf', csrfFrom(page.text));
    for (const f of files) req = req.attach(f.field, f.body, f.name);
    return req;
  }

  it('refuses a video that is not MP4 or WebM by its content', async () => {
    const res = await upload([
      { field: 'video', body: PNG, name: 'video.mp4' },
      { field: 'captions_ru', body: VTT, name: 'ru.vtt' },
    ]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('MP4 или WebM');
  });

  it('refuses captions that are not WebVTT, and a video without captions', async () => {
    const bad = await upload([
      { field: 'video', body: MP4, name: 'v.mp4' },
      { field: 'captions_kk', body: Buffer.from('1\n00:00:00,000 --> 00:00:01,000\nSRT\n'), name: 'kk.vtt' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('WebVTT');
    const none = await upload([{ field: 'video', body: MP4, name: 'v.mp4' }]);
    expect(none.status).toBe(400);
    expect(none.text).toContain('хотя бы на одном языке');
    expect(await ctx.db('content_media').where({ content_id: id })).toHaveLength(0);
  });

  it('plays the uploaded video with captions, the reader’s language by default', async () => {
    const res = await upload([
      { field: 'video', body: MP4, name: 'login.mp4' },
      { field: 'captions_ru', body: VTT, name: 'ru.vtt' },
      { field: 'captions_kk', body: VTT, name: 'kk.vtt' },
    ]);
    expect(res.status).toBe(303);
    const kk = await request(ctx.app).get(`/info/instructions/${id}?lang=kk`).expect(200);
    expect(kk.text).toMatch(/<video[^>]*controls/);
    expect(kk.text).toMatch(
      /<track kind="captions" src="\/info\/media\/\d+" srclang="kk" label="Қазақша" default>/,
    );
    expect(kk.text).toMatch(/<track kind="captions" src="\/info\/media\/\d+" srclang="ru" label="Русский">/);

    const video = /<source src="(\/info\/media\/\d+)" type="video\/mp4">/.exec(kk.text)![1]!;
    const v = await request(ctx.app).get(video).expect(200);
    expect(v.headers['content-type']).toBe('video/mp4');
    expect(v.headers['x-content-type-options']).toBe('nosniff');
    const track = /<track kind="captions" src="(\/info\/media\/\d+)"/.exec(kk.text)![1]!;
    const t = await request(ctx.app).get(track).expect(200);
    expect(t.headers['content-type']).toBe('text/vtt; charset=utf-8');
    expect(t.text).toContain('WEBVTT');
  });

  it('replaces the video with a WebM one', async () => {
    expect((await upload([{ field: 'video', body: WEBM, name: 'login.webm' }])).status).toBe(303);
    const page = await request(ctx.app).get(`/info/instructions/${id}`).expect(200);
    expect(page.text).toContain('type="video/webm"');
    expect(await ctx.db('content_media').where({ content_id: id, kind: 'video' })).toHaveLength(1);
  });

  it('hides the media of an unpublished instruction from the public', async () => {
    const media = (await ctx.db('content_media').where({ content_id: id }).first('id')) as { id: number };
    await ctx.db('content_items').where({ id }).update({ published: false });
    await request(ctx.app).get(`/info/instructions/${id}`).expect(404);
    await request(ctx.app).get(`/info/media/${media.id}`).expect(404);
    await asAdmin.get(`/info/media/${media.id}`).expect(200);
    await ctx.db('content_items').where({ id }).update({ published: true });
  });
});

describe('maintenance and failure notices', () => {
  it('show a banner on every page while active, with the expected fix time, and disappear when ended', async () => {
    ctx.clock.set(astana('2026-11-25T10:00'));
    const res = await postForm(asAdmin, '/admin/notices/new', '/admin/notices/new', {
      kind: 'failure',
      title_ru: 'Технический сбой подписания',
      title_kk: 'Қол қою кезіндегі техникалық ақау',
      title_en: 'Signing failure',
      text_ru: 'Подписание заказов временно недоступно.',
      text_kk: 'Тапсырыстарға қол қою уақытша қолжетімсіз.',
      text_en: 'Signing orders is temporarily unavailable.',
      starts_at: '2026-11-25T09:30',
      ends_at: '',
      fix_expected_at: '2026-11-25T15:00',
    });
    expect(res.status).toBe(303);

    for (const url of ['/', '/info', '/login', '/accessibility']) {
      const page = await request(ctx.app).get(url).expect(200);
      expect(page.text, url).toContain('Технический сбой подписания');
      expect(page.text, url).toContain('Ожидаемое время устранения: 25.11.2026 15:00.');
    }
    const kk = await request(ctx.app).get('/info?lang=kk').expect(200);
    expect(kk.text).toContain('Қол қою кезіндегі техникалық ақау');
    const mine = await asR01.get('/support').expect(200);
    expect(mine.text).toContain('Технический сбой подписания');

    const list = await asAdmin.get('/admin/notices').expect(200);
    const nid = (await ctx.db('notices').where({ title_ru: 'Технический сбой подписания' }).first('id'))
      .id as number;
    expect(list.text).toContain(`action="/admin/notices/${nid}/end"`);
    await asAdmin
      .post(`/admin/notices/${nid}/end`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text) })
      .expect(303);
    const after = await request(ctx.app).get('/').expect(200);
    expect(after.text).not.toContain('Технический сбой подписания');
  });

  it('a planned notice shows only from its start', async () => {
    ctx.clock.set(astana('2026-11-25T10:00'));
    await postForm(asAdmin, '/admin/notices/new', '/admin/notices/new', {
      kind: 'maintenance',
      ...three('title', 'Плановые работы в пятницу'),
      ...three('text', 'Портал будет недоступен.'),
      starts_at: '2026-11-27T20:00',
      ends_at: '2026-11-27T22:00',
      fix_expected_at: '',
    }).then((r) => expect(r.status).toBe(303));
    expect((await request(ctx.app).get('/').expect(200)).text).not.toContain('Плановые работы в пятницу');
    expect((await request(ctx.app).get('/info').expect(200)).text).toContain('Плановые работы в пятницу');
    ctx.clock.set(astana('2026-11-27T20:30'));
    expect((await request(ctx.app).get('/').expect(200)).text).toContain('Плановые работы в пятницу');
    ctx.clock.set(astana('2026-11-27T22:00'));
    expect((await request(ctx.app).get('/').expect(200)).text).not.toContain('Плановые работы в пятницу');
  });

  it('refuses an end before the start', async () => {
    const res = await postForm(asAdmin, '/admin/notices/new', '/admin/notices/new', {
      kind: 'maintenance',
      ...three('title', 'Ошибка в датах'),
      ...three('text', 'Текст.'),
      starts_at: '2026-11-27T20:00',
      ends_at: '2026-11-27T19:00',
      fix_expected_at: '',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Окончание должно быть позже начала.');
  });
});

describe('the contact-centre phone', () => {
  it('is shown in every page’s footer once changed, and the change is audited', async () => {
    const res = await postForm(asAdmin, '/admin/settings', '/admin/settings/phone', {
      phone: '+7 7172 55 55 55',
    });
    expect(res.status).toBe(303);
    const home = await request(ctx.app).get('/').expect(200);
    expect(home.text).toContain('<span class="portal-footer-phone">+7 7172 55 55 55</span>');
    const a = await ctx.db('audit_log').where({ action: 'settings.contact_phone' }).first();
    expect(a.details).toMatchObject({ from: '1414', to: '+7 7172 55 55 55' });
  });

  it('refuses letters', async () => {
    const res = await postForm(asAdmin, '/admin/settings', '/admin/settings/phone', { phone: 'call us' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#phone"');
  });
});
