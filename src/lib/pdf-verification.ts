/**
 * The verification block of a printable document: a QR code leading to the public verification page
 * of the signed document behind it (`/verify/{code}`) and, beside it, the code and the address in
 * words, for a reader without a camera. Drawn as vector squares, so it stays sharp when printed.
 */
import qrcode from 'qrcode-generator';

/** The public address of a document's verification page. */
export function verificationUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/verify/${encodeURIComponent(code)}`;
}

/** The dark modules of the QR code of a text, row by row (true = dark). */
export function qrModules(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

export interface VerificationBlock {
  /** the signed document's verification code */
  code: string;
  /** the public page's address (verificationUrl) */
  url: string;
  /** the caption in the document's language, e.g. «Проверить подлинность документа» */
  caption: string;
  /** the label before the code in the document's language, e.g. «Код проверки» */
  codeLabel: string;
}

/**
 * Draws the block at (x, y) in a pdfkit document whose font is already set; returns the height used.
 * `size` is the QR code's side in points (quiet zone included).
 */
export function drawVerificationBlock(
  doc: PDFKit.PDFDocument,
  block: VerificationBlock,
  x: number,
  y: number,
  size = 84,
): number {
  const modules = qrModules(block.url);
  const n = modules.length + 8; // four modules of quiet zone on each side
  const cell = size / n;
  doc.save();
  doc.rect(x, y, size, size).fill('#ffffff');
  doc.fillColor('#000000');
  modules.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) doc.rect(x + (c + 4) * cell, y + (r + 4) * cell, cell, cell);
    }),
  );
  doc.fill('#000000');
  doc.restore();
  const textX = x + size + 8;
  const width = Math.max(120, doc.page.width - doc.page.margins.right - textX);
  doc
    .fillColor('#000000')
    .fontSize(10)
    .text(block.caption, textX, y + 6, { width });
  doc.fontSize(10).text(`${block.codeLabel}: ${block.code}`, textX, doc.y + 2, { width });
  doc.fontSize(8).text(block.url, textX, doc.y + 2, { width });
  return size;
}
