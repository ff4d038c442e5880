import { describe, expect, it } from 'vitest';
import { PDFParse } from 'pdf-parse';
import {
  maskedCommonName,
  maskedSignerName,
  normaliseCode,
  verificationBlockFor,
} from '../../../src/modules/verification/codes.js';
import { renderPrintedDocument } from '../../../src/modules/verification/pdf.js';
import {
  renderActPdf,
  renderSheetPdf,
  type ActData,
} from '../../../src/modules/specialist-services/act-pdf.js';

async function text(buf: Buffer): Promise<string> {
  const p = new PDFParse({ data: new Uint8Array(buf) });
  try {
    return (await p.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await p.destroy();
  }
}

describe('verification codes', () => {
  it('reads a typed code whatever its case, spaces and hyphens; refuses anything else', () => {
    expect(normaliseCode('3f2a91c07b1d')).toBe('3F2A91C07B1D');
    expect(normaliseCode(' 3F2A-91C0-7B1D ')).toBe('3F2A91C07B1D');
    expect(normaliseCode('3F2A 91C0 7B1D')).toBe('3F2A91C07B1D');
    for (const bad of [
      '',
      '3F2A91C07B1',
      '3F2A91C07B1DE',
      'ZZZZZZZZZZZZ',
      '3F2A91C07B1\u0000',
      'x'.repeat(100),
      42,
      null,
    ])
      expect(normaliseCode(bad)).toBeNull();
  });

  it('masks a signer as surname and initials', () => {
    expect(maskedSignerName({ surname: 'АХМЕТОВА', name: 'АЙГЕРІМ', patronymic: 'СЕРІКҚЫЗЫ' })).toBe(
      'Ахметова А. С.',
    );
    expect(maskedSignerName({ surname: 'ИВАНОВ-ПЕТРОВ', name: 'ОЛЕГ', patronymic: null })).toBe(
      'Иванов-Петров О.',
    );
    expect(maskedCommonName('ӘБІЛОВ ҚАНАТ ЕРЛАНҰЛЫ')).toBe('Әбілов Қ. Е.');
  });

  it('addresses the public page of the code from the portal’s base address', () => {
    const b = verificationBlockFor('https://portal.example.kz/', 'ABCDEF012345');
    expect(b.url).toBe('https://portal.example.kz/verify/ABCDEF012345');
    expect(b.caption).toContain('Проверить подлинность документа');
  });
});

describe('printed documents carry the verification block', () => {
  const block = verificationBlockFor('https://portal.example.kz', 'ABCDEF012345');

  it('a referral prints its lines and, at the foot, the code and the address', async () => {
    const t = await text(
      await renderPrintedDocument({
        titleKk: 'Жолдама',
        titleRu: 'Направление',
        subtitle: '№ 2026-0000001, 05.12.2026',
        lines: [{ label: 'Отделение', value: 'Отделение милосердия' }],
        signedBy: 'Подписано ЭЦП',
        generatedOn: '05.12.2026 10:00',
        verification: block,
      }),
    );
    expect(t).toContain('Жолдама');
    expect(t).toContain('Отделение милосердия');
    expect(t).toContain('Код проверки: ABCDEF012345');
    expect(t).toContain('https://portal.example.kz/verify/ABCDEF012345');
  });

  it('the act and the accompaniment sheet print the block only when the act is signed', async () => {
    const data: ActData = {
      orderNumber: '2026-0001234',
      periodLabel: '2026 ж. қараша / ноябрь 2026 г.',
      serviceName: 'Услуга',
      specialist: { name: 'МУСИН АРМАН', iin: '860919300123' },
      recipient: { name: 'АХМЕТОВА АЙГЕРІМ', iin: '750203400456' },
      rows: Array.from({ length: 31 }, (_, i) => ({
        date: `${i + 1}.10.2026`,
        description: 'Акимат',
        hours: 2,
      })),
      totalHours: 62,
      generatedOn: '25.11.2026 10:00',
    };
    expect(await text(await renderActPdf(data))).not.toContain('Код проверки');
    for (const render of [renderActPdf, renderSheetPdf]) {
      const t = await text(await render({ ...data, verification: block }));
      expect(t).toContain('Код проверки: ABCDEF012345');
      expect(t).toContain('https://portal.example.kz/verify/ABCDEF012345');
    }
  });
});
