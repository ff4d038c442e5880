import { describe, expect, it } from 'vitest';
import {
  exact,
  follow,
  localeTexts,
  named,
  press,
  useBrowserStand,
  type PortalPage,
} from '../support/browser.js';

const stand = useBrowserStand();

/** A small real PDF: the portal reads the type from the content. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

/** Chooses the interface language the way the switch does (its cookie). */
async function useLanguage(p: PortalPage, lang: string): Promise<void> {
  await p.page.context().addCookies([{ name: 'lang', value: lang, url: stand.baseUrl }]);
}

interface Journey {
  lang: string;
  employee: string;
  organisation: string;
  recipient: string;
  slug: 'uzhya' | 'uip';
  specialist: string;
  specialistName: string;
  number: string;
}

const JOURNEYS: Journey[] = [
  {
    lang: 'ru',
    employee: 'e06',
    organisation: 'ТОО «Сурдотехника KZ»',
    recipient: 'r12',
    slug: 'uzhya',
    specialist: 's07',
    specialistName: 'КАЛИЕВА ДИНАРА АСЕТОВНА',
    number: 'KZ-77-0042',
  },
  {
    lang: 'kk',
    employee: 'e08',
    organisation: 'ТОО «Забота и помощь»',
    recipient: 'r02',
    slug: 'uip',
    specialist: 's08',
    specialistName: 'ЖАКУПОВ МАРАТ БЕРИКОВИЧ',
    number: 'ЛЦ-0815',
  },
];

describe('the organisation runs its own offer, in the browser, every page checked by axe', () => {
  it.each(JOURNEYS)(
    '($lang) a document the recipient then sees; an order to the organisation assigned to its specialist',
    async (j) => {
      const t = localeTexts(j.lang);
      const e = await stand.open({ lang: j.lang });
      const r = await stand.open({ lang: j.lang });
      const s = await stand.open({ lang: j.lang });
      try {
        for (const p of [e, r, s]) await useLanguage(p, j.lang);

        // the organisation uploads its licence
        await e.loginAs(j.employee);
        await e.goto('/supplier');
        await follow(e, exact(t('offer:cabinet.toDocuments')));
        await e.page.getByLabel(t('offer:doc.type')).selectOption('licence');
        await e.page.getByLabel(t('offer:doc.title')).fill('Лицензия на оказание социальных услуг');
        await e.page.getByLabel(t('offer:doc.number')).fill(j.number);
        await e.page.getByLabel(t('offer:doc.validFrom')).fill('2025-01-10');
        await e.page.getByLabel(t('offer:doc.validUntilLabel')).fill('2030-01-09');
        await e.page
          .getByLabel(t('offer:doc.file'))
          .setInputFiles({ name: 'licence.pdf', mimeType: 'application/pdf', buffer: PDF });
        await press(e, exact(t('offer:documents.upload')), 'uploaded');
        expect(await e.text()).toContain(j.number);

        // the recipient sees it beside the organisation in the choice list and on its card
        await r.loginAs(j.recipient);
        await r.goto(`/services/${j.slug}/specialists`);
        const list = await r.text();
        expect(list).toContain(j.organisation);
        expect(list).toContain(j.number);
        await follow(r, named(t('offer:card.open'), j.organisation));
        const card = await r.text();
        expect(card).toContain(j.number);
        expect(card).toContain(j.specialistName);

        // and orders from the organisation
        await r.goto(`/services/${j.slug}/specialists`);
        await follow(r, named(t('services:button.order'), j.organisation));
        await r.page.getByLabel(t('services:field.phone')).fill('+7 701 555 43 21');
        await r.sign(exact(t('services:button.create')), j.recipient);
        const orderId = Number(/\/services\/orders\/(\d+)$/.exec(new URL(r.page.url()).pathname)?.[1]);
        expect(orderId).toBeGreaterThan(0);
        await press(r, exact(t('services:button.confirm')));
        await r.sign(exact(t('services:button.sign')), j.recipient);
        expect(await r.text()).toContain(t('services:status.awaiting_specialist'));
        const { number } = (await stand.ctx.db('orders').where({ id: orderId }).first('number')) as {
          number: string;
        };

        // the organisation's employee accepts it and assigns its specialist, signed with the employee's key
        await e.goto('/supplier');
        await follow(e, exact(t('offer:cabinet.toServiceOrders')));
        await follow(e, exact(number));
        await e.page.getByLabel(j.specialistName).check();
        await e.sign(exact(t('offer:assign.button')), j.employee);
        expect(await e.text()).toContain(t('services:status.in_progress'));

        // the recipient sees the organisation and the assigned specialist; the specialist has the order
        await r.goto(`/services/orders/${orderId}`);
        const view = await r.text();
        expect(view).toContain(j.organisation);
        expect(view).toContain(j.specialistName);
        expect(view).toContain(t('services:status.in_progress'));
        await s.loginAs(j.specialist);
        await s.goto(`/specialist/orders/${orderId}`);
        expect(await s.text()).toContain(t('services:status.in_progress'));
      } finally {
        await Promise.all([e.close(), r.close(), s.close()]);
      }
    },
  );
});
