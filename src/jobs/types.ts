/** A scheduled piece of background work contributed by a module (run by pg-boss's cron, Astana time). */
export interface JobDefinition {
  name: string;
  /** cron in Astana time, e.g. '* * * * *' every minute */
  cron: string;
  run: () => Promise<unknown>;
}
