import type { Router } from 'express';

/** A demo person of the start page, with their key files (the dev stand's var/keys/manifest.json). */
export interface DemoPersonRow {
  key: string;
  name: string;
  iin: string;
  roles: string[];
  note: string;
  status: string;
  auth?: string;
  sign?: string;
}

/**
 * What the dev stand (src/devstand) adds to the web outside production: its pages under /dev (the SMS
 * mailbox, the demo key files) and the demo people the start page lists. Production passes none.
 */
export interface DevStandWeb {
  router: Router;
  demoPeople(): Promise<DemoPersonRow[]>;
}
