import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exact, follow, named, press, starts, useBrowserStand } from '../support/browser.js';
import { renderActPdf } from '../../src/modules/specialist-services/act-pdf.js';

const stand = useBrowserStand();

type Words<K extends string> = Record<K, string>;
interface Texts {
  status: Words<'created' | 'awaiting_specialist' | 'in_progress' | 'rejected'>;
  button: Words<
    | 'order'
    | 'create'
    | 'sign'
    | 'confirm'
    | 'respond'
    | 'reject'
    | 'addServiceRecord'
    | 'addJournalEntry'
    | 'saveEntry'
    | 'find'
    | 'generateAct'
    | 'sendAct'
    | 'send'
    | 'viewReasons'
  >;
  field: Words<'phone' | 'commentOptional' | 'hours' | 'code' | 'file'>;
  format: Words<'in_person' | 'remote'>;
  cabinet: { title: string };
  journal: { title: string };
  acts: { title: string };
  documents: { title: string };
  specialists: { title: Words<'UZHYA' | 'UIP'> };
  errors: { monthLocked: string };
}

function texts(lang: string): Texts {
  return JSON.parse(fs.readFileSync(path.join('locales', lang, 'services.json'), 'utf8')) as Texts;
}

async function smsCodeFor(phoneDigits: string): Promise<string> {
  const rows = (await stand.ctx
    .db('outbox')
    .where({ system: 'sms', topic: 'code' })
    .orderBy('id', 'desc')) as {
    payload: { phone: string; text: string };
  }[];
  const row = rows.find((r) => r.payload.phone.replace(/\D/g, '').endsWith(phoneDigits));
  const m = row ? /\b(\d{6})\b/.exec(row.payload.text) : null;
  if (!m) throw new Error('no code SMS');
  return m[1]!;
}

describe('УЖЯ in the browser: a whole month for the recipient and the specialist, every page checked by axe', () => {
  it('order → signed application → confirmation → journal entry with the SMS code → act sent → month locked (ru)', async () => {
    const t = texts('ru');
    const r = await stand.open();
    const s = await stand.open();
    try {
      await r.loginAs('r02');
      await r.goto('/services/uzhya/specialists');
      expect(await r.page.locator('h1').innerText()).toBe(t.specialists.title.UZHYA);
      await press(r, named(t.button.order, 'БАЙМУХАМЕДОВА'));
      await r.page.getByLabel(t.field.phone).fill('+7 701 555 12 34');
      await r.page.getByLabel(t.field.commentOptional).fill('Перевод на приёме у врача');
      await r.sign(exact(t.button.create), 'r02');
      const orderId = Number(/\/services\/orders\/(\d+)$/.exec(new URL(r.page.url()).pathname)?.[1]);
      expect(orderId).toBeGreaterThan(0);
      expect(await r.text()).toContain(t.status.created);
      await press(r, exact(t.button.confirm));
      expect(await r.text()).toContain('Заявление на возмещение');
      await r.sign(exact(t.button.sign), 'r02');
      expect(await r.text()).toContain(t.status.awaiting_specialist);

      await s.loginAs('s01');
      expect(await s.page.locator('h1').innerText()).toBe(t.cabinet.title);
      await follow(s, starts(t.button.respond));
      await s.sign(exact(t.button.confirm), 's01');
      expect(await s.text()).toContain(t.status.in_progress);

      // the journal: the entry waits for the code the recipient received by SMS
      await press(s, exact(t.button.addServiceRecord));
      expect(await s.page.locator('h1').innerText()).toBe(t.journal.title);
      await press(s, exact(t.button.addJournalEntry));
      await s.page.getByLabel(t.format.in_person, { exact: true }).check();
      await s.page.getByLabel(t.field.hours, { exact: true }).fill('3');
      await press(s, exact(t.button.saveEntry));
      await s.page.getByLabel(t.field.code).fill(await smsCodeFor('7015551234'));
      await press(s, exact(t.button.confirm));
      const journal = await s.text();
      expect(journal).toContain('Запись сохранена: 3 ч.');
      expect(journal).toContain(t.format.in_person);

      // the act: find the month, form the PDFs, send the signed scan, confirm with the signature
      await s.goto('/specialist/acts');
      await press(s, exact(t.button.find));
      await follow(s, starts(t.button.generateAct));
      const actHref = await s.page
        .getByRole('link', { name: 'Акт оказанных услуг (PDF)' })
        .getAttribute('href');
      const pdf = await s.page.request.get(stand.baseUrl + actHref!);
      expect(pdf.headers()['content-disposition']).toMatch(/^attachment;/);
      expect(pdf.headers()['content-type']).toContain('application/pdf');
      await press(s, exact(t.button.sendAct));
      const scan = await renderActPdf({
        orderNumber: 'скан',
        periodLabel: '',
        serviceName: '',
        specialist: { name: 'БАЙМУХАМЕДОВА', iin: '' },
        recipient: { name: 'АХМЕТОВА', iin: '' },
        rows: [],
        totalHours: 3,
        generatedOn: '',
      });
      await s.page
        .getByLabel(t.field.file)
        .setInputFiles({ name: 'акт.pdf', mimeType: 'application/pdf', buffer: scan });
      await press(s, exact(t.button.send));
      expect(await s.text()).toContain('успешно сформирован и готов к отправке в Е-Собес');
      await s.sign(exact(t.button.confirm), 's01');
      expect(await s.page.locator('h1').innerText()).toBe(t.documents.title);
      expect(await s.text()).toContain('АХМЕТОВА');

      // the month is now closed for new entries, with the manual's exact words: the journal offers no
      // «Добавить запись», and the entry page no form to fill in (the order began this month)
      await s.goto(`/specialist/journal?order=${orderId}`);
      expect(await s.text()).toContain(t.errors.monthLocked);
      expect(await s.page.getByRole('button', { name: exact(t.button.addJournalEntry) }).count()).toBe(0);
      await s.goto(`/specialist/journal/new?order=${orderId}`);
      expect(await s.text()).toContain(t.errors.monthLocked);
      expect(await s.page.locator('main form').count()).toBe(0);
      expect(await s.page.getByLabel(t.field.hours).count()).toBe(0);
      expect(await s.page.getByRole('button', { name: exact(t.button.saveEntry) }).count()).toBe(0);

      // the recipient sees the whole history
      await r.goto(`/services/orders/${orderId}`);
      const card = await r.text();
      for (const st of [t.status.created, t.status.awaiting_specialist, t.status.in_progress])
        expect(card).toContain(st);
      expect(card).toContain('Отправленные акты');
      await r.goto('/services/orders');
    } finally {
      await r.close();
      await s.close();
    }
  });

  it('key pages in Kazakh and English, and the administrator’s registry', async () => {
    const kk = texts('kk');
    const en = texts('en');
    const s = await stand.open({ lang: 'kk' });
    const r = await stand.open({ lang: 'en' });
    const a = await stand.open();
    try {
      await s.goto('/?lang=kk');
      await s.loginAs('s03');
      await s.goto('/specialist/orders');
      expect(await s.page.locator('h1').innerText()).toBe(kk.cabinet.title);
      await s.goto('/specialist/journal');
      expect(await s.page.locator('h1').innerText()).toBe(kk.journal.title);
      await s.goto('/specialist/acts');
      await press(s, exact(kk.button.find));
      await s.goto('/specialist/documents');
      await s.goto('/specialist/registry');

      await r.goto('/?lang=en');
      await r.loginAs('r15');
      await r.goto('/services/uzhya/specialists');
      expect(await r.page.locator('h1').innerText()).toBe(en.specialists.title.UZHYA);
      await press(r, named(en.button.order, 'САПАРОВА'));
      await r.sign(exact(en.button.create), 'r15');
      await press(r, exact(en.button.confirm));
      await r.sign(exact(en.button.sign), 'r15');
      expect(await r.text()).toContain(en.status.awaiting_specialist);
      await r.goto('/services/uip/specialists');

      // s03 has a pending exclusion application: only «Отклонить» (kk: «Қабылдамау») is offered
      await s.goto('/specialist/orders');
      await follow(s, starts(kk.button.respond));
      expect(await s.page.getByRole('button', { name: exact(kk.button.confirm) }).count()).toBe(0);
      await press(s, exact(kk.button.reject));
      await s.page.getByLabel('Бос емеспін, тапсырысты қабылдай алмаймын').check();
      await s.sign(exact(kk.button.confirm), 's03');
      expect(await s.text()).toContain(kk.status.rejected);

      await r.goto('/services/orders');
      const list = await r.text();
      expect(list).toContain(en.status.rejected);
      await r.page.getByText(en.button.viewReasons).first().click();
      expect(await r.text()).toContain('Cannot take the order: fully booked');

      await a.loginAs('a01');
      await a.goto('/admin/specialists');
      expect(await a.text()).toContain('САПАРОВА');
    } finally {
      await s.close();
      await r.close();
      await a.close();
    }
  });
});
