import type { Knex } from 'knex';

/**
 * Every instance keeps the sessions it read lately in memory (src/web/session-cache.ts). A session
 * whose content changes or that is deleted (a logout, «log out everywhere», a blocked account, the
 * absolute lifetime, pruning) is announced on the channel `portal_sessions` with its id, so that every
 * instance forgets it, whichever instance or statement changed it. Renewing the expiry alone
 * (`UPDATE … SET expire`) announces nothing: the cache does not hold the expiry.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function notify_session_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('portal_sessions', old.sid);
      return null;
    end $$;
    create trigger sessions_changed after update of sess or delete on sessions
      for each row execute function notify_session_change();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop trigger if exists sessions_changed on sessions;
    drop function if exists notify_session_change();
  `);
}
