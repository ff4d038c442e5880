import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { CODE_DIR } from '../config.js';

interface MigrationModule {
  up: (knex: Knex) => Promise<void>;
  down: (knex: Knex) => Promise<void>;
}

/** Migrations (and the dev stand's seeds) are TypeScript in development and compiled JavaScript under dist/. */
const SOURCE_EXT = /\.(ts|js)$/;

/** The migration (or seed) modules of a folder, by file name. */
export function listModules(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => SOURCE_EXT.test(f) && !f.endsWith('.d.ts'))
    .sort();
}

/** A knex migration source reading `migrations/` by file name, without the extension (so dev and dist agree). */
export class FolderMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly dir = path.join(CODE_DIR, 'migrations')) {}
  async getMigrations(): Promise<string[]> {
    return listModules(this.dir);
  }
  getMigrationName(file: string): string {
    return file.replace(SOURCE_EXT, '');
  }
  async getMigration(file: string): Promise<MigrationModule> {
    return (await import(pathToFileURL(path.join(this.dir, file)).href)) as MigrationModule;
  }
}

export const migrationConfig = (): Knex.MigratorConfig => ({
  migrationSource: new FolderMigrationSource(),
  tableName: 'knex_migrations',
});

export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migrationConfig())) as [number, string[]];
  return applied;
}

export async function migrationsCurrent(db: Knex): Promise<boolean> {
  const [, pending] = (await db.migrate.list(migrationConfig())) as [unknown[], unknown[]];
  return pending.length === 0;
}
