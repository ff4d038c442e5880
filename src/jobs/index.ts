import PgBoss from 'pg-boss';
import type { Services } from '../modules/index.js';
import type { JobDefinition } from './types.js';

export type { JobDefinition } from './types.js';

/** Every module's scheduled jobs, plus outbox delivery. */
export function allJobs(services: Services): JobDefinition[] {
  const fromModules = [
    services.entitlements,
    services.msu,
    services.specialistServices,
    services.goods,
    services.admin,
    services.contracts,
  ].flatMap((m) => ((m as { jobs?: JobDefinition[] }).jobs ?? []) as JobDefinition[]);
  return [
    { name: 'outbox-deliver', cron: '* * * * *', run: () => services.outbox.deliverDue(200) },
    // unused sign requests (names, IINs, addresses) do not outlive their TTL by more than 10 minutes
    { name: 'sign-requests-expire', cron: '*/10 * * * *', run: () => services.signing.deleteExpired() },
    ...fromModules,
  ];
}

export interface JobRunner {
  stop: () => Promise<void>;
}

/**
 * The job queue on the same PostgreSQL (pg-boss): cron schedules are shared by all instances and each
 * run is taken by one worker. Outbox delivery also polls every OUTBOX_POLL_MS (a second by default),
 * so codes arrive at once; its rows are locked with SKIP LOCKED, so pollers on several instances never
 * send one message twice.
 */
export async function startJobs(services: Services, connectionString: string): Promise<JobRunner> {
  const log = services.logger.child({ component: 'jobs' });
  const boss = new PgBoss({ connectionString, schema: 'pgboss', max: 3 });
  boss.on('error', (err: unknown) => log.error({ err }, 'job queue error'));
  await boss.start();
  const jobs = allJobs(services);
  for (const job of jobs) {
    await boss.createQueue(job.name);
    await boss.schedule(job.name, job.cron, {}, { tz: 'Asia/Almaty' });
    await boss.work(job.name, async () => {
      try {
        await job.run();
      } catch (err) {
        log.error({ err, job: job.name }, 'job failed');
        throw err;
      }
    });
  }
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    services.outbox
      .deliverDue(100)
      .catch((err: unknown) => log.warn({ err }, 'outbox poll failed'))
      .finally(() => {
        running = false;
      });
  }, services.config.OUTBOX_POLL_MS);
  timer.unref();
  log.info({ jobs: jobs.map((j) => j.name) }, 'background jobs started');
  return {
    stop: async () => {
      clearInterval(timer);
      await boss.stop({ graceful: true, timeout: 5000 });
    },
  };
}
