/**
 * Counts the statements sent to PostgreSQL: every pg client's query (under knex and under the session
 * store alike) is recorded until `stop()`. Used by the statement-count tests and bench/msu.ts.
 */
import pg from 'pg';

type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;

export interface StatementRecorder {
  /** the text of each statement, in the order sent */
  texts: string[];
  stop: () => void;
}

export function recordStatements(): StatementRecorder {
  const proto = pg.Client.prototype as unknown as { query: QueryFn };
  const original = proto.query;
  const texts: string[] = [];
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0];
    texts.push(typeof q === 'string' ? q : String((q as { text?: string } | null)?.text ?? ''));
    return original.apply(this, args);
  };
  return { texts, stop: () => void (proto.query = original) };
}

/** Statements of every request's middleware (sessions, rate limits), counted apart from a step's own. */
export function isMiddlewareStatement(sql: string): boolean {
  return /\b(sessions|rate_limits)\b/.test(sql);
}
