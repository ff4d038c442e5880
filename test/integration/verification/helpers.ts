import { expect } from 'vitest';
import { PDFParse } from 'pdf-parse';
import type { TestContext } from '../../support/context.js';
import type { Agent } from '../../support/http.js';
import { publicBaseUrl } from '../../../src/config.js';
import { verificationUrl } from '../../../src/lib/pdf-verification.js';

/** Collects a binary response body (a PDF) as a Buffer. */
const binary = (res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
const binaryParser = binary as unknown as (
  res: unknown,
  cb: (err: Error | null, body: unknown) => void,
) => void;

/** Downloads a PDF (an attachment) and returns its text, whitespace collapsed. */
export async function pdfTextAt(agent: Agent, url: string): Promise<string> {
  const res = await agent.get(url).buffer(true).parse(binaryParser);
  expect(res.status, String(res.body).slice(0, 500)).toBe(200);
  expect(res.headers['content-type']).toMatch(/application\/pdf/);
  expect(res.headers['content-disposition']).toMatch(/^attachment/);
  const parser = new PDFParse({ data: new Uint8Array(res.body as Buffer) });
  try {
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}

/** The verification code and public address of a signed document, as a PDF prints them. */
export async function codeOf(ctx: TestContext, signedDocumentId: number) {
  const row = (await ctx
    .db('signed_documents')
    .where({ id: signedDocumentId })
    .first('verification_code')) as { verification_code: string };
  return {
    code: row.verification_code,
    url: verificationUrl(publicBaseUrl(ctx.config), row.verification_code),
  };
}

/** The signed document of an order's step. */
export async function stepDocument(ctx: TestContext, orderId: number, action: string): Promise<number> {
  const row = (await ctx
    .db('order_events')
    .where({ order_id: orderId, action })
    .whereNotNull('signed_document_id')
    .orderBy('id', 'desc')
    .first('signed_document_id')) as { signed_document_id: number } | undefined;
  if (!row) throw new Error(`no signed ${action} on order ${orderId}`);
  return row.signed_document_id;
}

/** Visible text of a page without tags. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/**
 * Alters a stored signed document the way only someone at the database could: the table refuses
 * updates by trigger, so the trigger is switched off for this one statement (in one transaction).
 */
export async function tamper(ctx: TestContext, signedDocumentId: number, change: (xml: string) => string) {
  await ctx.db.transaction(async (tx) => {
    const { signed_xml: xml } = (await tx('signed_documents')
      .where({ id: signedDocumentId })
      .first('signed_xml')) as { signed_xml: string };
    const altered = change(xml);
    expect(altered).not.toBe(xml);
    await tx.raw('alter table signed_documents disable trigger signed_documents_no_update');
    await tx('signed_documents').where({ id: signedDocumentId }).update({ signed_xml: altered });
    await tx.raw('alter table signed_documents enable trigger signed_documents_no_update');
  });
}
