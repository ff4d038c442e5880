/**
 * The transaction of prepared statements (src/db/prepared.ts, inPreparedTransaction) that the busiest
 * signed step runs in: on PostgreSQL, what it writes is committed together or not at all, a failed
 * statement leaves no aborted transaction on the pooled connection, and a deadlock the database breaks
 * is run again, as knex's transactions are by inTransaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPreparedTransaction, prepared, runPrepared, type PreparedTx } from '../../../src/db/prepared.js';
import { createTestContext, type TestContext } from '../../support/context.js';

const PUT = prepared('test.probe_put', 'insert into prepared_tx_probe (id, note) values ($1, $2)');
const TOUCH = prepared('test.probe_touch', "update prepared_tx_probe set note = note || '+' where id = $1");
const TX_STATE = prepared(
  'test.probe_tx_state',
  "select current_setting('transaction_isolation') as level, txid_current_if_assigned() is not null as wrote",
);

describe('a transaction of prepared statements', () => {
  let ctx: TestContext;
  const notes = async () =>
    (await ctx.db('prepared_tx_probe').orderBy('id').select('id', 'note')) as { id: number; note: string }[];

  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.db.raw('create table prepared_tx_probe (id int primary key, note text not null)');
  });
  afterAll(async () => ctx?.close());

  it('commits every statement together, and sees its own writes before the commit', async () => {
    const result = await inPreparedTransaction(ctx.db, async (tx) => {
      await runPrepared(tx, PUT, [1, 'a']);
      await runPrepared(tx, PUT, [2, 'b']);
      const [state] = await runPrepared<{ level: string; wrote: boolean }>(tx, TX_STATE, []);
      // nothing is visible outside until the commit
      expect(await notes()).toEqual([]);
      return state;
    });
    expect(result).toEqual({ level: 'read committed', wrote: true });
    expect(await notes()).toEqual([
      { id: 1, note: 'a' },
      { id: 2, note: 'b' },
    ]);
  });

  it('what the change throws rolls back everything it wrote, and the error reaches the caller', async () => {
    const refusal = new Error('refused after two writes');
    await expect(
      inPreparedTransaction(ctx.db, async (tx) => {
        await runPrepared(tx, PUT, [3, 'c']);
        await runPrepared(tx, TOUCH, [1]);
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(await notes()).toEqual([
      { id: 1, note: 'a' },
      { id: 2, note: 'b' },
    ]);
  });

  it('a failed statement rolls back, and leaves every pooled connection usable', async () => {
    // more failures than the pool has connections: an aborted transaction left on one would show
    for (let i = 0; i < 15; i++) {
      await expect(
        inPreparedTransaction(ctx.db, async (tx) => {
          await runPrepared(tx, PUT, [10 + i, 'x']);
          await runPrepared(tx, PUT, [1, 'duplicate']);
        }),
      ).rejects.toMatchObject({ code: '23505' });
    }
    expect((await notes()).map((n) => n.id)).toEqual([1, 2]);
    await inPreparedTransaction(ctx.db, (tx) => runPrepared(tx, PUT, [4, 'd']));
    expect((await notes()).map((n) => n.id)).toEqual([1, 2, 4]);
    await ctx.db('prepared_tx_probe').where({ id: 4 }).del();
  });

  it('a deadlock the database breaks is run again: both changes end committed, each once', async () => {
    // two changes take rows 1 and 2 in opposite orders; each waits until the other holds its first row
    let attempts = 0;
    const held: Array<() => void> = [];
    const bothHold = [0, 1].map(() => new Promise<void>((r) => held.push(r)));
    const change = (first: number, second: number, who: number) => async (tx: PreparedTx) => {
      attempts++;
      await runPrepared(tx, TOUCH, [first]);
      held[who]!();
      await bothHold[1 - who];
      await runPrepared(tx, TOUCH, [second]);
    };
    await Promise.all([
      inPreparedTransaction(ctx.db, change(1, 2, 0)),
      inPreparedTransaction(ctx.db, change(2, 1, 1)),
    ]);
    // one of the two was chosen as the deadlock's victim, rolled back and run a second time
    expect(attempts).toBe(3);
    expect(await notes()).toEqual([
      { id: 1, note: 'a++' },
      { id: 2, note: 'b++' },
    ]);
  });
});
