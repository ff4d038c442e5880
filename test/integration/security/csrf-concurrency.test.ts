import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, submitSigned, type Agent } from '../../support/http.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

/** Pages of a fresh recipient session that render the layout (and so a form with the token). */
const PAGES = ['/welcome', '/help', '/cabinet', '/welcome', '/support/new', '/welcome'];

/** A fresh login through the login page; the session has not rendered any page yet. */
async function freshLogin(personKey: string): Promise<Agent> {
  const agent = request.agent(ctx.app);
  const page = await agent.get('/login').expect(200);
  const res = await submitSigned(ctx, agent, page.text, personKey);
  expect(res.status, `login of ${personKey}`).toBe(303);
  return agent;
}

describe('the CSRF token of a session (overlapping requests, «Далее» after login)', () => {
  it('takes «Далее» with the token of any page of a fresh session, however the requests overlap', async () => {
    for (const person of ['r01', 'r02', 'r03', 'r04']) {
      const agent = await freshLogin(person);
      // the first pages of a new session, all at once (a second tab, the browser's own requests)
      const pages = await Promise.all(PAGES.map((url) => agent.get(url)));
      for (const [i, p] of pages.entries()) expect(p.status, PAGES[i]).toBe(200);

      // «Далее» with the token of each page, overlapping with more pages being rendered
      const answers = await Promise.all([
        ...pages.map((p) =>
          agent
            .post('/welcome')
            .type('form')
            .send({ _csrf: csrfFrom(p.text) }),
        ),
        ...PAGES.map((url) => agent.get(url)),
      ]);
      const posts = answers.slice(0, pages.length);
      expect(
        posts.map((r) => r.status),
        `${person}: «Далее» after the first pages`,
      ).toEqual(pages.map(() => 303));
      // one token for the whole session: every page showed it and it is still the same
      const tokens = new Set(pages.map((p) => csrfFrom(p.text)));
      expect(tokens.size, `${person}: distinct tokens on the pages of one session`).toBe(1);
      const after = await agent.get('/welcome').expect(200);
      expect(csrfFrom(after.text)).toBe([...tokens][0]);
    }
  });

  it('still refuses a forged token and the token of another session', async () => {
    const a = await freshLogin('r11');
    const b = await freshLogin('r12');
    const tokenOfB = csrfFrom((await b.get('/welcome').expect(200)).text);
    expect((await a.post('/welcome').type('form').send({ _csrf: tokenOfB })).status).toBe(403);
    expect((await a.post('/welcome').type('form').send({ _csrf: 'forged' })).status).toBe(403);
    expect((await a.post('/welcome').type('form').send({})).status).toBe(403);
  });
});
