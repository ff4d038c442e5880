/**
 * The dev stand's demo recipients: the IPR the seed gives each one is exactly what the start page's
 * note about them says (issue 13, item 9).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { decodeEntities } from '../../support/http.js';
import { PEOPLE } from '../../../src/devstand/people.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('demo recipients', () => {
  it('hold in their IPR exactly the measures the start page names, and the page shows each note', async () => {
    const rows = (await ctx
      .db('ipr_measures as m')
      .join('persons as p', 'p.id', 'm.person_id')
      .join('iprs as i', 'i.id', 'm.ipr_id')
      .where((w) =>
        w.where('i.external_id', 'like', 'ESOBES-IPR-%').orWhere('i.external_id', 'like', 'ESOBES-SSU-%'),
      )
      .select('p.iin', 'm.help_type')) as { iin: string; help_type: string }[];
    const page = decodeEntities((await request(ctx.app).get('/').expect(200)).text);
    for (const p of PEOPLE) {
      const seeded = rows.filter((r) => r.iin === p.iin).map((r) => r.help_type);
      expect(seeded.sort(), p.key).toEqual([...p.measures].sort());
      if (p.roles.includes('recipient')) expect(page, p.key).toContain(p.note);
    }
    // not everybody has everything any more
    const kinds = new Set(PEOPLE.map((p) => [...p.measures].sort().join(',')));
    expect(kinds.size).toBeGreaterThan(10);
  });
});
