import { describe, expect, it } from 'vitest';
import PDFDocument from 'pdfkit';
import { PDFParse } from 'pdf-parse';
import { FONT_PATH } from '../../../src/modules/specialist-services/act-pdf.js';
import { drawVerificationBlock, qrModules, verificationUrl } from '../../../src/lib/pdf-verification.js';

async function render(draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50 });
  doc.font(FONT_PATH);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  draw(doc);
  doc.end();
  return done;
}

describe('the verification block of printable documents', () => {
  it('builds the page address from the base address and the code', () => {
    expect(verificationUrl('https://portal.example.kz/', 'AB12CD34EF56')).toBe(
      'https://portal.example.kz/verify/AB12CD34EF56',
    );
  });

  it('encodes the address as a QR code with its three finder patterns', () => {
    const m = qrModules('https://portal.example.kz/verify/AB12CD34EF56');
    const n = m.length;
    expect(n).toBeGreaterThanOrEqual(21);
    expect((n - 17) % 4).toBe(0);
    // a finder pattern: a dark 7×7 ring with a light ring inside it and a dark 3×3 core
    const finder = (r0: number, c0: number) => {
      for (let i = 0; i < 7; i++) {
        expect(m[r0]![c0 + i]).toBe(true);
        expect(m[r0 + 6]![c0 + i]).toBe(true);
        expect(m[r0 + i]![c0]).toBe(true);
        expect(m[r0 + i]![c0 + 6]).toBe(true);
      }
      expect(m[r0 + 1]![c0 + 1]).toBe(false);
      expect(m[r0 + 3]![c0 + 3]).toBe(true);
    };
    finder(0, 0);
    finder(0, n - 7);
    finder(n - 7, 0);
    expect(qrModules('https://portal.example.kz/verify/AB12CD34EF57')).not.toEqual(m);
  });

  it('prints the caption, the code and the address as text beside the QR code', async () => {
    const buf = await render((doc) =>
      drawVerificationBlock(
        doc,
        {
          code: 'AB12CD34EF56',
          url: verificationUrl('http://localhost:3000', 'AB12CD34EF56'),
          caption: 'Құжаттың түпнұсқалығын тексеру / Проверить подлинность документа',
          codeLabel: 'Код проверки',
        },
        50,
        50,
      ),
    );
    const p = new PDFParse({ data: buf });
    try {
      const text = (await p.getText()).text;
      expect(text).toContain('Құжаттың түпнұсқалығын тексеру');
      expect(text).toContain('Код проверки: AB12CD34EF56');
      expect(text).toContain('http://localhost:3000/verify/AB12CD34EF56');
    } finally {
      await p.destroy();
    }
  });
});
