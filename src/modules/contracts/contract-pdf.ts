/**
 * The contract as PDF (pdfkit, DejaVu Sans for Cyrillic and Kazakh letters): the parties, the
 * validity, the services with their volumes and counts, both signatures, and the verification block
 * of the person's signed document (the provider's while the person has not signed yet).
 */
import PDFDocument from 'pdfkit';
import { FONT_PATH } from '../specialist-services/act-pdf.js';
import { drawVerificationBlock } from '../../lib/pdf-verification.js';

export interface ContractPdfSignature {
  role: string;
  signer: string;
  signedAt: string;
  certSerial: string;
}

export interface ContractPdfData {
  title: string;
  lines: { label: string; value: string }[];
  servicesTitle: string;
  services: string[];
  signaturesTitle: string;
  signatures: ContractPdfSignature[];
  verification: { code: string; url: string; caption: string; codeLabel: string } | null;
}

export function renderContractPdf(data: ContractPdfData): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    lang: 'ru-RU',
    displayTitle: true,
    info: { Title: data.title, Author: 'Портал социальных услуг / Әлеуметтік қызметтер порталы' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font(FONT_PATH);
  doc.fontSize(15).text(data.title, { align: 'center' });
  doc.moveDown();
  doc.fontSize(10);
  for (const l of data.lines) doc.text(`${l.label}: ${l.value}`);
  doc.moveDown();
  doc.fontSize(12).text(data.servicesTitle);
  doc.fontSize(10);
  data.services.forEach((s, i) => doc.text(`${i + 1}. ${s}`));
  doc.moveDown();
  doc.fontSize(12).text(data.signaturesTitle);
  doc.fontSize(10);
  for (const s of data.signatures) doc.text(`${s.role}: ${s.signer}, ${s.signedAt}, ${s.certSerial}`);
  if (data.verification) {
    doc.moveDown();
    const y = doc.y;
    if (y + 100 > doc.page.height - 50) doc.addPage();
    drawVerificationBlock(doc, data.verification, doc.page.margins.left, doc.y);
  }
  doc.end();
  return done;
}
