/**
 * The printable documents this area makes from signed documents: the МСУ referral («направление»)
 * and the goods hand-over. Bilingual (Kazakh / Russian) like the portal's other PDFs, one font
 * (DejaVu Sans covers Cyrillic and every Kazakh letter), and at the foot the verification block:
 * the QR code and code of the signed document behind the paper.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { drawVerificationBlock, type VerificationBlock } from '../../lib/pdf-verification.js';

const require = createRequire(import.meta.url);
const FONT_PATH = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const MARGIN = 50;

export interface PdfLine {
  label: string;
  value: string;
}

export interface PrintedDocument {
  /** the heading, in Kazakh and in Russian */
  titleKk: string;
  titleRu: string;
  /** «№ … от …» under the heading */
  subtitle: string;
  lines: PdfLine[];
  /** a closing paragraph (what to do with the paper), optional */
  note?: string;
  /** the signature the paper stands for, in words */
  signedBy: string;
  generatedOn: string;
  /** null for a paper with no signed document behind it (demo data made before signing) */
  verification: VerificationBlock | null;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/** One document: heading, the label–value lines, the note, the signature, the verification block. */
export async function renderPrintedDocument(d: PrintedDocument): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    lang: 'ru-RU',
    displayTitle: true,
    info: {
      Title: `${d.titleRu} ${d.subtitle}`,
      Author: 'Портал социальных услуг / Әлеуметтік қызметтер порталы',
    },
  });
  const done = collect(doc);
  doc.font(FONT_PATH);
  const width = doc.page.width - 2 * MARGIN;
  doc.fontSize(16).text(d.titleKk, { align: 'center', width });
  doc.fontSize(16).text(d.titleRu, { align: 'center', width });
  doc.fontSize(11).text(d.subtitle, { align: 'center', width });
  doc.moveDown(1);
  const labelWidth = 190;
  for (const l of d.lines) {
    const y = doc.y;
    doc.fontSize(10).text(l.label, MARGIN, y, { width: labelWidth - 10 });
    const afterLabel = doc.y;
    doc.fontSize(10).text(l.value || '—', MARGIN + labelWidth, y, { width: width - labelWidth });
    doc.y = Math.max(afterLabel, doc.y) + 6;
    doc.x = MARGIN;
  }
  if (d.note) {
    doc.moveDown(0.5);
    doc.fontSize(9).text(d.note, MARGIN, doc.y, { width });
  }
  doc.moveDown(1);
  doc.fontSize(10).text(d.signedBy, MARGIN, doc.y, { width });
  doc.fontSize(8).text(`Қалыптастырылды / Сформировано: ${d.generatedOn}`, MARGIN, doc.y + 4, {
    width,
    align: 'right',
  });
  if (d.verification) {
    const size = 96;
    if (doc.y + size + 20 > doc.page.height - MARGIN) doc.addPage();
    const y = doc.y + 16;
    drawVerificationBlock(doc, d.verification, MARGIN, y, size);
    doc.x = MARGIN;
    doc.y = y + size + 4;
  }
  doc.end();
  return done;
}
