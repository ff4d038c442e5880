import { describe, expect, it } from 'vitest';
import { PDFParse } from 'pdf-parse';
import {
  renderActPdf,
  renderSheetPdf,
  type ActData,
} from '../../../src/modules/specialist-services/act-pdf.js';

const data: ActData = {
  orderNumber: '2026-0001234',
  periodLabel: '2026 ж. қараша / ноябрь 2026 г.',
  serviceName: 'Жеке көмекшінің қызметі / Услуга индивидуального помощника',
  specialist: { name: 'МУСИН АРМАН ЕРЖАНОВИЧ', iin: '860919300123' },
  recipient: { name: 'АХМЕТОВА АЙГЕРІМ СЕРІКҚЫЗЫ', iin: '750203400456', extra: 'г. Астана, пр. Абая, 3' },
  rows: Array.from({ length: 31 }, (_, i) => ({
    date: `${String(i + 1).padStart(2, '0')}.10.2026`,
    description:
      'ӘКІМДІК, ҒЫЛЫМ ОРДАСЫ, ҚОҢЫР КӨЛ, ҰЛТТЫҚ КІТАПХАНА, ҮКІМЕТ ҮЙІ, ШАҺАР / Акимат, научный центр',
    hours: 2,
  })),
  totalHours: 62,
  generatedOn: '25.11.2026 10:00',
};

async function text(buf: Buffer): Promise<string> {
  const p = new PDFParse({ data: buf });
  try {
    return (await p.getText()).text;
  } finally {
    await p.destroy();
  }
}

describe('act and accompaniment sheet PDFs', () => {
  it('print a month of 31 entries with the total, both parties, signature lines and every Kazakh letter', async () => {
    const t = await text(await renderActPdf(data));
    expect(t).toContain('Көрсетілген қызметтер актісі');
    expect(t).toContain('АХМЕТОВА АЙГЕРІМ СЕРІКҚЫЗЫ');
    expect(t).toContain('МУСИН АРМАН ЕРЖАНОВИЧ');
    expect(t).toContain('31.10.2026');
    expect(t).toContain('Итого: 62');
    expect(t.match(/\(қолы \/ подпись\)/g)).toHaveLength(2);
    for (const letter of ['Ә', 'Ғ', 'Қ', 'Ң', 'Ө', 'Ұ', 'Ү', 'Һ', 'І']) expect(t).toContain(letter);
  });

  it('print the accompaniment sheet with a column for the recipient’s signature', async () => {
    const t = await text(await renderSheetPdf(data));
    expect(t).toContain('Лист сопровождения');
    expect(t).toContain('Подпись получателя');
    expect(t).toContain('ШАҺАР');
  });
});
