/**
 * The voucher («путёвка» / «жолдама») as PDF (pdfkit): its number, the person, the sanatorium, the
 * period, the money, and the verification block whose QR code leads to the public verification page
 * of the signed confirmation behind it. DejaVu Sans covers Cyrillic and every Kazakh letter.
 */
import PDFDocument from 'pdfkit';
import { FONT_PATH } from '../specialist-services/act-pdf.js';
import { drawVerificationBlock } from '../../lib/pdf-verification.js';

export interface VoucherData {
  voucherNumber: string;
  orderNumber: string;
  recipientName: string;
  recipientIin: string;
  sanatoriumName: string;
  sanatoriumAddress: string;
  startsOn: string;
  endsOn: string;
  days: number;
  withCompanion: boolean;
  price: string;
  guaranteed: string;
  surcharge: string;
  verification: { code: string; url: string };
}

export function renderVoucherPdf(d: VoucherData): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    lang: 'ru-RU',
    displayTitle: true,
    info: { Title: `Жолдама / Путёвка № ${d.voucherNumber}`, Author: 'Әлеуметтік қызметтер порталы' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font(FONT_PATH);
  doc.fontSize(16).text('Санаторий-курорттық емдеуге жолдама', { align: 'center' });
  doc.fontSize(16).text('Путёвка на санаторно-курортное лечение', { align: 'center' });
  doc.fontSize(12).text(`№ ${d.voucherNumber}`, { align: 'center' });
  doc.moveDown(1);
  const line = (label: string, value: string) => doc.fontSize(11).text(`${label}: ${value}`).moveDown(0.2);
  line('Тапсырыс / Заказ', d.orderNumber);
  line('Алушы / Получатель', d.recipientName);
  line('ЖСН / ИИН', d.recipientIin);
  line('Санаторий', d.sanatoriumName);
  line('Мекенжайы / Адрес', d.sanatoriumAddress);
  line('Кезең / Период', `${d.startsOn} — ${d.endsOn} (${d.days})`);
  line('Алып жүруші / Сопровождающий', d.withCompanion ? 'иә / да' : 'жоқ / нет');
  line('Құны / Стоимость', d.price);
  line('Кепілдік сома / Гарантированная сумма', d.guaranteed);
  line('Қосымша төлем / Доплата', d.surcharge);
  doc.moveDown(1.5);
  drawVerificationBlock(
    doc,
    {
      code: d.verification.code,
      url: d.verification.url,
      caption: 'Құжаттың түпнұсқалығын тексеру / Проверить подлинность документа',
      codeLabel: 'Тексеру коды / Код проверки',
    },
    48,
    doc.y,
  );
  doc.end();
  return done;
}
