/**
 * The act of rendered services and the accompaniment sheet as PDF (pdfkit). The font is registered
 * by its absolute path (DejaVu Sans covers Cyrillic and every Kazakh letter: Ә Ғ Қ Ң Ө Ұ Ү Һ І);
 * one font per document and hand-drawn tables keep a 31-entry act well under 100 ms.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { drawVerificationBlock, type VerificationBlock } from '../../lib/pdf-verification.js';

const require = createRequire(import.meta.url);
export const FONT_PATH = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

export interface ActParty {
  name: string;
  iin: string;
  extra?: string;
}

export interface ActRowData {
  date: string;
  description: string;
  hours: number;
}

export interface ActData {
  orderNumber: string;
  periodLabel: string;
  serviceName: string;
  specialist: ActParty;
  recipient: ActParty;
  rows: ActRowData[];
  totalHours: number;
  generatedOn: string;
  /** the verification block of the act's signed document (none before the act is signed) */
  verification?: VerificationBlock | null;
}

const MARGIN = 40;

interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right' | 'center';
  /** short values (dates, numbers) fit one line: no measuring pass */
  oneLine?: boolean;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

function newDoc(title: string): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    lang: 'ru-RU',
    displayTitle: true,
    info: { Title: title, Author: 'Портал социальных услуг / Әлеуметтік қызметтер порталы' },
  });
  doc.font(FONT_PATH);
  return doc;
}

/** A table drawn cell by cell: a header row, wrapped text, page breaks repeat the header. */
function table(doc: PDFKit.PDFDocument, columns: Column[], rows: string[][], fontSize = 9): void {
  const pad = 4;
  const bottom = doc.page.height - MARGIN;
  let y = doc.y;
  const drawRow = (cells: string[], header: boolean) => {
    doc.fontSize(header ? fontSize - 0.5 : fontSize);
    let h = doc.currentLineHeight(true);
    cells.forEach((text, i) => {
      if (header || !columns[i]!.oneLine)
        h = Math.max(h, doc.heightOfString(text, { width: columns[i]!.width - 2 * pad }));
    });
    h += 2 * pad;
    if (y + h > bottom) {
      doc.addPage();
      y = MARGIN;
      if (!header)
        drawRow(
          columns.map((c) => c.title),
          true,
        );
    }
    let x = MARGIN;
    cells.forEach((text, i) => {
      const col = columns[i]!;
      if (header) doc.rect(x, y, col.width, h).fillAndStroke('#e8e8e8', '#000000').fillColor('#000000');
      else doc.rect(x, y, col.width, h).stroke();
      doc.text(text, x + pad, y + pad, { width: col.width - 2 * pad, align: col.align ?? 'left' });
      x += col.width;
    });
    y += h;
  };
  doc.lineWidth(0.5);
  drawRow(
    columns.map((c) => c.title),
    true,
  );
  for (const r of rows) drawRow(r, false);
  doc.x = MARGIN;
  doc.y = y + 8;
}

function heading(doc: PDFKit.PDFDocument, kk: string, ru: string): void {
  doc.fontSize(14).text(kk, { align: 'center' });
  doc.fontSize(14).text(ru, { align: 'center' });
  doc.moveDown(0.5);
}

function line(doc: PDFKit.PDFDocument, label: string, value: string): void {
  doc.fontSize(10).text(`${label}: ${value}`);
}

function signatures(doc: PDFKit.PDFDocument, d: ActData): void {
  if (doc.y > doc.page.height - MARGIN - 110) doc.addPage();
  doc.moveDown(1.5);
  const width = (doc.page.width - 2 * MARGIN - 20) / 2;
  const y = doc.y;
  const block = (x: number, title: string, p: ActParty) => {
    doc.fontSize(10).text(title, x, y, { width });
    doc.text(p.name, x, doc.y + 2, { width });
    doc.text(`ЖСН / ИИН ${p.iin}`, x, doc.y + 2, { width });
    doc.text('____________________ (қолы / подпись)', x, doc.y + 18, { width });
    doc.text('Күні / Дата: «____» ____________ 20___', x, doc.y + 6, { width });
  };
  block(MARGIN, 'Маман / Специалист:', d.specialist);
  const afterLeft = doc.y;
  block(MARGIN + width + 20, 'Алушы / Получатель:', d.recipient);
  doc.x = MARGIN;
  doc.y = Math.max(afterLeft, doc.y) + 10;
}

/** The verification block at the foot: the QR code and code of the act's signed document. */
function verificationFoot(doc: PDFKit.PDFDocument, d: ActData): void {
  if (!d.verification) return;
  const size = 84;
  if (doc.y + size + 16 > doc.page.height - MARGIN) doc.addPage();
  const y = doc.y + 8;
  drawVerificationBlock(doc, d.verification, MARGIN, y, size);
  doc.x = MARGIN;
  doc.y = y + size;
}

function parties(doc: PDFKit.PDFDocument, d: ActData): void {
  line(doc, 'Тапсырыс № / Заказ №', d.orderNumber);
  line(doc, 'Кезең / Период', d.periodLabel);
  line(doc, 'Қызмет / Услуга', d.serviceName);
  line(
    doc,
    'Маман / Специалист',
    `${d.specialist.name}, ЖСН / ИИН ${d.specialist.iin}${d.specialist.extra ? `, ${d.specialist.extra}` : ''}`,
  );
  line(
    doc,
    'Алушы / Получатель',
    `${d.recipient.name}, ЖСН / ИИН ${d.recipient.iin}${d.recipient.extra ? `, ${d.recipient.extra}` : ''}`,
  );
  doc.moveDown(0.5);
}

/** A new document with its heading and both parties; `w` is the width between the margins. */
function begin(d: ActData, kk: string, ru: string) {
  const doc = newDoc(`${ru} № ${d.orderNumber}, ${d.periodLabel}`);
  const done = collect(doc);
  heading(doc, kk, ru);
  parties(doc, d);
  return { doc, done, w: doc.page.width - 2 * MARGIN };
}

/** «Акт оказанных услуг»: every entry of the month, the total, both parties and their signature lines. */
export async function renderActPdf(d: ActData): Promise<Buffer> {
  const { doc, done, w } = begin(d, 'Көрсетілген қызметтер актісі', 'Акт оказанных услуг');
  table(
    doc,
    [
      { title: '№', width: 28, align: 'right', oneLine: true },
      { title: 'Күні / Дата', width: 72, oneLine: true },
      { title: 'Көрсетілген қызмет / Оказанная услуга', width: w - 28 - 72 - 60 },
      { title: 'Сағат / Часы', width: 60, align: 'right', oneLine: true },
    ],
    d.rows.map((r, i) => [String(i + 1), r.date, r.description, String(r.hours)]),
  );
  doc.fontSize(11).text(`Барлығы / Итого: ${d.totalHours} сағ. / ч.`, { align: 'right' });
  doc.moveDown(0.5);
  doc
    .fontSize(9)
    .text(
      'Қызметтер толық көлемде және уақытында көрсетілді, тараптардың бір-біріне талаптары жоқ. / Услуги оказаны в полном объёме и в срок, стороны претензий друг к другу не имеют.',
    );
  signatures(doc, d);
  doc.fontSize(8).text(`Қалыптастырылды / Сформировано: ${d.generatedOn}`, { align: 'right' });
  verificationFoot(doc, d);
  doc.end();
  return done;
}

/** «Лист сопровождения»: day by day, what was done and the recipient's signature for each day. */
export async function renderSheetPdf(d: ActData): Promise<Buffer> {
  const { doc, done, w } = begin(d, 'Сүйемелдеу парағы', 'Лист сопровождения');
  table(
    doc,
    [
      { title: 'Күні / Дата', width: 72 },
      {
        title: 'Қызмет көрсету форматы, бару объектілері / Формат оказания услуги, объекты посещения',
        width: w - 72 - 50 - 110,
      },
      { title: 'Сағат / Часы', width: 50, align: 'right' },
      { title: 'Алушының қолы / Подпись получателя', width: 110 },
    ],
    d.rows.map((r) => [r.date, r.description, String(r.hours), '']),
  );
  doc.fontSize(11).text(`Барлығы / Итого: ${d.totalHours} сағ. / ч.`, { align: 'right' });
  signatures(doc, d);
  doc.fontSize(8).text(`Қалыптастырылды / Сформировано: ${d.generatedOn}`, { align: 'right' });
  verificationFoot(doc, d);
  doc.end();
  return done;
}
