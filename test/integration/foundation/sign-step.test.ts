/**
 * The server half of one signing rhythm (src/web/sign-step.ts): a step's form posted by the browser
 * signer (header X-EDS-Issue: 1) answers the issued document as JSON, which signed and posted to its
 * `action` completes the step; the same form posted plainly (no JavaScript) renders the page with the
 * document and its signing form, as before; a form error is a page, never a document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, signAs, signFormFrom, type Agent } from '../../support/http.js';
import { goodsIdByName } from '../goods/helpers.js';

const ORTOMED = 'Протез голени модульный «Ортомед-М2»';

interface Issued {
  signRequestId: string;
  xml: string;
  keyType: string;
  signer: string;
  action: string;
}

describe('a signed step whose document is issued on the click', () => {
  let ctx: TestContext;
  let r01: Agent;
  let goodsId: number;
  let fields: Record<string, string>;

  beforeAll(async () => {
    ctx = await createTestContext();
    r01 = await loginAs(ctx, 'r01');
    goodsId = await goodsIdByName(ctx, ORTOMED);
    const page = await r01.get(`/goods/TSR_PROSTHESIS/${goodsId}/order`).expect(200);
    const point = /name="stationaryId"[\s\S]*?<option value="(\d+)"/.exec(page.text)?.[1];
    if (!point) throw new Error('no stationary point on the creation window');
    fields = { fulfilment: 'stationary', stationaryId: point };
  });
  afterAll(async () => ctx?.close());

  const form = () => r01.get(`/goods/TSR_PROSTHESIS/${goodsId}/order`).expect(200);

  it('without JavaScript the form posts to the page with the document and its signing form', async () => {
    const page = await form();
    const res = await r01
      .post(`/goods/TSR_PROSTHESIS/${goodsId}/order`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...fields });
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    const sign = signFormFrom(res.text);
    expect(sign.action).toBe(`/goods/TSR_PROSTHESIS/${goodsId}/order/sign`);
    expect(res.text).toContain('data-eds-signer="individual"');
  });

  it('a form error is the form’s page again (400), not a document', async () => {
    const page = await form();
    const res = await r01
      .post(`/goods/TSR_PROSTHESIS/${goodsId}/order`)
      .set('X-EDS-Issue', '1')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(400);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('govuk-error-summary');
  });

  it('the browser signer gets the document as JSON; signed and posted to its action, the order is created', async () => {
    const page = await form();
    const before = Number(
      ((await ctx.db('sign_requests').count('* as n').first()) as { n: string | number }).n,
    );
    const res = await r01
      .post(`/goods/TSR_PROSTHESIS/${goodsId}/order`)
      .set('X-EDS-Issue', '1')
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...fields });
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    const issued = res.body as Issued;
    expect(issued).toMatchObject({
      keyType: 'SIGN',
      signer: 'individual',
      action: `/goods/TSR_PROSTHESIS/${goodsId}/order/sign`,
    });
    // exactly the document the server stored for this request
    const row = (await ctx.db('sign_requests').where({ id: issued.signRequestId }).first()) as {
      xml: string;
      consumed_at: Date | null;
    };
    expect(row.xml).toBe(issued.xml);
    expect(row.consumed_at).toBeNull();
    expect(
      Number(((await ctx.db('sign_requests').count('* as n').first()) as { n: string | number }).n),
    ).toBe(before + 1);

    const done = await r01
      .post(issued.action)
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        signRequestId: issued.signRequestId,
        signedXml: signAs(ctx, 'r01', 'SIGN', issued.xml),
      });
    expect(done.status).toBe(303);
    expect(done.headers.location).toMatch(/^\/goods\/orders\/\d+$/);
    const orderId = Number(String(done.headers.location).split('/').pop());
    const order = (await ctx.db('orders').where({ id: orderId }).first('status')) as { status: string };
    expect(order.status).toBe('created');
  });

  it('an employee’s step names the employee signer', async () => {
    const e05 = await loginAs(ctx, 'e05');
    const order = (await ctx
      .db('orders')
      .where({ kind: 'goods', status: 'created' })
      .orderBy('id', 'desc')
      .first('id')) as { id: number };
    // the recipient confirms first, through the same path
    const card = await r01.get(`/goods/orders/${order.id}`).expect(200);
    const confirm = await r01
      .post(`/goods/orders/${order.id}/confirm`)
      .set('X-EDS-Issue', '1')
      .type('form')
      .send({ _csrf: csrfFrom(card.text) });
    const issued = confirm.body as Issued;
    expect(issued.action).toBe(`/goods/orders/${order.id}/confirm/sign`);
    await r01
      .post(issued.action)
      .type('form')
      .send({
        _csrf: csrfFrom(card.text),
        signRequestId: issued.signRequestId,
        signedXml: signAs(ctx, 'r01', 'SIGN', issued.xml),
      })
      .expect(303);

    const supplierCard = await e05.get(`/supplier/orders/${order.id}`).expect(200);
    const locationId = /name="locationId"[\s\S]*?<option value="(\d+)"/.exec(supplierCard.text)?.[1];
    const reserve = await e05
      .post(`/supplier/orders/${order.id}/reserve`)
      .set('X-EDS-Issue', '1')
      .type('form')
      .send({ _csrf: csrfFrom(supplierCard.text), locationId: String(locationId) });
    expect(reserve.type).toBe('application/json');
    expect((reserve.body as Issued).signer).toBe('employee');
  });
});
